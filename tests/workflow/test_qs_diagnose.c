#include "../qs_test.h"
#include <stdio.h>
#include <string.h>
#include "qs_diagnose.h"
#include "qs_json.h"

static json_object *
J (const char *text)
{
    json_object *o = json_tokener_parse (text);
    ck_assert_msg (o != NULL, "bad fixture: %s", text);
    return o;
}

static const char *SERVICE =
    "{\"id\":\"svc-1\",\"name\":\"cache\",\"service_type\":\"redis\",\"tier\":\"small\",\"status\":\"running\"}";

static const char *CALM_METRICS =
    "{\"window\":\"7d\",\"cpu_utilization\":{\"avg\":0.2,\"p95\":0.3,\"max\":0.4},"
    "\"memory_utilization\":{\"avg\":0.3,\"p95\":0.4,\"max\":0.5},\"connections\":{\"avg\":5,\"max\":9,\"limit\":100},"
    "\"disk_utilization\":{\"avg\":0.2,\"max\":0.3},\"requests_per_second\":{\"avg\":12},"
    "\"last_activity_at\":\"2026-11-24T00:00:00Z\"}";

/* A pod in the real Kubernetes shape, with one container status. */
static json_object *
s_pod (const char *name, const char *phase, const char *ready, const char *container_status,
       const char *extra_conditions)
{
    char text[4096];
    snprintf (text, sizeof text,
              "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
              "\"metadata\":{\"name\":\"%s\",\"namespace\":\"ns\",\"labels\":{\"quickspin.io/service-id\":\"svc-1\"}},"
              "\"spec\":{\"containers\":[{\"name\":\"redis\",\"image\":\"redis:7.2\"}]},"
              "\"status\":{\"phase\":\"%s\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}%s],"
              "\"containerStatuses\":[%s]}}]}",
              name, phase, ready, extra_conditions, container_status);
    return J (text);
}

static char s_codes[512];

static json_object *
s_run (json_object *pods, json_object *events, json_object *metrics, json_object *logs, json_object *podlogs)
{
    json_object *svc = J (SERVICE);
    qs_err_t err = {0};
    json_object *out = qs_diagnose_analyze (svc, metrics, logs, pods, events, podlogs, NULL, &err);
    ck_assert_ptr_nonnull (out);
    s_codes[0] = '\0';
    json_object *f = qs_json_get (out, "findings", json_type_array);
    for (size_t i = 0; i < json_object_array_length (f); i++) {
        size_t n = strlen (s_codes);
        snprintf (s_codes + n, sizeof s_codes - n, "%s%s", n ? "," : "",
                  qs_json_str (json_object_array_get_idx (f, i), "code", "?"));
    }
    json_object_put (svc);
    json_object_put (pods);
    json_object_put (events);
    json_object_put (metrics);
    json_object_put (logs);
    json_object_put (podlogs);
    return out;
}

static const char *
s_evidence (json_object *out, int i)
{
    return qs_json_str (json_object_array_get_idx (qs_json_path (out, "findings"), (size_t) i),
                        "evidence", "");
}

START_TEST (test_healthy)
{
    json_object *out = s_run (s_pod ("cache-0", "Running", "True",
                                     "{\"name\":\"redis\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{\"startedAt\":\"2026-11-20T00:00:00Z\"}}}", ""),
                              NULL, J (CALM_METRICS), NULL, NULL);
    ck_assert_str_eq (s_codes, "healthy");
    ck_assert_str_eq (qs_json_str (out, "status", ""), "healthy");
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (out, "recommendations")), 0);
    json_object_put (out);
}
END_TEST

/*  No pod because the platform has not started the service (or stopped
    it): never "healthy". */
