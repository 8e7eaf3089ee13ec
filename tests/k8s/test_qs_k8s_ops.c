/*  qs_k8s_ops against one scripted fake serving both the platform API and
    the Kubernetes API: tenancy (namespace from the caller's own service),
    roles, redaction, absent metrics and partial snapshot failures. */
#include "../qs_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_k8s_ops.h"
#include "qs_k8s_svc.h"
#include "qs_fake_http.h"
#include "qs_util.h"

#define S_USER_TOKEN "user.jwt.token"
#define S_NS "/api/v1/namespaces/qs-acme"

static qs_fake_http_t *s_fake;
static qs_k8s_ops_t *s_ops;
static qs_auth_t s_auth;
static char s_token_path[128];

static char *
s_fixture (const char *name)
{
    char path[1024];
    const char *dir = getenv ("QS_K8S_FIXTURES");
    snprintf (path, sizeof path, "%s/%s", dir ? dir : "tests/k8s/fixtures", name);
    FILE *f = fopen (path, "rb");
    ck_assert_ptr_nonnull (f);
    fseek (f, 0, SEEK_END);
    long n = ftell (f);
    fseek (f, 0, SEEK_SET);
    char *buf = calloc (1, (size_t) n + 1);
    ck_assert_int_eq ((long) fread (buf, 1, (size_t) n, f), n);
    fclose (f);
    return buf;
}

static void
s_setup (void)
{
    s_fake = qs_fake_http_start ();
    ck_assert_ptr_nonnull (s_fake);
    snprintf (s_token_path, sizeof s_token_path, "/tmp/qs-k8s-ops-token-%d", (int) getpid ());
    FILE *f = fopen (s_token_path, "w");
    fputs ("sa-token\n", f);
    fclose (f);
    qs_k8s_config_t cfg = {0};
    snprintf (cfg.url, sizeof cfg.url, "%s", qs_fake_http_url (s_fake));
    snprintf (cfg.token_file, sizeof cfg.token_file, "%s", s_token_path);
    s_ops = qs_k8s_ops_new (qs_fake_http_url (s_fake), &cfg, NULL);
    ck_assert_ptr_nonnull (s_ops);
    memset (&s_auth, 0, sizeof s_auth);
    snprintf (s_auth.sub, sizeof s_auth.sub, "u1");
    snprintf (s_auth.org_id, sizeof s_auth.org_id, "org-acme");
    snprintf (s_auth.token, sizeof s_auth.token, "%s", S_USER_TOKEN);
    s_auth.roles = QS_ROLE_MEMBER;

    char *crash = s_fixture ("pod_crashloop.json");
    char *oom = s_fixture ("pod_oomkilled.json");
    char *events = s_fixture ("events.json");
    char *list = qs_strdupf ("{\"kind\":\"PodList\",\"items\":[%s]}", crash);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc-crash", 200,
                        "{\"id\":\"svc-crash\",\"name\":\"broker\",\"namespace\":\"qs-acme\",\"status\":\"running\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc-prov", 200,
                        "{\"id\":\"svc-prov\",\"name\":\"new\",\"status\":\"provisioning\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc-bad-ns", 200,
                        "{\"id\":\"svc-bad-ns\",\"namespace\":\"../../secrets\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods?labelSelector=quickspin.io%2Fservice-id%3Dsvc-crash", 200, list, 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods/broker-0/log?container=rabbitmq&tailLines=5&previous=true", 400,
                        "{\"kind\":\"Status\",\"message\":\"previous terminated container not found\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods/broker-0/log", 200,
                        "line one\nconnecting to amqp://admin:s3cret@broker:5672\npassword=hunter2 set\nlast line\n", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods/broker-0", 200, crash, 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods/cache-prod-0", 200, oom, 0, 0, 0);
    qs_fake_http_route (s_fake, "DELETE", S_NS "/pods/broker-0", 200, "{\"kind\":\"Pod\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/events?fieldSelector=involvedObject.name%3Dbroker-0", 200, events, 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/qs-acme/pods", 404,
                        "{\"kind\":\"Status\",\"message\":\"the server could not find the requested resource\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/apis/apps/v1/namespaces/qs-acme/statefulsets/broker/scale", 200,
                        "{\"kind\":\"Scale\",\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1}}", 0, 0, 0);
    qs_fake_http_route (s_fake, "PATCH", "/apis/apps/v1/namespaces/qs-acme/statefulsets/broker/scale", 200,
                        "{\"kind\":\"Scale\",\"spec\":{\"replicas\":3},\"status\":{\"replicas\":1}}", 0, 0, 0);
    free (crash);
    free (oom);
    free (events);
    free (list);
}

static void
s_teardown (void)
{
    qs_k8s_ops_destroy (&s_ops);
    qs_fake_http_stop (&s_fake);
    unlink (s_token_path);
}

