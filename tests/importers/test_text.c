/*
 * test_text.c - importers/text: UTF-8 validation, Windows-1252, BOMs,
 * ASCII helpers and the header normal form.
 *
 * The validator is also checked exhaustively, for every sequence of up to
 * three bytes, against a reference model that decodes by arithmetic and
 * applies the Unicode rules directly (no overlongs, no surrogates, nothing
 * above U+10FFFF).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "importers/text.h"

/* ---- helpers ----------------------------------------------------------- */

static bool valid(const char *s, size_t n, size_t *bad)
{
    return pb_text_utf8_valid(s, n, bad);
}

#define VALID(lit) valid(lit, sizeof lit - 1, NULL)

/* Offset reported for an invalid literal, or SIZE_MAX if it is valid. */
static size_t bad_offset(const char *s, size_t n)
{
    size_t off = SIZE_MAX;

    if (pb_text_utf8_valid(s, n, &off))
        return SIZE_MAX;
    return off;
}

#define BAD_AT(lit) bad_offset(lit, sizeof lit - 1)

static char *cp1252(const char *s, size_t n)
{
    static char out[256];
    pb_buf b = PB_BUF_INIT;

    pb_text_cp1252_to_utf8(&b, s, n);
    assert_true(b.len < sizeof out);
    memcpy(out, pb_buf_str(&b), b.len + 1);
    pb_buf_clear(&b);
    return out;
}

#define CP1252(lit) cp1252(lit, sizeof lit - 1)

static char *norm(const char *s)
{
    static char out[256];
    pb_buf b = PB_BUF_INIT;

    pb_text_normalise_header(&b, s, strlen(s));
    assert_true(b.len <= strlen(s));
    assert_true(b.len < sizeof out);
    memcpy(out, pb_buf_str(&b), b.len + 1);
    pb_buf_clear(&b);
    return out;
}

/* ---- UTF-8 validation -------------------------------------------------- */

static void test_utf8__ascii_and_empty_are_valid(void **state)
{
    (void)state;
    assert_true(valid("", 0, NULL));
    assert_true(VALID("Date,Amount,Cost centre\r\n"));
    assert_true(VALID("a\0b")); /* U+0000 is a character */
}

static void test_utf8__well_formed_sequences_are_valid(void **state)
{
    (void)state;
    assert_true(VALID("\xC2\xA3"));         /* £ */
    assert_true(VALID("\xE2\x82\xAC"));     /* € */
    assert_true(VALID("\xC2\x80"));         /* U+0080, lowest 2-byte */
    assert_true(VALID("\xDF\xBF"));         /* U+07FF */
    assert_true(VALID("\xE0\xA0\x80"));     /* U+0800, lowest 3-byte */
    assert_true(VALID("\xED\x9F\xBF"));     /* U+D7FF, below surrogates */
    assert_true(VALID("\xEE\x80\x80"));     /* U+E000, above surrogates */
    assert_true(VALID("\xEF\xBF\xBF"));     /* U+FFFF */
    assert_true(VALID("\xF0\x90\x80\x80")); /* U+10000 */
    assert_true(VALID("\xF4\x8F\xBF\xBF")); /* U+10FFFF, the last */
    assert_true(VALID("Caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x92\xB7"));
}

static void test_utf8__overlong_forms_are_invalid(void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("\xC0\x80"), 0);
    assert_int_equal(BAD_AT("\xC1\xBF"), 0);
    assert_int_equal(BAD_AT("\xE0\x80\x80"), 0);
    assert_int_equal(BAD_AT("\xE0\x9F\xBF"), 0);
    assert_int_equal(BAD_AT("\xF0\x80\x80\x80"), 0);
    assert_int_equal(BAD_AT("\xF0\x8F\xBF\xBF"), 0);
}

static void test_utf8__surrogates_are_invalid(void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("\xED\xA0\x80"), 0); /* U+D800 */
    assert_int_equal(BAD_AT("\xED\xBF\xBF"), 0); /* U+DFFF */
    /* a CESU-8 pair for U+1F4B7 */
    assert_int_equal(BAD_AT("x\xED\xA0\xBD\xED\xB2\xB7"), 1);
}

