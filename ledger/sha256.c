/*
 * sha256.c - thin wrapper over libcrypto's EVP digest interface (the
 * non-deprecated one in OpenSSL 3).
 */
#include "ledger/sha256.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct pb_sha256 {
    EVP_MD_CTX *ctx;
};

static void die(const char *what)
{
    fprintf(stderr, "poolbook: fatal: SHA-256 %s failed\n", what);
    abort();
}

/* The algorithm, fetched from the provider once: with EVP_sha256()
 * OpenSSL 3 looks the implementation up again at every init, once per
 * entry posted or checked.  Never freed (one object for the life of the
 * process). */
static const EVP_MD *sha256(void)
{
    static EVP_MD *md;

    if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
        die("fetch");
    return md;
}

void pb_sha256_digest(const void *p, size_t n, uint8_t out[PB_SHA256_LEN])
{
    unsigned int len = 0;

    if (EVP_Digest(p, n, out, &len, sha256(), NULL) != 1 ||
        len != PB_SHA256_LEN)
        die("digest");
}

pb_sha256 *pb_sha256_new(void)
{
    pb_sha256 *h = malloc(sizeof *h);

    if (h == NULL || (h->ctx = EVP_MD_CTX_new()) == NULL)
        die("allocation");
    if (EVP_DigestInit_ex(h->ctx, sha256(), NULL) != 1)
        die("init");
    return h;
}

void pb_sha256_update(pb_sha256 *h, const void *p, size_t n)
{
    if (EVP_DigestUpdate(h->ctx, p, n) != 1)
        die("update");
}

void pb_sha256_final(pb_sha256 *h, uint8_t out[PB_SHA256_LEN])
{
    unsigned int len = 0;

    if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != PB_SHA256_LEN)
        die("final");
    pb_sha256_free(h);
}

void pb_sha256_free(pb_sha256 *h)
{
    if (h == NULL)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

char *pb_sha256_hex(const uint8_t digest[PB_SHA256_LEN], char *buf)
{
    static const char hex[] = "0123456789abcdef";
    int i;

    for (i = 0; i < PB_SHA256_LEN; i++) {
        buf[2 * i] = hex[digest[i] >> 4];
        buf[2 * i + 1] = hex[digest[i] & 15];
    }
    buf[2 * PB_SHA256_LEN] = '\0';
    return buf;
}
