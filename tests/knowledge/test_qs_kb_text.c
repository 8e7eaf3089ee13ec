#include "../qs_test.h"
#include <string.h>
#include "qs_kb_text.h"

typedef struct {
    char buf[512];
    int n;
} s_join_t;

static int
s_join (const char *tok, size_t len, void *arg)
{
    s_join_t *j = arg;
    size_t at = strlen (j->buf);
    if (at + len + 2 < sizeof j->buf) {
        if (at)
            j->buf[at++] = ' ';
        memcpy (j->buf + at, tok, len);
        j->buf[at + len] = '\0';
    }
    j->n++;
    return 0;
}

static const char *
s_tokens (s_join_t *j, const char *text)
{
    memset (j, 0, sizeof *j);
    qs_kb_text_tokens (text, s_join, j);
    return j->buf;
}

START_TEST (test_tokens_lowercase_and_stopwords)
{
    s_join_t j;
    ck_assert_str_eq (s_tokens (&j, "The REDIS Cache is FULL!"), "redis cach full");
    ck_assert_str_eq (s_tokens (&j, "ERROR 1040 (HY000)"), "error 1040 hy000");
    ck_assert_str_eq (s_tokens (&j, ""), "");
    ck_assert_int_eq ((int) qs_kb_text_tokens (NULL, s_join, &j), 0);
}
END_TEST

START_TEST (test_stemming_joins_word_families)
{
    s_join_t a, b;
    ck_assert_str_eq (s_tokens (&a, "clients"), s_tokens (&b, "client"));
    ck_assert_str_eq (s_tokens (&a, "evicting"), s_tokens (&b, "evicted"));
    ck_assert_str_eq (s_tokens (&a, "queries"), s_tokens (&b, "query"));
    ck_assert_str_eq (s_tokens (&a, "savings"), s_tokens (&b, "save"));
    ck_assert_str_ne (s_tokens (&a, "redis"), s_tokens (&b, "red"));
}
END_TEST

START_TEST (test_aliases)
{
    s_join_t a, b;
    ck_assert_str_eq (s_tokens (&a, "postgres"), s_tokens (&b, "PostgreSQL"));
    ck_assert_str_eq (s_tokens (&a, "mongo"), s_tokens (&b, "mongodb"));
    ck_assert_str_eq (s_tokens (&a, "k8s"), s_tokens (&b, "kubernetes"));
}
END_TEST

START_TEST (test_compounds)
{
    s_join_t a, b;
    /*  the parts, then the compound, which meets the one-word spelling */
    s_tokens (&a, "crash_loop_backoff");
    s_tokens (&b, "CrashLoopBackOff");
    ck_assert_int_eq (a.n, 4);
    ck_assert_int_eq (b.n, 1);
    ck_assert_str_eq (a.buf + strlen (a.buf) - strlen (b.buf), b.buf);
    ck_assert_str_eq (s_tokens (&a, "read-only x"), "read only readonly x");
    ck_assert_str_eq (s_tokens (&a, "a - b"), "b");
    ck_assert_str_eq (s_tokens (&a, "trailing_"), "trail");
}
END_TEST

START_TEST (test_long_word_cut)
{
    s_join_t j;
    char word[200];
    memset (word, 'x', sizeof word - 1);
    word[sizeof word - 1] = '\0';
    s_tokens (&j, word);
    ck_assert_int_eq (j.n, 1);
    ck_assert_int_le ((int) strlen (j.buf), QS_KB_TOKEN_MAX);
}
END_TEST

START_TEST (test_snippet_finds_matching_line)
{
    const char *text = "# Intro\nSome general words here.\n\n"
                       "- `maxmemory-policy` decides what Redis evicts.\nMore text follows.";
    char out[300];
    qs_kb_text_snippet (text, "eviction policy", 200, out, sizeof out);
    ck_assert_msg (strncmp (out, "maxmemory-policy decides", 24) == 0, "got %s", out);
    ck_assert (strchr (out, '`') == NULL);
}
END_TEST

START_TEST (test_snippet_bounded_and_utf8_safe)
{
    char text[2000];
    size_t at = 0;
    while (at + 6 < sizeof text) {
        memcpy (text + at, "\xc3\xa9t\xc3\xa9 ", 6);
        at += 6;
    }
    text[at] = '\0';
    char out[128];
    for (size_t max = 10; max < 100; max += 7) {
        qs_kb_text_snippet (text, "word", max, out, sizeof out);
        ck_assert_int_le ((int) strlen (out), (int) max + 3);
        /*  every byte sequence is complete */
        for (size_t i = 0; out[i]; i++) {
            unsigned char c = (unsigned char) out[i];
            if (c == 0xc3)
                ck_assert ((unsigned char) out[i + 1] == 0xa9);
        }
    }
    qs_kb_text_snippet (NULL, "x", 50, out, sizeof out);
    ck_assert_str_eq (out, "");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_text");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_tokens_lowercase_and_stopwords);
    tcase_add_test (tc, test_stemming_joins_word_families);
    tcase_add_test (tc, test_aliases);
    tcase_add_test (tc, test_compounds);
    tcase_add_test (tc, test_long_word_cut);
    tcase_add_test (tc, test_snippet_finds_matching_line);
    tcase_add_test (tc, test_snippet_bounded_and_utf8_safe);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
