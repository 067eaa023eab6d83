/*
 * suggest.h - "did you mean ...?" for codes, names and commands.
 *
 * Feed every candidate to pb_suggest_add(); the best is the candidate with
 * the smallest case-insensitive edit distance (Levenshtein, with adjacent
 * transposition counted as one edit), provided the distance is at most a
 * third of the word's length (at least 1).  Ties keep the first candidate,
 * so results are deterministic.
 */
#ifndef PB_SUGGEST_H
#define PB_SUGGEST_H

typedef struct pb_suggest {
    const char *word; /* borrowed: what was typed */
    char *best;       /* owned copy of the best candidate, or NULL */
    int best_dist;    /* its distance */
} pb_suggest;

void pb_suggest_init(pb_suggest *s, const char *word);
void pb_suggest_add(pb_suggest *s, const char *candidate);
/* The best candidate or NULL.  Borrowed until pb_suggest_clear(). */
const char *pb_suggest_best(const pb_suggest *s);
void pb_suggest_clear(pb_suggest *s);

/* Edit distance, case-insensitive; strings over 64 bytes compare as far
 * apart (suggestions are for short codes). */
int pb_suggest_distance(const char *a, const char *b);

#endif
