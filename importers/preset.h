/*
 * preset.h - the built-in import presets: rules texts shipped inside the
 * program for the exports councils and ICBs actually produce.
 *
 * A preset is ordinary rules text (rules.h), so an officer can print it
 * (`poolbook import presets NAME`), copy it and adapt it, or start a rules
 * file with `preset NAME` and override only what differs.  The texts live
 * in importers/preset_*.c, one file per export format.
 */
#ifndef PB_PRESET_H
#define PB_PRESET_H

#include <stddef.h>

typedef struct pb_preset {
    const char *name;    /* what --preset takes: "camt053" */
    const char *summary; /* one line for `import presets` */
    const char *text;    /* the rules text */
} pb_preset;

/* The preset called `name`, or NULL.  Borrowed, static. */
const pb_preset *pb_preset_find(const char *name);
/* Presets in listing order: i from 0 while the result is not NULL. */
const pb_preset *pb_preset_at(size_t i);

#endif
