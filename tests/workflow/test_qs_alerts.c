/*  qs_alerts: Alertmanager's v4 webhook payload into typed alerts. */
#include "../qs_test.h"
#include <string.h>
#include "qs_alerts.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>

//  The shape Alertmanager 0.25 POSTs (webhook_config, version 4)
static const char s_payload[] =
    "{\"receiver\":\"quickspin\",\"status\":\"firing\",\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"X\\\"}\","
    "\"truncatedAlerts\":0,\"groupLabels\":{},\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://am:9093\","
    "\"alerts\":["
    "{\"status\":\"firing\",\"labels\":{\"alertname\":\"PostgresDown\",\"severity\":\"critical\","
    "\"quickspin_service\":\"billing-db\"},\"annotations\":{\"description\":\"no heartbeat\"},"
    "\"startsAt\":\"2026-12-07T17:30:12.345678901Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
    "\"generatorURL\":\"http://prom/graph\",\"fingerprint\":\"c3a2b1f0e9d8c7b6\"},"
    "{\"status\":\"resolved\",\"labels\":{\"alertname\":\"KubePodCrashLooping\",\"namespace\":\"qs-org-a\","
    "\"pod\":\"orders-cache-0\"},\"annotations\":{\"summary\":\"crash looping\"},"
    "\"startsAt\":\"2026-12-07T16:00:00+01:00\",\"endsAt\":\"2026-12-07T17:00:00Z\"}]}";

static json_object *
s_json (const char *text)
{
    const char *why;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    ck_assert_ptr_nonnull (o);
    return o;
}

START_TEST (test_reads_v4)
{
    json_object *p = s_json (s_payload);
    qs_alert_batch_t b;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_alerts_parse (p, &b, &err), 0);
    ck_assert_int_eq ((int) b.count, 2);
    ck_assert_str_eq (b.receiver, "quickspin");
    qs_alert_t *a = &b.alerts[0];
    ck_assert (a->firing);
    ck_assert_str_eq (a->alertname, "PostgresDown");
    ck_assert_str_eq (a->service_name, "billing-db");
    ck_assert_str_eq (a->summary, "no heartbeat");
    ck_assert_str_eq (a->fingerprint, "c3a2b1f0e9d8c7b6");
    ck_assert (a->starts_at_ms == 1796664612345LL);
    ck_assert (a->ends_at_ms == 0);
    a = &b.alerts[1];
    ck_assert (!a->firing);
    ck_assert_str_eq (a->namespace_name, "qs-org-a");
    ck_assert_str_eq (a->pod, "orders-cache-0");
    ck_assert (a->starts_at_ms == 1796655600000LL);
    //  no fingerprint: one from the labels, the same every time
    ck_assert_int_eq ((int) strlen (a->fingerprint), 16);
    char first[65];
    strcpy (first, a->fingerprint);
    qs_alerts_free (&b);
    ck_assert_int_eq (qs_alerts_parse (p, &b, &err), 0);
    ck_assert_str_eq (b.alerts[1].fingerprint, first);
    qs_alerts_free (&b);
    qs_alerts_free (&b);
    json_object_put (p);
}
END_TEST

START_TEST (test_refuses_other_shapes)
{
    const char *bad[] = {
        "{}", "{\"version\":\"3\",\"alerts\":[]}", "{\"version\":4,\"alerts\":[]}", "{\"version\":\"4\",\"alerts\":{}}",
        "{\"version\":\"4\",\"alerts\":[1]}",
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"pending\",\"labels\":{}}]}",
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}",
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":1}}]}",
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"yesterday\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_object *p = s_json (bad[i]);
        qs_alert_batch_t b;
        qs_err_t err = {0};
        ck_assert_msg (qs_alerts_parse (p, &b, &err) == -1, "case %zu", i);
        ck_assert_int_eq (err.status, 400);
        ck_assert_ptr_null (b.alerts);
        json_object_put (p);
    }
    //  more alerts than one notification may carry
    json_object *p = s_json ("{\"version\":\"4\",\"alerts\":[]}"), *list = qs_json_get (p, "alerts", json_type_array);
    for (int i = 0; i <= QS_ALERTS_MAX; i++)
        json_object_array_add (list, s_json ("{\"status\":\"firing\",\"labels\":{}}"));
    qs_alert_batch_t b;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_alerts_parse (p, &b, &err), -1);
    ck_assert_int_eq (err.status, 413);
    json_object_put (p);
}
END_TEST

/*  A long non-ASCII annotation is cut on a character boundary. */
START_TEST (test_cuts_whole_characters)
{
    char body[4096];
    int n = snprintf (body, sizeof body, "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
                      "\"labels\":{\"alertname\":\"A\"},\"annotations\":{\"summary\":\"xy");
    for (int i = 0; i < 400; i++)
        n += snprintf (body + n, sizeof body - (size_t) n, "\u00e9\u4e2d");
    snprintf (body + n, sizeof body - (size_t) n, "\"}}]}");
    json_object *payload = s_json (body);
    qs_alert_batch_t batch;
    qs_err_t err = {0};
    ck_assert_int_eq (qs_alerts_parse (payload, &batch, &err), 0);
    const char *summary = batch.alerts[0].summary;
    ck_assert_uint_gt (strlen (summary), 400);
    ck_assert_int_ge (qs_utf8_length (summary, strlen (summary)), 0);
    qs_alerts_free (&batch);
    json_object_put (payload);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_alerts");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_reads_v4);
    tcase_add_test (tc, test_refuses_other_shapes);
    tcase_add_test (tc, test_cuts_whole_characters);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