static int
s_run (const char *op, const char *body_text, json_object **reply, qs_err_t *err)
{
    const char *why;
    json_object *body = qs_json_parse (body_text, strlen (body_text), &why);
    ck_assert_ptr_nonnull (body);
    int rc = qs_k8s_ops_run (s_ops, op, &s_auth, body, qs_now_ms () + 5000, "rid-ops", reply, err);
    json_object_put (body);
    return rc;
}

START_TEST (test_pods_tenancy_and_tokens)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-crash\"}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "namespace", ""), "qs-acme");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "pods.0"), "name", ""), "broker-0");
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "pods.0.containers.0.state.waiting"), "reason", ""),
                      "CrashLoopBackOff");
    json_object_put (r);
    /* the platform saw the user's token, Kubernetes only the service account's */
    ck_assert_int_eq (qs_fake_http_count (s_fake), 2);
    ck_assert_str_eq (qs_fake_http_seen (s_fake, 0)->authorization, "Bearer " S_USER_TOKEN);
    ck_assert_str_eq (qs_fake_http_seen (s_fake, 1)->authorization, "Bearer sa-token");

    /* another org's service: the platform says 404, Kubernetes is never asked */
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-other\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (qs_fake_http_count (s_fake), 3);
    ck_assert_int_eq (s_run ("pods", "{}", &r, &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-prov\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 409);
    ck_assert_ptr_nonnull (strstr (err.message, "provisioning"));
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-bad-ns\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert_int_eq (s_run ("nope", "{\"service_id\":\"svc-crash\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    s_auth.token[0] = '\0';
    ck_assert_int_eq (s_run ("pods", "{\"service_id\":\"svc-crash\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 401);
}
END_TEST

START_TEST (test_pod_of_another_service)
{
    json_object *r = NULL;
    qs_err_t err;
    /* cache-prod-0 lives in the same namespace but belongs to svc-oom */
    ck_assert_int_eq (s_run ("pod", "{\"service_id\":\"svc-crash\",\"pod\":\"cache-prod-0\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (s_run ("logs", "{\"service_id\":\"svc-crash\",\"pod\":\"cache-prod-0\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (s_run ("pod", "{\"service_id\":\"svc-crash\",\"pod\":\"../../../version\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_int_eq (s_run ("pod", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\"}", &r, &err), 0);
    ck_assert_int_eq (qs_json_int (qs_json_path (r, "pod"), "restarts", 0), 17);
    json_object_put (r);
}
END_TEST

START_TEST (test_logs_redacted)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("logs", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\",\"tail\":3}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "container", ""), "rabbitmq");
    json_object *lines = qs_json_path (r, "lines");
    ck_assert_int_eq ((int) json_object_array_length (lines), 3);
    const char *text = qs_json_text (lines);
    ck_assert_ptr_null (strstr (text, "s3cret"));
    ck_assert_ptr_null (strstr (text, "hunter2"));
    ck_assert_ptr_nonnull (strstr (text, "last line"));
    json_object_put (r);
    /* the request asked for the tail, the container, not previous */
    const qs_fake_seen_t *s = qs_fake_http_seen (s_fake, qs_fake_http_count (s_fake) - 1);
    ck_assert_ptr_nonnull (strstr (s->uri, "tailLines=3"));
    ck_assert_ptr_nonnull (strstr (s->uri, "previous=false"));
    /* previous logs of a container that never terminated */
    ck_assert_int_eq (s_run ("logs", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\",\"tail\":5,\"previous\":true}",
                             &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
    ck_assert_str_eq (err.code, "no_previous_logs");
    ck_assert_int_eq (s_run ("logs", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\",\"container\":\"nginx\"}",
                             &r, &err), -1);
    ck_assert_int_eq (err.status, 404);
}
END_TEST

START_TEST (test_events_and_metrics)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("events", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\"}", &r, &err), 0);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "events")), 3);
    ck_assert_str_eq (qs_json_str (qs_json_path (r, "events.0"), "reason", ""), "BackOff");
    json_object_put (r);
    ck_assert_int_eq (s_run ("metrics", "{\"service_id\":\"svc-crash\"}", &r, &err), 0);
    ck_assert (!qs_json_bool (r, "available", true));
    ck_assert_ptr_nonnull (qs_json_get (r, "reason", json_type_string));
    json_object_put (r);
}
END_TEST

START_TEST (test_restart_and_scale_roles)
{
    json_object *r = NULL;
    qs_err_t err;
    s_auth.roles = QS_ROLE_VIEWER;
    int before = qs_fake_http_count (s_fake);
    ck_assert_int_eq (s_run ("restart", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-crash\",\"replicas\":3}", &r, &err), -1);
    ck_assert_int_eq (err.status, 403);
    ck_assert_int_eq (qs_fake_http_count (s_fake), before);

    s_auth.roles = QS_ROLE_MEMBER;
    ck_assert_int_eq (s_run ("restart", "{\"service_id\":\"svc-crash\",\"pod\":\"broker-0\"}", &r, &err), 0);
    ck_assert (qs_json_bool (r, "restarted", false));
    json_object_put (r);
    const qs_fake_seen_t *s = qs_fake_http_seen (s_fake, qs_fake_http_count (s_fake) - 1);
    ck_assert_str_eq (s->method, "DELETE");
    ck_assert_str_eq (s->uri, S_NS "/pods/broker-0");

    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-crash\",\"replicas\":0}", &r, &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-crash\",\"replicas\":\"3\"}", &r, &err), -1);
    ck_assert_int_eq (err.status, 400);
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-crash\",\"replicas\":3}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "kind", ""), "StatefulSet");
    ck_assert_str_eq (qs_json_str (r, "name", ""), "broker");
    ck_assert_int_eq (qs_json_int (r, "replicas", 0), 3);
    ck_assert_int_eq (qs_json_int (r, "previous_replicas", 0), 1);
    json_object_put (r);
    s = qs_fake_http_seen (s_fake, qs_fake_http_count (s_fake) - 1);
    ck_assert_str_eq (s->method, "PATCH");
    ck_assert_str_eq (s->content_type, "application/merge-patch+json");
    ck_assert_str_eq (s->body, "{\"spec\":{\"replicas\":3}}");
}
END_TEST

START_TEST (test_snapshot)
{
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("snapshot", "{\"service_id\":\"svc-crash\",\"tail\":10}", &r, &err), 0);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "pods")), 1);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "events.broker-0")), 3);
    ck_assert (!qs_json_bool (qs_json_path (r, "metrics"), "available", true));
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "errors")), 0);
    /* the crash-looping container's previous log; the ready sidecar is skipped */
    json_object *logs = qs_json_path (r, "logs");
    ck_assert_int_eq (json_object_object_length (logs), 1);
    json_object *entry = qs_json_get (logs, "broker-0/rabbitmq", json_type_object);
    ck_assert_ptr_nonnull (entry);
    ck_assert (qs_json_bool (entry, "previous", false));
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (entry, "lines")), 4);
    ck_assert_ptr_null (strstr (qs_json_text (entry), "hunter2"));
    json_object_put (r);
    const qs_fake_seen_t *s = NULL;
    for (int i = 0; i < qs_fake_http_count (s_fake); i++)
        if (strstr (qs_fake_http_seen (s_fake, i)->uri, "/log?"))
            s = qs_fake_http_seen (s_fake, i);
    ck_assert_ptr_nonnull (s);
    ck_assert_ptr_nonnull (strstr (s->uri, "previous=true"));
    ck_assert_ptr_nonnull (strstr (s->uri, "tailLines=10"));
}
END_TEST

