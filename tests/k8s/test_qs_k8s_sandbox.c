/*  quickspin-k8s ops against the real quickspin-sandbox binary: the
    platform API resolves the caller's namespace, the sandbox's Kubernetes
    API serves real object shapes for the seeded scenarios. Skipped (77)
    when the sandbox is not built. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_k8s_ops.h"
#include "qs_harness.h"
#include "qs_util.h"

static qs_k8s_ops_t *s_ops;
static qs_auth_t s_auth;
static char s_token_path[128];

static const char *const s_env[] = { "QS_JWT_SECRET=" QS_HARNESS_TEST_SECRET, NULL };

static qs_k8s_ops_t *
s_ops_with_token (const char *token)
{
    FILE *f = fopen (s_token_path, "w");
    ck_assert_ptr_nonnull (f);
    fprintf (f, "%s\n", token);
    fclose (f);
    qs_k8s_config_t cfg = {0};
    snprintf (cfg.url, sizeof cfg.url, "%s", qs_harness_sandbox (qs_harness_fixture_get ()));
    snprintf (cfg.token_file, sizeof cfg.token_file, "%s", s_token_path);
    snprintf (cfg.source, sizeof cfg.source, "env");
    return qs_k8s_ops_new (qs_harness_sandbox (qs_harness_fixture_get ()), &cfg, NULL);
}

static void
s_setup (void)
{
    ck_assert_int_eq (qs_harness_sandbox_reset (qs_harness_fixture_get ()), 0);
    snprintf (s_token_path, sizeof s_token_path, "/tmp/qs-k8s-itest-token-%d", (int) getpid ());
    s_ops = s_ops_with_token (QS_HARNESS_K8S_TOKEN);
    ck_assert_ptr_nonnull (s_ops);
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "alice", "org-acme", "member", "pro"), 0);
}

static void
s_teardown (void)
{
    qs_k8s_ops_destroy (&s_ops);
    unlink (s_token_path);
}

static int
s_run_ms (const char *op, const char *body_text, int64_t ms, json_object **reply, qs_err_t *err)
{
    const char *why;
    json_object *body = qs_json_parse (body_text, strlen (body_text), &why);
    ck_assert_ptr_nonnull (body);
    int rc = qs_k8s_ops_run (s_ops, op, &s_auth, body, qs_now_ms () + ms, "itest", reply, err);
    json_object_put (body);
    return rc;
}

static int
s_run (const char *op, const char *body_text, json_object **reply, qs_err_t *err)
{
    return s_run_ms (op, body_text, 8000, reply, err);
}

/*  The first pod of a service's pods reply (lent from reply). */
static json_object *
s_first_pod (json_object *reply)
{
    json_object *p = qs_json_path (reply, "pods.0");
    ck_assert_ptr_nonnull (p);
    return p;
}

START_TEST (test_scenarios_read_as_kubernetes_shows_them)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-broker\"}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "namespace", ""), "qs-acme");
    ck_assert_str_eq (qs_json_str (qs_json_path (s_first_pod (r), "containers.0.state.waiting"), "reason", ""),
                      "CrashLoopBackOff");
    ck_assert_str_eq (qs_json_str (qs_json_path (s_first_pod (r), "owner"), "kind", ""), "StatefulSet");
    json_object_put (r);

    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-cache\"}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (qs_json_path (s_first_pod (r), "containers.0.lastState.terminated"), "reason", ""),
                      "OOMKilled");
    json_object_put (r);

    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-search\"}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (qs_json_path (s_first_pod (r), "containers.0.state.waiting"), "reason", ""),
                      "ImagePullBackOff");
    json_object_put (r);

    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-analytics\"}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (s_first_pod (r), "phase", ""), "Pending");
    json_object *conds = qs_json_path (s_first_pod (r), "conditions");
    bool unschedulable = false;
    for (size_t i = 0; conds && i < json_object_array_length (conds); i++)
        unschedulable |= strcmp (qs_json_str (json_object_array_get_idx (conds, i), "reason", ""),
                                 "Unschedulable") == 0;
    ck_assert (unschedulable);
    json_object_put (r);

    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-main-db\"}", &r, &err), 0);
    ck_assert (qs_json_bool (s_first_pod (r), "ready", false));
    json_object_put (r);
}
END_TEST

START_TEST (test_pod_logs_events_metrics)
{
    json_object *r = NULL;
    qs_err_t err;
    char body[256];
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-broker\"}", &r, &err), 0);
    char pod[128];
    snprintf (pod, sizeof pod, "%s", qs_json_str (s_first_pod (r), "name", ""));
    json_object_put (r);

    snprintf (body, sizeof body, "{\"service_id\":\"svc-acme-broker\",\"pod\":\"%s\"}", pod);
    ck_assert_int_eq (s_run ("pod", body, &r, &err), 0);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "pod"), "name", ""), pod);
    json_object_put (r);
    ck_assert_int_eq (s_run ("events", body, &r, &err), 0);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "events")), 1);
    json_object_put (r);

    snprintf (body, sizeof body, "{\"service_id\":\"svc-acme-broker\",\"pod\":\"%s\",\"previous\":true,\"tail\":20}", pod);
    ck_assert_int_eq (s_run ("logs", body, &r, &err), 0);
    int n = (int) json_object_array_length (qs_json_path (r, "lines"));
    ck_assert_int_ge (n, 1);
    ck_assert_int_le (n, 20);
    json_object_put (r);

    ck_assert_int_eq (s_run ("metrics", "{\"service_id\":\"svc-acme-api-cache\"}", &r, &err), 0);
    ck_assert (qs_json_bool (r, "available", false));
    ck_assert_double_gt (qs_json_double (qs_json_path (r, "pods.0"), "cpu_millicores", 0), 0);
    json_object_put (r);

    /* a cluster without metrics-server */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/apis/metrics.k8s.io\",\"status\":404,\"count\":-1}"), 0);
    ck_assert_int_eq (s_run ("metrics", "{\"service_id\":\"svc-acme-api-cache\"}", &r, &err), 0);
    ck_assert (!qs_json_bool (r, "available", true));
    json_object_put (r);
}
END_TEST

