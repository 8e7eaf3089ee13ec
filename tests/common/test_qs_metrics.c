#include "../qs_test.h"
#include <stdlib.h>
#include <string.h>
#include "qs_metrics.h"

static double s_seven (void *arg) { (void) arg; return 7; }

START_TEST (test_exposition)
{
    qs_metrics_t *m = qs_metrics_new ();
    ck_assert_int_eq (qs_metrics_declare (m, "qs_requests_total", QS_METRIC_COUNTER, "Requests.", NULL, 0), 0);
    ck_assert_int_eq (qs_metrics_declare (m, "qs_requests_total", QS_METRIC_GAUGE, "x", NULL, 0), -1);
    double b[] = {0.1, 1};
    qs_metrics_declare (m, "qs_latency_seconds", QS_METRIC_HISTOGRAM, "Latency.", b, 2);
    qs_metrics_inc (m, "qs_requests_total", "route=\"/a\",status=\"200\"", 1);
    qs_metrics_inc (m, "qs_requests_total", "route=\"/a\",status=\"200\"", 2);
    qs_metrics_observe (m, "qs_latency_seconds", "route=\"/a\"", 0.05);
    qs_metrics_observe (m, "qs_latency_seconds", "route=\"/a\"", 0.5);
    qs_metrics_observe (m, "qs_latency_seconds", "route=\"/a\"", 5);
    qs_metrics_inc (m, "undeclared", NULL, 1);
    qs_metrics_gauge_fn (m, "qs_seven", "Seven.", s_seven, NULL);
    char *text = qs_metrics_render (m);
    ck_assert_ptr_nonnull (strstr (text, "# TYPE qs_requests_total counter\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_requests_total{route=\"/a\",status=\"200\"} 3\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_latency_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_latency_seconds_count{route=\"/a\"} 3\n"));
    ck_assert_ptr_nonnull (strstr (text, "qs_seven 7\n"));
    ck_assert_ptr_null (strstr (text, "undeclared"));
    free (text);
    text = qs_metrics_render_with_process (m);
    ck_assert_ptr_nonnull (strstr (text, "process_resident_memory_bytes "));
    free (text);
    char esc[64];
    qs_metrics_label_escape (esc, sizeof esc, "a\"b\\c\nd");
    ck_assert_str_eq (esc, "a\\\"b\\\\c\\nd");
    qs_metrics_destroy (&m);
    ck_assert_ptr_null (m);
    qs_metrics_destroy (&m);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_metrics");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_exposition);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
