/*
 * preset.c - the table of built-in presets.  The texts are in
 * preset_*.c, one per export format, so each reads as a rules file.
 */
#include "importers/preset.h"

#include <string.h>

extern const char pb_preset__spend500[];
extern const char pb_preset__unit4_gl[];
extern const char pb_preset__isfe[];
extern const char pb_preset__camt053[];
extern const char pb_preset__ofx[];

static const pb_preset presets[] = {
    {"spend500", "Transparency Code 'spending over £500' CSV (councils)",
     pb_preset__spend500},
    {"unit4-gl", "Unit4 ERP / Agresso general-ledger transactions CSV",
     pb_preset__unit4_gl},
    {"isfe", "Oracle / NHS ISFE journal lines CSV (debit and credit columns)",
     pb_preset__isfe},
    {"camt053", "ISO 20022 camt.053 bank statement XML (.001.02 and later)",
     pb_preset__camt053},
    {"ofx", "OFX 2.x (XML) bank or card statement", pb_preset__ofx},
};

const pb_preset *pb_preset_find(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < sizeof presets / sizeof presets[0]; i++) {
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    }
    return NULL;
}

const pb_preset *pb_preset_at(size_t i)
{
    return i < sizeof presets / sizeof presets[0] ? &presets[i] : NULL;
}
