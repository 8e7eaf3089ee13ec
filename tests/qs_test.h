/*  qs_test - the main() every check suite shares: fork mode, the default
    timeout from CK_DEFAULT_TIMEOUT, exit status from the failure count. */
#ifndef QS_TEST_H
#define QS_TEST_H
#include <check.h>
#include <stdlib.h>

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