static void test_utf8__beyond_u10ffff_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("\xF4\x90\x80\x80"), 0);
    assert_int_equal(BAD_AT("\xF5\x80\x80\x80"), 0);
    assert_int_equal(BAD_AT("\xF8\x88\x80\x80\x80"), 0);
    assert_int_equal(BAD_AT("\xFF"), 0);
    assert_int_equal(BAD_AT("\xFE"), 0);
}

static void test_utf8__stray_continuation_byte_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("\x80"), 0);
    assert_int_equal(BAD_AT("ab\xBF"), 2);
    assert_int_equal(BAD_AT("\xC2\xA3\xA3"), 2); /* one too many */
}

static void test_utf8__truncated_sequences_are_invalid_at_their_lead(
    void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("\xC2"), 0);
    assert_int_equal(BAD_AT("x\xE2\x82"), 1);
    assert_int_equal(BAD_AT("xy\xF0\x9F\x92"), 2);
    /* cut short by an ASCII byte rather than the end */
    assert_int_equal(BAD_AT("\xE2\x82" "A"), 0);
    assert_int_equal(BAD_AT("\xF0\x9F" "AB"), 0);
    assert_int_equal(BAD_AT("\xC2 "), 0);
}

static void test_utf8__cp1252_pound_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(BAD_AT("Amount \xA3" "5"), 7);
}

static void test_utf8__bad_byte_after_long_ascii_run_is_found(void **state)
{
    char s[100];
    size_t i;

    (void)state;
    /* exercises the eight-bytes-at-a-time path at every alignment */
    for (i = 0; i < 40; i++) {
        memset(s, 'a', sizeof s);
        s[i + 17] = '\x80';
        assert_int_equal(bad_offset(s + (i % 8), sizeof s - (i % 8)),
                         i + 17 - (i % 8));
    }
}

static void test_utf8__bad_off_untouched_when_valid_and_may_be_null(
    void **state)
{
    size_t off = 12345;

    (void)state;
    assert_true(pb_text_utf8_valid("ok", 2, &off));
    assert_int_equal(off, 12345);
    assert_false(pb_text_utf8_valid("\xC0\x80", 2, NULL));
}

/* The reference model: decode by arithmetic, then apply Unicode's rules. */
static bool model_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len, k;
        uint32_t cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
            (len == 4 && cp < 0x10000))
            return false; /* overlong */
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return false; /* surrogate */
        if (cp > 0x10FFFF)
            return false;
        i += len;
    }
    return true;
}

static void test_utf8__agrees_with_model_on_all_short_sequences(void **state)
{
    unsigned char s[4];
    uint32_t v;

    (void)state;
    for (v = 0; v < 0x100; v++) {
        s[0] = (unsigned char)v;
        assert_int_equal(pb_text_utf8_valid((char *)s, 1, NULL),
                         model_valid(s, 1));
    }
    for (v = 0; v < 0x10000; v++) {
        s[0] = (unsigned char)(v >> 8);
        s[1] = (unsigned char)v;
        assert_int_equal(pb_text_utf8_valid((char *)s, 2, NULL),
                         model_valid(s, 2));
    }
    for (v = 0; v < 0x1000000; v++) {
        s[0] = (unsigned char)(v >> 16);
        if (s[0] < 0xC0) { /* ASCII or stray lead: covered above */
            v |= 0xFFFF;
            continue;
        }
        s[1] = (unsigned char)(v >> 8);
        s[2] = (unsigned char)v;
        if (pb_text_utf8_valid((char *)s, 3, NULL) != model_valid(s, 3))
            fail_msg("disagree on %02X %02X %02X", s[0], s[1], s[2]);
    }
    /* four-byte leads with every second byte (the byte that decides) */
    for (v = 0xF0; v < 0x100; v++) {
        uint32_t b;

        for (b = 0; b < 0x100; b++) {
            s[0] = (unsigned char)v;
            s[1] = (unsigned char)b;
            s[2] = 0x80;
            s[3] = 0xBF;
            assert_int_equal(pb_text_utf8_valid((char *)s, 4, NULL),
                             model_valid(s, 4));
        }
    }
}