START_TEST (test_no_pod_yet_is_not_healthy)
{
    const char *cases[][4] = {
        {"provisioning", "starting", "starting", "low"},
        {"updating", "starting", "starting", "low"},
        {"stopped", "down", "not_running", "high"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char text[256];
        snprintf (text, sizeof text, "{\"id\":\"svc-9\",\"name\":\"ledger-db\",\"service_type\":"
                  "\"postgresql\",\"tier\":\"large\",\"status\":\"%s\"}", cases[k][0]);
        json_object *svc = J (text), *pods = J ("{\"kind\":\"PodList\",\"items\":[]}");
        qs_err_t err = {0};
        json_object *out = qs_diagnose_analyze (svc, NULL, NULL, pods, NULL, NULL, NULL, &err);
        ck_assert_str_eq (qs_json_str (out, "status", ""), cases[k][1]);
        json_object *f = qs_json_path (out, "findings.0");
        ck_assert_str_eq (qs_json_str (f, "code", ""), cases[k][2]);
        ck_assert_str_eq (qs_json_str (f, "severity", ""), cases[k][3]);
        ck_assert_ptr_nonnull (strstr (qs_json_str (f, "evidence", ""), cases[k][0]));
        ck_assert_int_eq ((int) json_object_array_length (qs_json_path (out, "findings")), 1);
        json_object_put (out);
        json_object_put (svc);
        json_object_put (pods);
    }
}
END_TEST

START_TEST (test_oom_killed)
{
    json_object *out = s_run (s_pod ("cache-0", "Running", "True",
                                     "{\"name\":\"redis\",\"ready\":true,\"restartCount\":4,\"state\":{\"running\":{}},"
                                     "\"lastState\":{\"terminated\":{\"reason\":\"OOMKilled\",\"exitCode\":137,\"finishedAt\":\"2026-11-24T01:00:00Z\"}}}", ""),
                              NULL, J (CALM_METRICS), NULL, NULL);
    ck_assert_str_eq (s_codes, "oom_killed");
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "OOMKilled"));
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "137"));
    json_object *rec = qs_json_path (out, "recommendations.0");
    ck_assert_str_eq (qs_json_str (rec, "action", ""), "upgrade_tier");
    ck_assert_ptr_nonnull (strstr (qs_json_str (rec, "description", ""), "medium"));
    json_object_put (out);
}
END_TEST

START_TEST (test_crash_loop_with_redacted_log)
{
    json_object *podlogs = J ("{\"cache-0\":\"starting\\nFATAL: cannot connect to redis://admin:hunter2@peer:6379\\n\"}");
    json_object *out = s_run (s_pod ("cache-0", "Running", "False",
                                     "{\"name\":\"redis\",\"ready\":false,\"restartCount\":9,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}},"
                                     "\"lastState\":{\"terminated\":{\"reason\":\"Error\",\"exitCode\":1}}}", ""),
                              NULL, NULL, NULL, podlogs);
    ck_assert_ptr_nonnull (strstr (s_codes, "crash_loop_backoff"));
    ck_assert_ptr_null (strstr (s_codes, "frequent_restarts"));   /* explained by the crash loop */
    const char *ev = s_evidence (out, 0);
    ck_assert_ptr_nonnull (strstr (ev, "FATAL"));
    ck_assert_ptr_null (strstr (ev, "hunter2"));
    ck_assert_str_eq (qs_json_str (out, "status", ""), "down");
    json_object_put (out);
}
END_TEST

START_TEST (test_image_pull_and_unschedulable)
{
    json_object *events = J ("{\"kind\":\"EventList\",\"items\":[{\"reason\":\"Failed\",\"type\":\"Warning\","
                             "\"message\":\"Failed to pull image \\\"redis:99\\\": not found\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"cache-0\"}}]}");
    json_object *out = s_run (s_pod ("cache-0", "Pending", "False",
                                     "{\"name\":\"redis\",\"image\":\"redis:99\",\"ready\":false,\"restartCount\":0,\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\"}}}", ""),
                              events, NULL, NULL, NULL);
    ck_assert_str_eq (s_codes, "image_pull_backoff");
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "Failed to pull image"));
    json_object_put (out);

    events = J ("{\"items\":[{\"reason\":\"FailedScheduling\",\"message\":\"0/3 nodes are available: 3 Insufficient memory.\","
                "\"involvedObject\":{\"name\":\"cache-0\"}}]}");
    out = s_run (s_pod ("cache-0", "Pending", "False", "",
                        ",{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\",\"message\":\"0/3 nodes are available: 3 Insufficient memory.\"}"),
                 events, NULL, NULL, NULL);
    ck_assert_str_eq (s_codes, "unschedulable");
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "Insufficient memory"));
    json_object_put (out);
}
END_TEST