START_TEST (test_snapshot_k8s_down)
{
    /* a second ops table whose Kubernetes API is a dead port: the snapshot
       still answers, with every part's failure reported */
    qs_k8s_config_t cfg = {0};
    snprintf (cfg.url, sizeof cfg.url, "http://127.0.0.1:9");
    qs_k8s_ops_t *ops = qs_k8s_ops_new (qs_fake_http_url (s_fake), &cfg, NULL);
    const char *why;
    json_object *body = qs_json_parse ("{\"service_id\":\"svc-crash\"}", strlen ("{\"service_id\":\"svc-crash\"}"), &why);
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_k8s_ops_run (ops, "snapshot", &s_auth, body, qs_now_ms () + 5000, "r", &r, &err), 0);
    json_object *errors = qs_json_path (r, "errors");
    ck_assert_int_eq ((int) json_object_array_length (errors), 2);     /* pods, metrics */
    ck_assert_str_eq (qs_json_str (json_object_array_get_idx (errors, 0), "part", ""), "pods");
    json_object *gaps = qs_json_path (r, "gaps");
    ck_assert_int_eq ((int) json_object_array_length (gaps), 2);
    ck_assert_ptr_nonnull (strstr (json_object_get_string (json_object_array_get_idx (gaps, 0)), "pods unavailable"));
    ck_assert_int_eq (qs_json_int (json_object_array_get_idx (errors, 0), "status", 0), 503);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_path (r, "pods")), 0);
    json_object_put (r);
    /* a plain op on a dead API is a clear 503 */
    ck_assert_int_eq (qs_k8s_ops_run (ops, "pods", &s_auth, body, qs_now_ms () + 5000, "r", &r, &err), -1);
    ck_assert_int_eq (err.status, 503);
    ck_assert_str_eq (err.code, "k8s_unreachable");
    json_object_put (body);
    qs_k8s_ops_destroy (&ops);
}
END_TEST