/* ---- Windows-1252 ------------------------------------------------------ */

static void test_cp1252__ascii_is_copied(void **state)
{
    (void)state;
    assert_string_equal(CP1252("Amount, 12.50\r\n"), "Amount, 12.50\r\n");
    assert_string_equal(CP1252(""), "");
}

static void test_cp1252__pound_a3_becomes_c2_a3(void **state)
{
    (void)state;
    assert_string_equal(CP1252("\xA3" "1,234.56"), "\xC2\xA3" "1,234.56");
}

static void test_cp1252__euro_80_becomes_e2_82_ac(void **state)
{
    (void)state;
    assert_string_equal(CP1252("\x80" "5"), "\xE2\x82\xAC" "5");
}

static void test_cp1252__c1_range_follows_microsoft_table(void **state)
{
    (void)state;
    assert_string_equal(CP1252("\x85"), "\xE2\x80\xA6"); /* … */
    assert_string_equal(CP1252("\x92"), "\xE2\x80\x99"); /* ’ */
    assert_string_equal(CP1252("\x93\x94"), "\xE2\x80\x9C\xE2\x80\x9D");
    assert_string_equal(CP1252("\x96"), "\xE2\x80\x93"); /* – */
    assert_string_equal(CP1252("\x97"), "\xE2\x80\x94"); /* — */
    assert_string_equal(CP1252("\x99"), "\xE2\x84\xA2"); /* ™ */
    assert_string_equal(CP1252("\x83"), "\xC6\x92");     /* ƒ */
    assert_string_equal(CP1252("\x8A"), "\xC5\xA0");     /* Š */
    assert_string_equal(CP1252("\x9F"), "\xC5\xB8");     /* Ÿ */
}

static void test_cp1252__undefined_bytes_become_c1_controls(void **state)
{
    (void)state;
    assert_string_equal(CP1252("\x81"), "\xC2\x81");
    assert_string_equal(CP1252("\x8D"), "\xC2\x8D");
    assert_string_equal(CP1252("\x8F"), "\xC2\x8F");
    assert_string_equal(CP1252("\x90"), "\xC2\x90");
    assert_string_equal(CP1252("\x9D"), "\xC2\x9D");
}

static void test_cp1252__latin1_range_is_identity(void **state)
{
    (void)state;
    assert_string_equal(CP1252("\xA0"), "\xC2\xA0");
    assert_string_equal(CP1252("Caf\xE9"), "Caf\xC3\xA9");
    assert_string_equal(CP1252("\xFF"), "\xC3\xBF");
}

static void test_cp1252__every_byte_gives_valid_utf8(void **state)
{
    char all[256];
    pb_buf b = PB_BUF_INIT;
    int i;

    (void)state;
    for (i = 0; i < 256; i++)
        all[i] = (char)(i == 0 ? ' ' : i);
    pb_text_cp1252_to_utf8(&b, all, sizeof all);
    assert_true(pb_text_utf8_valid(b.data, b.len, NULL));
    assert_true(b.len <= 3 * sizeof all);
    pb_buf_clear(&b);
}

static void test_cp1252__appends_to_existing_contents(void **state)
{
    pb_buf b = PB_BUF_INIT;

    (void)state;
    pb_buf_puts(&b, "net ");
    /* long enough to use the word-at-a-time path, both sides of £ */
    pb_text_cp1252_to_utf8(&b, "amount in pounds \xA3 sterling only", 32);
    assert_string_equal(pb_buf_str(&b),
                        "net amount in pounds \xC2\xA3 sterling only");
    pb_buf_clear(&b);
}

/* ---- encodings by name ------------------------------------------------- */