START_TEST (test_readiness_and_restarts)
{
    json_object *events = J ("[{\"reason\":\"Unhealthy\",\"message\":\"Readiness probe failed: connection refused\",\"involvedObject\":{\"name\":\"cache-0\"}}]");
    json_object *out = s_run (s_pod ("cache-0", "Running", "False",
                                     "{\"name\":\"redis\",\"ready\":false,\"restartCount\":5,\"state\":{\"running\":{}}}", ""),
                              events, J (CALM_METRICS), NULL, NULL);
    ck_assert_str_eq (s_codes, "readiness_probe_failing,frequent_restarts");
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "Readiness probe failed"));
    json_object_put (out);
}
END_TEST

START_TEST (test_metrics_and_logs)
{
    json_object *m = J ("{\"cpu_utilization\":{\"avg\":0.8,\"p95\":0.97,\"max\":1.0},\"memory_utilization\":{\"avg\":0.5,\"p95\":0.88,\"max\":0.9},"
                        "\"connections\":{\"avg\":90,\"max\":100,\"limit\":100},\"disk_utilization\":{\"avg\":0.9,\"max\":0.98}}");
    json_object *out = s_run (s_pod ("db-0", "Running", "True", "{\"name\":\"pg\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}", ""),
                              NULL, m, NULL, NULL);
    ck_assert_str_eq (s_codes, "disk_full,connection_limit,high_cpu,high_memory");
    ck_assert_ptr_nonnull (strstr (s_evidence (out, 0), "98%"));
    json_object_put (out);
    /* no metrics at all, but the platform log says it */
    json_object *logs = J ("{\"lines\":[{\"timestamp\":\"t\",\"level\":\"error\",\"message\":\"FATAL:  sorry, too many clients already\"},"
                           "{\"level\":\"error\",\"message\":\"could not extend file: No space left on device\"}]}");
    out = s_run (s_pod ("db-0", "Running", "True", "{\"name\":\"pg\",\"ready\":true,\"restartCount\":0,\"state\":{\"running\":{}}}", ""),
                 NULL, NULL, logs, NULL);
    ck_assert_str_eq (s_codes, "disk_full,connection_limit");
    json_object_put (out);
}
END_TEST

START_TEST (test_partial_and_odd_data)
{
    qs_err_t err = {0};
    ck_assert_ptr_null (qs_diagnose_analyze (NULL, NULL, NULL, NULL, NULL, NULL, NULL, &err));
    ck_assert_int_eq (err.status, 404);
    json_object *gaps = J ("[\"metrics-server unavailable\"]");
    json_object *svc = J (SERVICE);
    /* odd shapes: wrong types everywhere must not crash */
    json_object *pods = J ("{\"items\":[1,\"x\",{\"status\":{\"phase\":7,\"containerStatuses\":[null,{\"state\":[]}]}}]}");
    json_object *m = J ("[]"), *l = J ("{\"lines\":\"no\"}"), *e = J ("{}"), *pl = J ("3");
    json_object *out = qs_diagnose_analyze (svc, m, l, pods, e, pl, gaps, &err);
    ck_assert_ptr_nonnull (out);
    ck_assert_str_eq (qs_json_str (qs_json_path (out, "data_gaps.0"), "x", "metrics-server unavailable"), "metrics-server unavailable");
    json_object_put (out);
    json_object_put (svc);
    json_object_put (pods);
    json_object_put (gaps);
    json_object_put (m);
    json_object_put (l);
    json_object_put (e);
    json_object_put (pl);
    ck_assert_str_eq (qs_diagnose_next_tier ("small"), "medium");
    ck_assert_ptr_null (qs_diagnose_next_tier ("xlarge"));
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_diagnose");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_healthy);
    tcase_add_test (tc, test_no_pod_yet_is_not_healthy);
    tcase_add_test (tc, test_oom_killed);
    tcase_add_test (tc, test_crash_loop_with_redacted_log);
    tcase_add_test (tc, test_image_pull_and_unschedulable);
    tcase_add_test (tc, test_readiness_and_restarts);
    tcase_add_test (tc, test_metrics_and_logs);
    tcase_add_test (tc, test_partial_and_odd_data);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
