/*  qs_cue: words and phrases between word boundaries, in any case. */
#include "../qs_test.h"
#include "qs_cue.h"

START_TEST (test_cue_words)
{
    ck_assert (qs_cue_has ("How much WOULD it be?", "how much would"));
    ck_assert (qs_cue_has ("is anything down", "anything"));
    ck_assert (!qs_cue_has ("is anything down", "any"));            /* a part of a word is no word */
    ck_assert (!qs_cue_has ("companyservices", "services"));
    ck_assert (qs_cue_has ("my-services", "services"));             /* a hyphen is a boundary */
    ck_assert (qs_cue_has ("any", "any"));
    ck_assert (!qs_cue_has (NULL, "any"));
    ck_assert (!qs_cue_has ("", "any"));
    const char *const list[] = {"vs", "versus", NULL};
    ck_assert (qs_cue_any ("small vs medium", list));
    ck_assert (!qs_cue_any ("canvas", list));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_cue");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_cue_words);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