static void test_encoding__names_parse_in_any_case(void **state)
{
    pb_encoding enc = PB_ENC_AUTO;
    pb_error err;

    (void)state;
    assert_int_equal(pb_text_encoding_parse(&enc, "UTF-8", &err), PB_OK);
    assert_int_equal(enc, PB_ENC_UTF8);
    assert_int_equal(pb_text_encoding_parse(&enc, "cp1252", &err), PB_OK);
    assert_int_equal(enc, PB_ENC_CP1252);
    assert_int_equal(pb_text_encoding_parse(&enc, "Auto", &err), PB_OK);
    assert_int_equal(enc, PB_ENC_AUTO);
    assert_int_equal(pb_text_encoding_parse(&enc, "latin9", &err),
                     PB_EINVAL);
    assert_non_null(strstr(err.msg, "latin9"));
    assert_int_equal(enc, PB_ENC_AUTO);
    assert_string_equal(pb_text_encoding_name(PB_ENC_CP1252),
                        "windows-1252");
}

/* ---- byte-order marks -------------------------------------------------- */

static void test_bom__utf8_bom_is_three_bytes(void **state)
{
    (void)state;
    assert_int_equal(pb_text_bom_len("\xEF\xBB\xBF" "Date", 7), 3);
    assert_int_equal(pb_text_bom_len("\xEF\xBB\xBF", 3), 3);
    assert_int_equal(pb_text_bom_len("\xEF\xBB", 2), 0);
    assert_int_equal(pb_text_bom_len("Date", 4), 0);
    assert_int_equal(pb_text_bom_len("", 0), 0);
}

static void test_bom__check_accepts_utf8_bom_and_plain_text(void **state)
{
    size_t bom = 99;
    pb_error err;

    (void)state;
    assert_int_equal(pb_text_bom_check("\xEF\xBB\xBF" "a", 4, &bom, &err),
                     PB_OK);
    assert_int_equal(bom, 3);
    assert_int_equal(pb_text_bom_check("a,b\n", 4, &bom, &err), PB_OK);
    assert_int_equal(bom, 0);
    assert_int_equal(pb_text_bom_check("", 0, &bom, &err), PB_OK);
    assert_int_equal(bom, 0);
}

