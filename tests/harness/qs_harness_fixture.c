/*  qs_harness_fixture - one suite per test case, and main() (see qs_harness.h) */
#include "qs_harness.h"
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

//  check's fixtures take no argument: the one suite of this test program
static qs_harness_spec_t s_fixture_spec;
static const qs_harness_user_t *s_fixture_users;
static qs_harness_t *s_fixture;

static void
s_fixture_start (void)
{
    s_fixture = qs_harness_new (&s_fixture_spec);
    ck_assert_msg (s_fixture != NULL, "the suite did not become ready");
    for (const qs_harness_user_t *u = s_fixture_users; u && u->token_p; u++)
        *u->token_p = qs_harness_token (u->sub, u->org, u->roles);
}

static void
s_fixture_stop (void)
{
    qs_harness_destroy (&s_fixture);
    for (const qs_harness_user_t *u = s_fixture_users; u && u->token_p; u++) {
        free (*u->token_p);
        *u->token_p = NULL;
    }
}

void
qs_harness_fixture (TCase *tc, const qs_harness_spec_t *spec, const qs_harness_user_t *users)
{
    s_fixture_spec = spec ? *spec : qs_harness_whole ();
    s_fixture_users = users;
    tcase_add_unchecked_fixture (tc, s_fixture_start, s_fixture_stop);
}

qs_harness_t *
qs_harness_fixture_get (void)
{
    return s_fixture;
}

int
qs_harness_main (Suite *(*suite_fn) (void), const char *const *needs)
{
    for (size_t i = 0; needs && needs[i]; i++) {
        char *path = qs_build_path (needs[i]);
        bool built = path && access (path, X_OK) == 0;
        free (path);
        if (!built) {
            printf ("%s not built; skipping\n", needs[i]);
            return 77;
        }
    }
    curl_global_init (CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create (suite_fn ());
    srunner_run_all (sr, CK_NORMAL);
    int failed = srunner_ntests_failed (sr);
    srunner_free (sr);
    curl_global_cleanup ();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
