#include "../qs_test.h"
#include <string.h>
#include <unistd.h>
#include <stdio.h>
#include "qs_log.h"

START_TEST (test_redact_tokens)
{
    char out[512];
    qs_redact (out, sizeof out, "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig done");
    ck_assert_ptr_null (strstr (out, "eyJ"));
    ck_assert_ptr_nonnull (strstr (out, "done"));
    qs_redact (out, sizeof out, "connect mongodb://admin:hunter2@db:27017/x failed");
    ck_assert_ptr_null (strstr (out, "hunter2"));
    ck_assert_ptr_nonnull (strstr (out, "admin:[REDACTED]@db"));
    qs_redact (out, sizeof out, "login password=s3cr3t user=bob");
    ck_assert_ptr_null (strstr (out, "s3cr3t"));
    ck_assert_ptr_nonnull (strstr (out, "user=bob"));
    qs_redact (out, sizeof out, "{\"password\": \"abc123\", \"x\":1}");
    ck_assert_ptr_null (strstr (out, "abc123"));
    qs_redact (out, sizeof out, "api_key=gsk_live_1234567890");
    ck_assert_ptr_null (strstr (out, "gsk_live"));
    /* plain text is untouched */
    qs_redact (out, sizeof out, "nothing secret here: 42 eyes");
    ck_assert_str_eq (out, "nothing secret here: 42 eyes");
}
END_TEST

START_TEST (test_redact_bounded)
{
    char out[8];
    qs_redact (out, sizeof out, "a very long line that does not fit Bearer abcdefghijkl");
    ck_assert_int_eq ((int) strlen (out), 7);
}
END_TEST

START_TEST (test_json_line)
{
    int fds[2];
    ck_assert_int_eq (pipe (fds), 0);
    int saved = dup (STDERR_FILENO);
    dup2 (fds[1], STDERR_FILENO);
    qs_log_init ("tester");
    qs_log_configure (QS_LOG_INFO, "json");
    qs_debug ("r1", "hidden");
    qs_info ("req-42", "hello \"world\" token=abc");
    dup2 (saved, STDERR_FILENO);
    close (fds[1]);
    char buf[1024] = {0};
    ssize_t n = read (fds[0], buf, sizeof buf - 1);
    ck_assert_int_gt ((int) n, 0);
    ck_assert_ptr_null (strstr (buf, "hidden"));
    ck_assert_ptr_nonnull (strstr (buf, "\"request_id\":\"req-42\""));
    ck_assert_ptr_nonnull (strstr (buf, "\"svc\":\"tester\""));
    ck_assert_ptr_nonnull (strstr (buf, "hello \\\"world\\\""));
    ck_assert_ptr_null (strstr (buf, "abc\""));
    ck_assert_int_eq (qs_log_level_parse ("WARN"), QS_LOG_WARN);
    ck_assert_int_eq (qs_log_level_parse ("loud"), -1);
    close (fds[0]);
    close (saved);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_log");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_redact_tokens);
    tcase_add_test (tc, test_redact_bounded);
    tcase_add_test (tc, test_json_line);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