static void test_bom__utf16_boms_are_refused_with_advice(void **state)
{
    size_t bom = 99;
    pb_error err;

    (void)state;
    assert_int_equal(pb_text_bom_check("\xFF\xFE" "a\0", 4, &bom, &err),
                     PB_EINVAL);
    assert_string_equal(err.msg, "UTF-16 files are not supported; save as "
                                 "UTF-8 or CSV (Windows)");
    assert_int_equal(bom, 0);
    assert_int_equal(pb_text_bom_check("\xFE\xFF\0a", 4, &bom, &err),
                     PB_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-16"));
}

static void test_bom__utf32_boms_are_refused(void **state)
{
    size_t bom;
    pb_error err;

    (void)state;
    assert_int_equal(pb_text_bom_check("\xFF\xFE\0\0a\0\0\0", 8, &bom, &err),
                     PB_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-32"));
    assert_int_equal(pb_text_bom_check("\0\0\xFE\xFF", 4, &bom, &err),
                     PB_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-32"));
}

static void test_bom__utf16_without_bom_is_refused(void **state)
{
    static const char le[] = "D\0a\0t\0e\0,\0A\0m\0t\0\r\0\n\0";
    static const char be[] = "\0D\0a\0t\0e";
    size_t bom;
    pb_error err;

    (void)state;
    assert_int_equal(pb_text_bom_check(le, sizeof le - 1, &bom, &err),
                     PB_EINVAL);
    assert_non_null(strstr(err.msg, "UTF-16"));
    assert_int_equal(pb_text_bom_check(be, sizeof be - 1, &bom, &err),
                     PB_EINVAL);
    /* a stray NUL is not UTF-16: the CSV reader reports it as a NUL */
    assert_int_equal(pb_text_bom_check("ab\0cd", 5, &bom, &err), PB_OK);
}

static void test_bom__null_err_is_accepted(void **state)
{
    size_t bom;

    (void)state;
    assert_int_equal(pb_text_bom_check("\xFF\xFE", 2, &bom, NULL), PB_EINVAL);
}

/* ---- ASCII helpers ----------------------------------------------------- */

static void test_trim__removes_ascii_whitespace_at_both_ends(void **state)
{
    const char *s = " \t Cost centre \r\n";
    size_t n = strlen(s);

    (void)state;
    pb_text_trim(&s, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(s, "Cost centre", 11);
}

static void test_trim__all_blank_becomes_empty(void **state)
{
    const char *s = " \t\v\f\r\n ";
    size_t n = strlen(s);

    (void)state;
    pb_text_trim(&s, &n);
    assert_int_equal(n, 0);
    n = 0;
    pb_text_trim(&s, &n);
    assert_int_equal(n, 0);
}

static void test_trim__keeps_no_break_space(void **state)
{
    const char *s = "\xC2\xA0x ";
    size_t n = strlen(s);

    (void)state;
    pb_text_trim(&s, &n);
    assert_int_equal(n, 3); /* ASCII only: U+00A0 is data */
}

static void test_eq_ci__ignores_ascii_case_only(void **state)
{
    (void)state;
    assert_true(pb_text_eq_ci("AMOUNT", 6, "amount"));
    assert_true(pb_text_eq_ci("Cost Centre", 11, "cost centre"));
    assert_true(pb_text_eq_ci("", 0, ""));
    assert_false(pb_text_eq_ci("\xC3\x89", 2, "\xC3\xA9")); /* É vs é */
    assert_false(pb_text_eq_ci("AMOUNT", 6, "amoun"));
}

static void test_eq_ci__lengths_must_match(void **state)
{
    (void)state;
    assert_false(pb_text_eq_ci("Amount", 6, "amounts"));
    assert_false(pb_text_eq_ci("Amounts", 7, "amount"));
    assert_true(pb_text_eq_ci("Amounts", 6, "amount")); /* a prefix slice */
    assert_false(pb_text_eq_ci("a\0", 2, "a"));
}

/* ---- header names ------------------------------------------------------ */

static void test_header__lower_cases_and_trims(void **state)
{
    (void)state;
    assert_string_equal(norm("  Cost Centre\t"), "cost centre");
    assert_string_equal(norm("AMOUNT"), "amount");
}

static void test_header__collapses_spaces_underscores_hyphens(void **state)
{
    (void)state;
    assert_string_equal(norm("Cost_Centre"), "cost centre");
    assert_string_equal(norm("cost - centre"), "cost centre");
    assert_string_equal(norm("cost__ __centre"), "cost centre");
    assert_string_equal(norm("Cost\xC2\xA0" "Centre"), "cost centre");
    assert_string_equal(norm("_Cost-Centre_"), "cost centre");
}

static void test_header__strips_trailing_pound_unit(void **state)
{
    (void)state;
    assert_string_equal(norm("Amount (\xC2\xA3)"), "amount");
    assert_string_equal(norm("Amount(\xC2\xA3)"), "amount");
    assert_string_equal(norm("Amount \xC2\xA3"), "amount");
    assert_string_equal(norm("AMOUNT_\xC2\xA3 "), "amount");
    assert_string_equal(norm("Net Amount (\xC2\xA3)  "), "net amount");
}

static void test_header__keeps_pound_that_is_not_a_trailing_unit(void **state)
{
    (void)state;
    assert_string_equal(norm("\xC2\xA3 value"), "\xC2\xA3 value");
    assert_string_equal(norm("Price (\xC2\xA3) each"),
                        "price (\xC2\xA3) each");
    /* only one unit marker is removed */
    assert_string_equal(norm("Amount \xC2\xA3 \xC2\xA3"), "amount \xC2\xA3");
}

static void test_header__keeps_non_ascii_letters(void **state)
{
    (void)state;
    assert_string_equal(norm("Caf\xC3\x89 Name"), "caf\xC3\x89 name");
}

static void test_header__blank_and_unit_only_become_empty(void **state)
{
    (void)state;
    assert_string_equal(norm(""), "");
    assert_string_equal(norm(" _- "), "");
    assert_string_equal(norm("(\xC2\xA3)"), "");
}

static void test_header__replaces_previous_contents(void **state)
{
    pb_buf b = PB_BUF_INIT;

    (void)state;
    pb_buf_puts(&b, "a much longer previous value");
    pb_text_normalise_header(&b, "Date", 4);
    assert_string_equal(pb_buf_str(&b), "date");
    assert_int_equal(b.len, 4);
    pb_buf_clear(&b);
}

/* ---- positions ------------------------------------------------------- */

static void test_line_col__counts_lines_and_bytes(void **state)
{
    static const char text[] = "ab\ncd\r\n\xC2\xA3x";
    long col;

    (void)state;
    assert_int_equal(pb_text_line_col(text, 0, &col), 1);
    assert_int_equal(col, 1);
    assert_int_equal(pb_text_line_col(text, 2, &col), 1); /* the '\n' */
    assert_int_equal(col, 3);
    assert_int_equal(pb_text_line_col(text, 3, &col), 2);
    assert_int_equal(col, 1);
    assert_int_equal(pb_text_line_col(text, 6, &col), 2); /* after \r */
    assert_int_equal(col, 4);
    /* Columns count bytes: "x" after the two bytes of "£". */
    assert_int_equal(pb_text_line_col(text, 9, &col), 3);
    assert_int_equal(col, 3);
    assert_int_equal(pb_text_line_col(text, 9, NULL), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8__ascii_and_empty_are_valid),
        cmocka_unit_test(test_utf8__well_formed_sequences_are_valid),
        cmocka_unit_test(test_utf8__overlong_forms_are_invalid),
        cmocka_unit_test(test_utf8__surrogates_are_invalid),
        cmocka_unit_test(test_utf8__beyond_u10ffff_is_invalid),
        cmocka_unit_test(test_utf8__stray_continuation_byte_is_invalid),
        cmocka_unit_test(
            test_utf8__truncated_sequences_are_invalid_at_their_lead),
        cmocka_unit_test(test_utf8__cp1252_pound_is_invalid),
        cmocka_unit_test(test_utf8__bad_byte_after_long_ascii_run_is_found),
        cmocka_unit_test(
            test_utf8__bad_off_untouched_when_valid_and_may_be_null),
        cmocka_unit_test(test_utf8__agrees_with_model_on_all_short_sequences),
        cmocka_unit_test(test_cp1252__ascii_is_copied),
        cmocka_unit_test(test_cp1252__pound_a3_becomes_c2_a3),
        cmocka_unit_test(test_cp1252__euro_80_becomes_e2_82_ac),
        cmocka_unit_test(test_cp1252__c1_range_follows_microsoft_table),
        cmocka_unit_test(test_cp1252__undefined_bytes_become_c1_controls),
        cmocka_unit_test(test_cp1252__latin1_range_is_identity),
        cmocka_unit_test(test_cp1252__every_byte_gives_valid_utf8),
        cmocka_unit_test(test_cp1252__appends_to_existing_contents),
        cmocka_unit_test(test_encoding__names_parse_in_any_case),
        cmocka_unit_test(test_bom__utf8_bom_is_three_bytes),
        cmocka_unit_test(test_bom__check_accepts_utf8_bom_and_plain_text),
        cmocka_unit_test(test_bom__utf16_boms_are_refused_with_advice),
        cmocka_unit_test(test_bom__utf32_boms_are_refused),
        cmocka_unit_test(test_bom__utf16_without_bom_is_refused),
        cmocka_unit_test(test_bom__null_err_is_accepted),
        cmocka_unit_test(test_trim__removes_ascii_whitespace_at_both_ends),
        cmocka_unit_test(test_trim__all_blank_becomes_empty),
        cmocka_unit_test(test_trim__keeps_no_break_space),
        cmocka_unit_test(test_eq_ci__ignores_ascii_case_only),
        cmocka_unit_test(test_eq_ci__lengths_must_match),
        cmocka_unit_test(test_header__lower_cases_and_trims),
        cmocka_unit_test(test_header__collapses_spaces_underscores_hyphens),
        cmocka_unit_test(test_header__strips_trailing_pound_unit),
        cmocka_unit_test(
            test_header__keeps_pound_that_is_not_a_trailing_unit),
        cmocka_unit_test(test_header__keeps_non_ascii_letters),
        cmocka_unit_test(test_header__blank_and_unit_only_become_empty),
        cmocka_unit_test(test_header__replaces_previous_contents),
        cmocka_unit_test(test_line_col__counts_lines_and_bytes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