START_TEST (test_scale_deployment)
{
    /* pods owned by a ReplicaSet: the Deployment above it is scaled */
    char *list = s_fixture ("podlist.json");
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc-ok", 200,
                        "{\"id\":\"svc-ok\",\"namespace\":\"qs-acme\",\"status\":\"running\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods?labelSelector=quickspin.io%2Fservice-id%3Dsvc-ok", 200, list, 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/apis/apps/v1/namespaces/qs-acme/replicasets/cache-7d9f8b6c5", 200,
                        "{\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"cache-7d9f8b6c5\",\"ownerReferences\":"
                        "[{\"kind\":\"Deployment\",\"name\":\"cache\",\"controller\":true}]}}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", "/apis/apps/v1/namespaces/qs-acme/deployments/cache/scale", 200,
                        "{\"spec\":{\"replicas\":2}}", 0, 0, 0);
    qs_fake_http_route (s_fake, "PATCH", "/apis/apps/v1/namespaces/qs-acme/deployments/cache/scale", 200,
                        "{\"spec\":{\"replicas\":4}}", 0, 0, 0);
    free (list);
    json_object *r = NULL;
    qs_err_t err;
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-ok\",\"replicas\":4}", &r, &err), 0);
    ck_assert_str_eq (qs_json_str (r, "kind", ""), "Deployment");
    ck_assert_str_eq (qs_json_str (r, "name", ""), "cache");
    ck_assert_int_eq (qs_json_int (r, "replicas", 0), 4);
    ck_assert_int_eq (qs_json_int (r, "previous_replicas", 0), 2);
    json_object_put (r);
    /* a service whose pods have no workload owner cannot be scaled */
    qs_fake_http_route (s_fake, "GET", "/api/v1/services/svc-bare", 200,
                        "{\"id\":\"svc-bare\",\"namespace\":\"qs-acme\"}", 0, 0, 0);
    qs_fake_http_route (s_fake, "GET", S_NS "/pods?labelSelector=quickspin.io%2Fservice-id%3Dsvc-bare", 200,
                        "{\"items\":[{\"metadata\":{\"name\":\"bare\"}}]}", 0, 0, 0);
    ck_assert_int_eq (s_run ("scale", "{\"service_id\":\"svc-bare\",\"replicas\":2}", &r, &err), -1);
    ck_assert_int_eq (err.status, 409);
    ck_assert_str_eq (err.code, "not_scalable");
}
END_TEST

START_TEST (test_bus_handler)
{
    const char *why;
    json_object *body = qs_json_parse ("{\"service_id\":\"svc-crash\"}", strlen ("{\"service_id\":\"svc-crash\"}"), &why);
    qs_req_t *req = qs_req_new_local ("pods", body, &s_auth, 5000);
    ck_assert_ptr_nonnull (req);
    ck_assert_int_eq (qs_k8s_svc_handle (req, s_ops), 0);
    ck_assert_int_eq (qs_req_local_status (req), 200);
    ck_assert_str_eq (qs_json_str (qs_json_path (qs_req_local_reply (req), "pods.0"), "name", ""), "broker-0");
    qs_req_destroy_local (&req);
    json_object_put (body);

    body = qs_json_parse ("{\"service_id\":\"svc-gone\"}", strlen ("{\"service_id\":\"svc-gone\"}"), &why);
    req = qs_req_new_local ("events", body, &s_auth, 5000);
    ck_assert_int_eq (qs_k8s_svc_handle (req, s_ops), -1);
    ck_assert_int_eq (qs_req_local_status (req), 404);
    json_object *e = qs_json_path (qs_req_local_reply (req), "error");
    ck_assert_str_eq (qs_json_str (e, "code", ""), "not_found");
    ck_assert_str_eq (qs_json_str (e, "request_id", ""), qs_req_id (req));
    ck_assert_ptr_null (strstr (qs_json_text (qs_req_local_reply (req)), S_USER_TOKEN));
    qs_req_destroy_local (&req);
    json_object_put (body);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_k8s_ops");
    TCase *tc = tcase_create ("fake");
    tcase_add_checked_fixture (tc, s_setup, s_teardown);
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_pods_tenancy_and_tokens);
    tcase_add_test (tc, test_pod_of_another_service);
    tcase_add_test (tc, test_logs_redacted);
    tcase_add_test (tc, test_events_and_metrics);
    tcase_add_test (tc, test_restart_and_scale_roles);
    tcase_add_test (tc, test_snapshot);
    tcase_add_test (tc, test_snapshot_k8s_down);
    tcase_add_test (tc, test_bus_handler);
    tcase_add_test (tc, test_scale_deployment);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
