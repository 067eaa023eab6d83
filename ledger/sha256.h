/*
 * sha256.h - SHA-256 through OpenSSL's libcrypto.
 *
 * Used for the journal's hash chain and for recognising an import file
 * that was seen before.  Out of memory or a libcrypto failure aborts: a
 * hash that silently failed would defeat tamper evidence.
 */
#ifndef PB_SHA256_H
#define PB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define PB_SHA256_LEN 32
#define PB_SHA256_HEX_LEN 65 /* 64 hex digits + NUL */

typedef struct pb_sha256 pb_sha256;

/* One-shot digest of p[0..n). */
void pb_sha256_digest(const void *p, size_t n, uint8_t out[PB_SHA256_LEN]);

/* Incremental: new, update any number of times, final (which frees). */
pb_sha256 *pb_sha256_new(void);
void pb_sha256_update(pb_sha256 *h, const void *p, size_t n);
void pb_sha256_final(pb_sha256 *h, uint8_t out[PB_SHA256_LEN]);
void pb_sha256_free(pb_sha256 *h); /* abandon without a digest; NULL-safe */

/* Lower-case hex of a digest into buf (PB_SHA256_HEX_LEN bytes). */
char *pb_sha256_hex(const uint8_t digest[PB_SHA256_LEN], char *buf);

#endif
