# config.mk - what a packager edits.  Included by the Makefile.

PREFIX    ?= /usr/local
CC        ?= cc
PKG_CONFIG ?= pkg-config

# Libraries found with pkg-config.  libcrypto is OpenSSL's, for SHA-256.
PB_PKGS   = gmp sqlite3 libxml-2.0 libcrypto
TEST_PKGS = cmocka

OPTFLAGS  ?= -O2 -g
