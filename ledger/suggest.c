/*
 * suggest.c - optimal string alignment distance over two rows of a small
 * fixed table; codes are short, so no allocation is needed.
 */
#include "ledger/suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/buf.h"

#define MAXLEN 64

int pb_suggest_distance(const char *a, const char *b)
{
    int d[MAXLEN + 1][MAXLEN + 1];
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > MAXLEN || lb > MAXLEN)
        return 1 << 20;
    for (i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]);
            int cb = tolower((unsigned char)b[j - 1]);
            int cost = ca != cb;
            int v = d[i - 1][j] + 1;

            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 &&
                ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void pb_suggest_init(pb_suggest *s, const char *word)
{
    s->word = word;
    s->best = NULL;
    s->best_dist = 0;
}

void pb_suggest_add(pb_suggest *s, const char *candidate)
{
    int limit = (int)strlen(s->word) / 3;
    int dist;

    if (limit < 1)
        limit = 1;
    dist = pb_suggest_distance(s->word, candidate);
    if (dist > limit || (s->best != NULL && dist >= s->best_dist))
        return;
    free(s->best);
    s->best = pb_xstrdup(candidate);
    s->best_dist = dist;
}

const char *pb_suggest_best(const pb_suggest *s)
{
    return s->best;
}

void pb_suggest_clear(pb_suggest *s)
{
    if (s == NULL)
        return;
    free(s->best);
    s->best = NULL;
}
