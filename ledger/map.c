/*
 * map.c - open-addressing hash map, FNV-1a hashing.
 *
 * Invariant: cap is 0 or a power of two, count < 0.7 * cap, and every
 * occupied slot is reachable from its hash by linear probing with no empty
 * slot in between (there is no delete, so no tombstones).
 */
#include "ledger/map.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/buf.h"

struct pb_map_slot {
    char *key;      /* NULL = empty slot; owned copy, NUL-terminated */
    size_t len;     /* key length */
    uint64_t hash;  /* full hash, to skip most memcmp calls */
    int64_t value;
};

static uint64_t hash_bytes(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

void pb_map_init(pb_map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void pb_map_reset(pb_map *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++) {
        free(m->slots[i].key);
        m->slots[i].key = NULL;
    }
    m->count = 0;
}

void pb_map_clear(pb_map *m)
{
    if (m == NULL)
        return;
    pb_map_reset(m);
    free(m->slots);
    pb_map_init(m);
}

static pb_map_slot *find(const pb_map *m, const void *key, size_t len,
                         uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;

    for (;;) {
        pb_map_slot *s = &m->slots[i];

        if (s->key == NULL)
            return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
        i = (i + 1) & mask;
    }
}

static void grow(pb_map *m)
{
    pb_map old = *m;
    size_t i;

    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = pb_xcalloc(m->cap, sizeof *m->slots);
    for (i = 0; i < old.cap; i++) {
        pb_map_slot *s = &old.slots[i];

        if (s->key != NULL)
            *find(m, s->key, s->len, s->hash) = *s;
    }
    free(old.slots);
}

bool pb_map_get(const pb_map *m, const void *key, size_t len, int64_t *value)
{
    pb_map_slot *s;

    if (m->count == 0)
        return false;
    s = find(m, key, len, hash_bytes(key, len));
    if (s->key == NULL)
        return false;
    *value = s->value;
    return true;
}

void pb_map_put(pb_map *m, const void *key, size_t len, int64_t value)
{
    uint64_t h = hash_bytes(key, len);
    pb_map_slot *s;

    if ((m->count + 1) * 10 > m->cap * 7)
        grow(m);
    s = find(m, key, len, h);
    if (s->key == NULL) {
        s->key = pb_xstrndup(key, len);
        s->len = len;
        s->hash = h;
        m->count++;
    }
    s->value = value;
}

bool pb_map_gets(const pb_map *m, const char *key, int64_t *value)
{
    return pb_map_get(m, key, strlen(key), value);
}

void pb_map_puts(pb_map *m, const char *key, int64_t value)
{
    pb_map_put(m, key, strlen(key), value);
}

bool pb_map_next(const pb_map *m, size_t *iter, const void **key, size_t *len,
                 int64_t *value)
{
    while (*iter < m->cap) {
        pb_map_slot *s = &m->slots[(*iter)++];

        if (s->key != NULL) {
            *key = s->key;
            *len = s->len;
            *value = s->value;
            return true;
        }
    }
    return false;
}
