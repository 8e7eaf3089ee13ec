/*  qs_test - the main() every check suite shares: fork mode, the default
    timeout from CK_DEFAULT_TIMEOUT, exit status from the failure count;
    qs_test_mapped for the suites of libraries loaded on first use. */
#ifndef QS_TEST_H
#define QS_TEST_H
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  True when this process maps a file whose path contains name. */
static inline bool
qs_test_mapped (const char *name)
{
    FILE *maps = fopen ("/proc/self/maps", "r");
    ck_assert_ptr_nonnull (maps);
    char line[512];
    bool found = false;
    while (!found && fgets (line, sizeof line, maps))
        found = strstr (line, name) != NULL;
    fclose (maps);
    return found;
}

/*  True when every test runs in a process of its own (CK_FORK is not "no"):
    what a process loads once can then be tested. */
static inline bool
qs_test_forking (void)
{
    const char *mode = getenv ("CK_FORK");
    return !mode || strcmp (mode, "no") != 0;
}

#define QS_TEST_MAIN(suite_fn)                                  \
    int main (void)                                             \
    {                                                           \
        SRunner *sr = srunner_create (suite_fn ());             \
        srunner_run_all (sr, CK_NORMAL);                        \
        int failed = srunner_ntests_failed (sr);                \
        srunner_free (sr);                                      \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;            \
    }
#endif
