/*  qs_buf: appends, printf, steal, the cap and the sticky failure. */
#include "../qs_test.h"
#include <stdlib.h>
#include <string.h>
#include "qs_buf.h"

START_TEST (test_append_printf_steal)
{
    qs_buf_t *buf = qs_buf_new (0);
    ck_assert_ptr_nonnull (buf);
    ck_assert_str_eq (qs_buf_data (buf), "");
    ck_assert_uint_eq (qs_buf_len (buf), 0);
    ck_assert_int_eq (qs_buf_append (buf, "ab\0c", 4), 0);
    ck_assert_uint_eq (qs_buf_len (buf), 4);
    ck_assert_int_eq (memcmp (qs_buf_data (buf), "ab\0c", 5), 0);
    qs_buf_reset (buf);
    ck_assert_str_eq (qs_buf_data (buf), "");
    ck_assert_int_eq (qs_buf_puts (buf, "n="), 0);
    ck_assert_int_eq (qs_buf_printf (buf, "%d/%s", 42, "x"), 0);
    /* grows past the first allocation, one byte at a time */
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq (qs_buf_append (buf, "y", 1), 0);
    ck_assert_uint_eq (qs_buf_len (buf), 6 + 1000);
    ck_assert_uint_eq (strlen (qs_buf_data (buf)), qs_buf_len (buf));
    ck_assert_int_eq (strncmp (qs_buf_data (buf), "n=42/xyyy", 9), 0);
    char *s = qs_buf_steal (buf);
    ck_assert_ptr_nonnull (s);
    ck_assert_uint_eq (strlen (s), 1006);
    free (s);
    /* emptied and usable after a steal */
    ck_assert_uint_eq (qs_buf_len (buf), 0);
    s = qs_buf_steal (buf);
    ck_assert_str_eq (s, "");
    free (s);
    ck_assert_int_eq (qs_buf_puts (buf, "again"), 0);
    ck_assert_str_eq (qs_buf_data (buf), "again");
    qs_buf_destroy (&buf);
    ck_assert_ptr_null (buf);
    qs_buf_destroy (&buf);
    qs_buf_destroy (NULL);
}
END_TEST

START_TEST (test_max_and_sticky_failure)
{
    qs_buf_t *buf = qs_buf_new (8);
    ck_assert_int_eq (qs_buf_append (buf, "12345678", 8), 0);     /* exactly the max */
    ck_assert_ptr_null (qs_buf_error (buf));
    ck_assert_int_eq (qs_buf_append (buf, "9", 1), -1);
    ck_assert_str_eq (qs_buf_error (buf), "too large");
    ck_assert_str_eq (qs_buf_data (buf), "12345678");           /* kept as it was */
    /* failed: even an append that fits does nothing */
    qs_buf_t *small = qs_buf_new (4);
    ck_assert_int_eq (qs_buf_printf (small, "%s", "toolong"), -1);
    ck_assert_int_eq (qs_buf_append (small, "a", 1), -1);
    ck_assert_uint_eq (qs_buf_len (small), 0);
    ck_assert_ptr_null (qs_buf_steal (small));                  /* a failed buffer */
    ck_assert_ptr_null (qs_buf_error (small));                  /* and the failure cleared */
    ck_assert_int_eq (qs_buf_append (small, "abcd", 4), 0);
    ck_assert_str_eq (qs_buf_data (small), "abcd");
    qs_buf_reset (buf);
    ck_assert_ptr_null (qs_buf_error (buf));
    ck_assert_int_eq (qs_buf_printf (buf, "%08d", 7), 0);
    ck_assert_str_eq (qs_buf_data (buf), "00000007");
    ck_assert_int_eq (qs_buf_append (buf, "", 0), 0);
    qs_buf_destroy (&small);
    qs_buf_destroy (&buf);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_buf");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_append_printf_steal);
    tcase_add_test (tc, test_max_and_sticky_failure);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
