#include "../qs_test.h"
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>
#include "qs_util.h"
#include "qs_err.h"

START_TEST (test_ids_unique_and_valid)
{
    char a[QS_ID_LEN + 1], b[QS_ID_LEN + 1];
    ck_assert_int_eq (qs_id_new (a), 0);
    ck_assert_int_eq (qs_id_new (b), 0);
    ck_assert_str_ne (a, b);
    ck_assert_int_eq ((int) strlen (a), QS_ID_LEN);
    ck_assert (qs_id_valid (a));
    ck_assert (!qs_id_valid ("short"));
    ck_assert (!qs_id_valid ("$gt$gt$gt$gt$gt$gt$gt$gt"));
    ck_assert (!qs_id_valid (NULL));
    ck_assert (!qs_id_valid ("aaaaaaaaaaaaaaaaaaaaaaaaa"));   /* 25 */
}
END_TEST

/*  Ids come from a per-thread pool: many in a row never repeat (across
    refills), and a forked child never hands out what its parent will. */
START_TEST (test_ids_from_the_pool)
{
    enum { N = 400 };                   /* 18 bytes each: 14 refills of 512 */
    static char ids[N][QS_ID_LEN + 1];
    for (int i = 0; i < N; i++)
        ck_assert_int_eq (qs_id_new (ids[i]), 0);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            ck_assert_str_ne (ids[i], ids[j]);
    char mine[QS_ID_LEN + 1], theirs[QS_ID_LEN + 1] = "";
    int pipefd[2];
    ck_assert_int_eq (pipe (pipefd), 0);
    pid_t pid = fork ();
    if (pid == 0) {
        char id[QS_ID_LEN + 1];
        qs_id_new (id);
        ssize_t w = write (pipefd[1], id, sizeof id);
        _exit (w == (ssize_t) sizeof id ? 0 : 1);
    }
    ck_assert_int_eq (qs_id_new (mine), 0);
    ck_assert_int_eq ((int) read (pipefd[0], theirs, sizeof theirs), (int) sizeof theirs);
    int status;
    waitpid (pid, &status, 0);
    ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    ck_assert_str_ne (mine, theirs);
    close (pipefd[0]);
    close (pipefd[1]);
    /* a large request bypasses the pool */
    unsigned char big[4096] = {0}, zero[4096] = {0};
    ck_assert_int_eq (qs_random_bytes (big, sizeof big), 0);
    ck_assert (memcmp (big, zero, sizeof big) != 0);
}
END_TEST

START_TEST (test_time_roundtrip)
{
    char buf[32];
    int64_t ms = 1790000000123;
    qs_time_rfc3339 (ms, buf, sizeof buf);
    ck_assert_str_eq (buf, "2026-09-21T14:13:20.123Z");
    int64_t back;
    ck_assert_int_eq (qs_time_parse (buf, &back), 0);
    ck_assert_int_eq (back, ms);
    ck_assert_int_eq (qs_time_parse ("2026-09-21T16:13:20+02:00", &back), 0);
    ck_assert_int_eq (back, 1790000000000);
    ck_assert_int_eq (qs_time_parse ("2026-13-01T00:00:00Z", &back), -1);
    ck_assert_int_eq (qs_time_parse ("yesterday", &back), -1);
    ck_assert_int_eq (qs_time_parse ("2026-01-01T00:00:00Zjunk", &back), -1);
}
END_TEST

START_TEST (test_utf8_length)
{
    ck_assert_int_eq (qs_utf8_length ("abc", 3), 3);
    ck_assert_int_eq (qs_utf8_length ("h\xc3\xa9llo", 6), 5);
    ck_assert_int_eq (qs_utf8_length ("\xf0\x9f\x98\x80", 4), 1);
    ck_assert_int_eq (qs_utf8_length ("\xc3", 1), -1);           /* truncated */
    ck_assert_int_eq (qs_utf8_length ("\xc0\xaf", 2), -1);       /* overlong */
    ck_assert_int_eq (qs_utf8_length ("\xed\xa0\x80", 3), -1);   /* surrogate */
    ck_assert_int_eq (qs_utf8_length ("a\0b", 3), -1);           /* NUL */
    ck_assert_int_eq (qs_utf8_length ("\xff", 1), -1);
}
END_TEST

START_TEST (test_strlcpy_and_err)
{
    char small[4];
    ck_assert_int_eq ((int) qs_strlcpy (small, "abcdef", sizeof small), 6);
    ck_assert_str_eq (small, "abc");
    qs_err_t err;
    ck_assert_int_eq (qs_err_set (&err, 404, NULL, "no %s", "thing"), -1);
    ck_assert_str_eq (err.code, "not_found");
    ck_assert_str_eq (err.message, "no thing");
    ck_assert_str_eq (qs_err_code_for_status (503), "service_unavailable");
    char *s = qs_strdupf ("%d-%s", 7, "x");
    ck_assert_str_eq (s, "7-x");
    free (s);
}
END_TEST

START_TEST (test_list_has)
{
    const char *list = " https://a.example ,HTTP://B.example:8080,, c ";
    ck_assert (qs_list_has (list, "https://a.example"));
    ck_assert (qs_list_has (list, "http://b.example:8080"));
    ck_assert (qs_list_has (list, "C"));
    ck_assert (!qs_list_has (list, "https://a.example.evil"));
    ck_assert (!qs_list_has (list, "https://a"));
    ck_assert (!qs_list_has (list, ""));
    ck_assert (!qs_list_has (list, NULL));
    ck_assert (!qs_list_has (NULL, "c"));
    ck_assert (!qs_list_has (",, ,", " "));
}
END_TEST

START_TEST (test_base64_decode)
{
    unsigned char out [16];
    //  RFC 4648 section 10 vectors
    const char *vec [][2] = { { "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" },
                              { "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" } };
    for (size_t i = 0; i < sizeof vec / sizeof vec [0]; i++) {
        long n = qs_base64_decode (vec [i][0], strlen (vec [i][0]), out, sizeof out);
        ck_assert_int_eq (n, (long) strlen (vec [i][1]));
        ck_assert (memcmp (out, vec [i][1], (size_t) n) == 0);
    }
    ck_assert_int_eq (qs_base64_decode ("+/+/", 4, out, sizeof out), 3);
    ck_assert_int_eq (out [0], 0xfb);
    ck_assert_int_eq (out [1], 0xff);
    ck_assert_int_eq (out [2], 0xbf);
    const char *bad [] = { "Zg", "Zg=", "Z===", "Zg=a", "Zg==Zg==", "Zh==", "Zm9=", "!!!!", "Zm9v\n", "Zm 9" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++)
        ck_assert_msg (qs_base64_decode (bad [i], strlen (bad [i]), out, sizeof out) == -1, "%s", bad [i]);
    //  too small a buffer is refused, not truncated
    ck_assert_int_eq (qs_base64_decode ("Zm9vYmFy", 8, out, 5), -1);
    ck_assert_int_eq (qs_base64_decode ("Zm9vYmFy", 8, out, 6), 6);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_util");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_ids_unique_and_valid);
    tcase_add_test (tc, test_ids_from_the_pool);
    tcase_add_test (tc, test_time_roundtrip);
    tcase_add_test (tc, test_utf8_length);
    tcase_add_test (tc, test_strlcpy_and_err);
    tcase_add_test (tc, test_list_has);
    tcase_add_test (tc, test_base64_decode);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
