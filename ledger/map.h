/*
 * map.h - a hash map from byte strings to 64-bit integers.
 *
 * Used where the posting hot path must not touch SQLite: account and
 * dimension codes to row ids, and balance-cache keys to slots of pending
 * deltas.  Open addressing with linear probing, power-of-two capacity,
 * grown at 70% load; keys are copied into the map.  There is no delete:
 * maps are rebuilt (pb_map_reset) rather than edited, which keeps probing
 * simple.  Allocation failure aborts (see buf.h).
 */
#ifndef PB_MAP_H
#define PB_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pb_map_slot pb_map_slot;

typedef struct pb_map {
    pb_map_slot *slots; /* capacity entries; NULL until first insert */
    size_t cap;         /* power of two, or 0 */
    size_t count;       /* keys held */
} pb_map;

#define PB_MAP_INIT {NULL, 0, 0}

void pb_map_init(pb_map *m);
/* Frees everything; NULL-safe.  The map may be reused after pb_map_init. */
void pb_map_clear(pb_map *m);
/* Removes every key but keeps the storage. */
void pb_map_reset(pb_map *m);

/* Looks key up; on success stores the value in *value and returns true. */
bool pb_map_get(const pb_map *m, const void *key, size_t len, int64_t *value);
/* Inserts or replaces. */
void pb_map_put(pb_map *m, const void *key, size_t len, int64_t value);
/* C-string conveniences. */
bool pb_map_gets(const pb_map *m, const char *key, int64_t *value);
void pb_map_puts(pb_map *m, const char *key, int64_t value);

/* Iteration: for (i = 0; pb_map_next(m, &i, &k, &len, &v);) ... */
bool pb_map_next(const pb_map *m, size_t *iter, const void **key, size_t *len,
                 int64_t *value);

#endif