START_TEST (test_tenancy_and_roles)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "bob", "org-globex", "admin", "pro"), 0);
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-cache\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (qs_harness_auth (&s_auth, QS_HARNESS_TEST_SECRET, "vic", "org-acme", "viewer", "pro"), 0);
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-cache\"}", &r, &err), 0);
    json_object_put (r);
    ck_assert_int_eq (s_run ("restart", "{\"service_id\":\"svc-acme-cache\",\"pod\":\"x\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-acme-cache\",\"replicas\":2}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
}
END_TEST

START_TEST (test_restart_and_scale)
{
    json_object *r = NULL;
    qs_err_t err;
    char body[256], pod[128];
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-jobs\"}", &r, &err), 0);
    snprintf (pod, sizeof pod, "%s", qs_json_str (s_first_pod (r), "name", ""));
    ck_assert_int_gt (qs_json_int (s_first_pod (r), "restarts", 0), 0);
    json_object_put (r);
    snprintf (body, sizeof body, "{\"service_id\":\"svc-acme-jobs\",\"pod\":\"%s\"}", pod);
    ck_assert_int_eq (s_run ("restart", body, &r, &err), 0);
    ck_assert (qs_json_bool (r, "restarted", false));
    json_object_put (r);
    ck_assert_int_eq (s_run ("pod", body, &r, &err), 0);
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "pod"), "restarts", -1), 0);
    json_object_put (r);

    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-acme-main-db\",\"replicas\":2}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "kind", ""), "StatefulSet");
    ck_assert_int_eq (qs_json_int (r, "replicas", 0), 2);
    ck_assert_int_eq (qs_json_int (r, "previous_replicas", 0), 1);
    json_object_put (r);
}
END_TEST

START_TEST (test_snapshot_and_failures)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("snapshot", "{\"service_id\":\"svc-acme-broker\"}", &r, &err), 0);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "pods")), 1);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "errors")), 0);
    ck_assert_int_ge (json_object_object_length (qs_json_path (r, "logs")), 1);
    ck_assert_int_ge (json_object_object_length (qs_json_path (r, "events")), 1);
    json_object_put (r);

    /* events failing: reported per part, the rest still there */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/namespaces/qs-acme/events\",\"status\":500,\"count\":-1}"), 0);
    ck_assert_int_eq (s_run ("snapshot", "{\"service_id\":\"svc-acme-broker\"}", &r, &err), 0);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "pods")), 1);
    json_object *e0 = qs_json_path (r, "errors.0");
    ck_assert_ptr_nonnull (strstr (qs_json_str (e0, "part", ""), "events:"));
    ck_assert_int_eq (qs_json_int (e0, "status", 0), 503);
    json_object_put (r);

    /* slow events on every pod: the snapshot still answers before its
       deadline, with the slow parts reported */
    ck_assert_int_eq (qs_harness_sandbox_reset (qs_harness_fixture_get ()), 0);
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/namespaces/qs-acme/events\",\"delay_ms\":2500,\"count\":-1}"), 0);
    int64_t t1 = qs_mono_ms ();
    ck_assert_int_eq (s_run_ms ("snapshot", "{\"service_id\":\"svc-acme-broker\"}", 1500, &r, &err), 0);
    ck_assert_int_lt (qs_mono_ms () - t1, 1800);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "pods")), 1);
    ck_assert_int_ge ((int) json_object_array_length (qs_json_path (r, "errors")), 1);
    json_object_put (r);

    /* a slow Kubernetes API: a 504 within the deadline */
    ck_assert_int_eq (qs_harness_sandbox_fault (qs_harness_fixture_get (), "{\"path_prefix\":\"/api/v1/namespaces/qs-acme/pods\",\"delay_ms\":3000,\"count\":1}"), 0);
    int64_t t0 = qs_mono_ms ();
    ck_assert_int_eq (s_run_ms ("pods", "{\"service_id\":\"svc-acme-broker\"}", 700, &r, &err), -1);
    ck_assert_int_lt (qs_mono_ms () - t0, 2000);
    ck_assert_int_eq (err.status, 504);

    /* a wrong service-account token: the operator's problem, said plainly */
    qs_k8s_ops_destroy (&s_ops);
    s_ops = s_ops_with_token ("wrong-token");
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-acme-broker\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "k8s_unauthorized");
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_sandbox");
    TCase *tc = tcase_create ("sandbox");
    qs_harness_fixture (tc, &(qs_harness_spec_t) { .sandbox = true, .env = s_env }, NULL);
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_scenarios_read_as_kubernetes_shows_them);
    tcase_add_test (tc, test_pod_logs_events_metrics);
    tcase_add_test (tc, test_tenancy_and_roles);
    tcase_add_test (tc, test_restart_and_scale);
    tcase_add_test (tc, test_snapshot_and_failures);
    suite_add_tcase (s, tc);
    return s;
}

QS_HARNESS_MAIN (s_suite, "tests/sandbox/quickspin-sandbox")
