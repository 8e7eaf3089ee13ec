/*  Unit: the Kubernetes API subset, socket-free: object shapes per
    scenario, selectors, logs, events, metrics, restart and scale. */
#include "../qs_test.h"
#include "sbx_test_util.h"

#define NS "/api/v1/namespaces/qs-acme"

static json_object *
s_pod (qs_sbx_server_t *s, const char *name)
{
    char path[160];
    int st;
    snprintf (path, sizeof path, NS "/pods/%s", name);
    json_object *o = sbx_call (s, "GET", path, NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "Pod");
    ck_assert_str_eq (qs_json_str (o, "apiVersion", ""), "v1");
    ck_assert_str_eq (qs_json_str (qs_json_get (o, "metadata", json_type_object), "name", ""), name);
    return o;
}

/*  The events of a pod through the fieldSelector; every item is about it. */
static json_object *
s_events (qs_sbx_server_t *s, const char *pod)
{
    char q[160];
    int st;
    snprintf (q, sizeof q, "fieldSelector=involvedObject.name%%3D%s", pod);
    json_object *o = sbx_call (s, "GET", NS "/events", q, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "EventList");
    json_object *items = qs_json_get (o, "items", json_type_array);
    ck_assert_int_gt ((int) json_object_array_length (items), 0);
    for (size_t i = 0; i < json_object_array_length (items); i++)
        ck_assert_str_eq (qs_json_str (qs_json_path (json_object_array_get_idx (items, i), "involvedObject"), "name", ""), pod);
    return o;
}

static bool
s_has_event (json_object *list, const char *type, const char *reason, const char *needle)
{
    json_object *items = qs_json_get (list, "items", json_type_array);
    for (size_t i = 0; i < json_object_array_length (items); i++) {
        json_object *e = json_object_array_get_idx (items, i);
        if (!strcmp (qs_json_str (e, "type", ""), type) && !strcmp (qs_json_str (e, "reason", ""), reason)
            && strstr (qs_json_str (e, "message", ""), needle))
            return true;
    }
    return false;
}

static char *
s_log (qs_sbx_server_t *s, const char *pod, const char *query, int *status)
{
    char path[160];
    qs_sbx_resp_t resp;
    snprintf (path, sizeof path, NS "/pods/%s/log", pod);
    json_object *o = sbx_call_full (s, "GET", path, query, SBX_K8S, NULL, NULL, 0, status, &resp);
    char *text = NULL;
    if (*status == 200) {
        ck_assert_str_eq (resp.content_type, "text/plain");
        text = strdup (resp.body);
    }
    json_object_put (o);
    qs_sbx_resp_clear (&resp);
    return text;
}

START_TEST (auth_and_not_found)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    json_object *o = sbx_call (s, "GET", NS "/pods", NULL, NULL, NULL, &st);
    ck_assert_int_eq (st, 401);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "Status");
    ck_assert_str_eq (qs_json_str (o, "reason", ""), "Unauthorized");
    json_object_put (o);
    o = sbx_call (s, "GET", NS "/pods", NULL, "Bearer wrong", NULL, &st);
    ck_assert_int_eq (st, 401);
    json_object_put (o);
    o = sbx_call (s, "GET", NS "/pods/nope-0", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 404);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "Status");
    ck_assert_str_eq (qs_json_str (o, "apiVersion", ""), "v1");
    ck_assert_str_eq (qs_json_str (o, "status", ""), "Failure");
    ck_assert_str_eq (qs_json_str (o, "reason", ""), "NotFound");
    ck_assert_int_eq (qs_json_int (o, "code", 0), 404);
    ck_assert_str_eq (qs_json_str (o, "message", ""), "pods \"nope-0\" not found");
    json_object_put (o);
    o = sbx_call (s, "GET", "/apis/apps/v1/namespaces/qs-acme/statefulsets/nope", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 404);
    ck_assert_str_eq (qs_json_str (o, "reason", ""), "NotFound");
    json_object_put (o);
    /* a platform token does not open the Kubernetes API */
    char *user = sbx_token ("u", "org-acme", "admin", 600, SBX_SECRET);
    o = sbx_call (s, "GET", NS "/pods", NULL, user, NULL, &st);
    ck_assert_int_eq (st, 401);
    json_object_put (o);
    free (user);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (pods_filtered_by_label)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    json_object *all = sbx_call (s, "GET", NS "/pods", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (all, "kind", ""), "PodList");
    int total = (int) json_object_array_length (qs_json_get (all, "items", json_type_array));
    ck_assert_int_ge (total, 12);
    json_object_put (all);
    json_object *o = sbx_call (s, "GET", NS "/pods", "labelSelector=quickspin.io%2Fservice-id%3Dsvc-acme-analytics",
                               SBX_K8S, NULL, &st);
    json_object *items = qs_json_get (o, "items", json_type_array);
    ck_assert_int_eq ((int) json_object_array_length (items), 3);
    for (size_t i = 0; i < 3; i++) {
        json_object *labels = qs_json_path (json_object_array_get_idx (items, i), "metadata.labels");
        ck_assert_str_eq (qs_json_str (labels, "quickspin.io/service-id", ""), "svc-acme-analytics");
    }
    json_object_put (o);
    o = sbx_call (s, "GET", NS "/pods", "labelSelector=quickspin.io/service-id!=svc-acme-analytics", SBX_K8S, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "items", json_type_array)), total - 3);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/namespaces/qs-globex/pods", "labelSelector=quickspin.io/service-id=svc-acme-cache", SBX_K8S, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "items", json_type_array)), 0);
    json_object_put (o);
    qs_sbx_server_destroy (&s);
}
END_TEST

static json_object *
s_cstatus (json_object *pod)
{
    return qs_json_path (pod, "status.containerStatuses.0");
}

START_TEST (oom_killed_then_restart_fixes)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    json_object *pod = s_pod (s, "acme-cache-0");
    json_object *cs = s_cstatus (pod);
    ck_assert_str_eq (qs_json_str (qs_json_path (cs, "lastState.terminated"), "reason", ""), "OOMKilled");
    ck_assert_int_eq (qs_json_int (qs_json_path (cs, "lastState.terminated"), "exitCode", 0), 137);
    ck_assert_int_gt ((int) qs_json_int (cs, "restartCount", 0), 0);
    ck_assert_ptr_nonnull (qs_json_path (cs, "state.running"));
    const char *uid = qs_json_str (qs_json_path (pod, "metadata"), "uid", "");
    char old_uid[64];
    qs_strlcpy (old_uid, uid, sizeof old_uid);
    json_object_put (pod);
    /* memory usage near the 2048Mi limit */
    json_object *m = sbx_call (s, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/qs-acme/pods/acme-cache-0", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (m, "kind", ""), "PodMetrics");
    long ki = atol (qs_json_str (qs_json_path (m, "containers.0.usage"), "memory", "0"));
    ck_assert (ki > 2048L * 1024 * 9 / 10);
    json_object_put (m);
    int status;
    char *prev = s_log (s, "acme-cache-0", "previous=true&tailLines=10", &status);
    ck_assert_int_eq (status, 200);
    ck_assert_ptr_nonnull (strstr (prev, "maxmemory"));
    free (prev);
    /* restart = delete the pod; the StatefulSet recreates it healthy */
    json_object *del = sbx_call (s, "DELETE", NS "/pods/acme-cache-0", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_ptr_nonnull (qs_json_str (qs_json_path (del, "metadata"), "deletionTimestamp", NULL));
    json_object_put (del);
    pod = s_pod (s, "acme-cache-0");
    cs = s_cstatus (pod);
    ck_assert_int_eq ((int) qs_json_int (cs, "restartCount", -1), 0);
    ck_assert_ptr_null (qs_json_path (cs, "lastState.terminated"));
    ck_assert (qs_json_bool (cs, "ready", false));
    ck_assert_str_ne (qs_json_str (qs_json_path (pod, "metadata"), "uid", ""), old_uid);
    json_object_put (pod);
    prev = s_log (s, "acme-cache-0", "previous=true", &status);
    ck_assert_int_eq (status, 400);
    ck_assert_ptr_null (prev);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (crash_loop_broker)
{
    qs_sbx_server_t *s = sbx_server (0);
    json_object *pod = s_pod (s, "acme-broker-0");
    json_object *cs = s_cstatus (pod);
    ck_assert_str_eq (qs_json_str (qs_json_path (cs, "state.waiting"), "reason", ""), "CrashLoopBackOff");
    ck_assert_int_gt ((int) qs_json_int (cs, "restartCount", 0), 3);
    ck_assert (!qs_json_bool (cs, "ready", true));
    ck_assert_str_eq (qs_json_str (qs_json_path (pod, "status"), "phase", ""), "Running");
    json_object_put (pod);
    int status;
    char *prev = s_log (s, "acme-broker-0", "previous=true", &status);
    ck_assert_int_eq (status, 200);
    ck_assert_ptr_nonnull (strstr (prev, "BOOT FAILED"));
    free (prev);
    json_object *ev = s_events (s, "acme-broker-0");
    ck_assert (s_has_event (ev, "Warning", "BackOff", "Back-off restarting failed container"));
    json_object_put (ev);
    int st;
    json_object *del = sbx_call (s, "DELETE", NS "/pods/acme-broker-0", NULL, SBX_K8S, NULL, &st);
    json_object_put (del);
    pod = s_pod (s, "acme-broker-0");
    ck_assert_ptr_nonnull (qs_json_path (s_cstatus (pod), "state.running"));
    ck_assert_int_eq ((int) qs_json_int (s_cstatus (pod), "restartCount", -1), 0);
    json_object_put (pod);
    char *tok = sbx_token ("u", "org-acme", "member", 600, SBX_SECRET);
    json_object *svc = sbx_call (s, "GET", "/api/v1/services/svc-acme-broker", NULL, tok, NULL, &st);
    ck_assert_str_eq (qs_json_str (svc, "status", ""), "running");
    json_object_put (svc);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (image_pull_and_unschedulable)
{
    qs_sbx_server_t *s = sbx_server (0);
    json_object *pod = s_pod (s, "acme-search-0");
    ck_assert_str_eq (qs_json_str (qs_json_path (pod, "status"), "phase", ""), "Pending");
    ck_assert_str_eq (qs_json_str (qs_json_path (s_cstatus (pod), "state.waiting"), "reason", ""), "ImagePullBackOff");
    json_object_put (pod);
    json_object *ev = s_events (s, "acme-search-0");
    ck_assert (s_has_event (ev, "Warning", "Failed", "Failed to pull image"));
    ck_assert (s_has_event (ev, "Warning", "Failed", "ErrImagePull"));
    json_object_put (ev);
    int status;
    char *log = s_log (s, "acme-search-0", NULL, &status);
    ck_assert_int_eq (status, 400);
    free (log);

    pod = s_pod (s, "acme-analytics-1");
    ck_assert_str_eq (qs_json_str (qs_json_path (pod, "status"), "phase", ""), "Pending");
    json_object *cond = qs_json_path (pod, "status.conditions.0");
    ck_assert_str_eq (qs_json_str (cond, "type", ""), "PodScheduled");
    ck_assert_str_eq (qs_json_str (cond, "status", ""), "False");
    ck_assert_str_eq (qs_json_str (cond, "reason", ""), "Unschedulable");
    ck_assert_ptr_null (qs_json_path (pod, "status.containerStatuses"));
    json_object_put (pod);
    ev = s_events (s, "acme-analytics-1");
    ck_assert (s_has_event (ev, "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient memory"));
    json_object_put (ev);
    /* restarting does not cure a missing image */
    int st;
    json_object *del = sbx_call (s, "DELETE", NS "/pods/acme-search-0", NULL, SBX_K8S, NULL, &st);
    json_object_put (del);
    pod = s_pod (s, "acme-search-0");
    ck_assert_str_eq (qs_json_str (qs_json_path (s_cstatus (pod), "state.waiting"), "reason", ""), "ImagePullBackOff");
    json_object_put (pod);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (readiness_restarts_disk_connections)
{
    qs_sbx_server_t *s = sbx_server (0);
    json_object *pod = s_pod (s, "acme-orders-db-0");
    ck_assert_str_eq (qs_json_str (qs_json_path (pod, "status"), "phase", ""), "Running");
    ck_assert (!qs_json_bool (s_cstatus (pod), "ready", true));
    json_object *conds = qs_json_path (pod, "status.conditions");
    bool ready_false = false;
    for (size_t i = 0; i < json_object_array_length (conds); i++) {
        json_object *c = json_object_array_get_idx (conds, i);
        ready_false = ready_false || (!strcmp (qs_json_str (c, "type", ""), "Ready") && !strcmp (qs_json_str (c, "status", ""), "False"));
    }
    ck_assert (ready_false);
    json_object_put (pod);
    json_object *ev = s_events (s, "acme-orders-db-0");
    ck_assert (s_has_event (ev, "Warning", "Unhealthy", "Readiness probe failed: "));
    json_object_put (ev);

    pod = s_pod (s, "acme-jobs-0");
    ck_assert_int_ge ((int) qs_json_int (s_cstatus (pod), "restartCount", 0), 10);
    ck_assert_ptr_nonnull (qs_json_path (s_cstatus (pod), "state.running"));
    json_object_put (pod);

    int status;
    char *log = s_log (s, "acme-events-0", "tailLines=5", &status);
    ck_assert_int_eq (status, 200);
    ck_assert_ptr_nonnull (strstr (log, "No space left on device"));
    free (log);
    log = s_log (s, "acme-users-db-0", NULL, &status);
    ck_assert_ptr_nonnull (strstr (log, "too many clients already"));
    free (log);
    log = s_log (s, "acme-users-db-0", "tailLines=1", &status);
    int lines = 0;
    for (const char *c = log; *c; c++)
        lines += *c == '\n';
    ck_assert_int_eq (lines, 1);
    free (log);

    pod = s_pod (s, "acme-main-db-0");
    ck_assert (qs_json_bool (s_cstatus (pod), "ready", false));
    ck_assert_int_eq ((int) qs_json_int (s_cstatus (pod), "restartCount", -1), 0);
    json_object_put (pod);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (metrics_list_skips_not_running)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    json_object *o = sbx_call (s, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/qs-acme/pods", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "PodMetricsList");
    json_object *items = qs_json_get (o, "items", json_type_array);
    ck_assert_int_gt ((int) json_object_array_length (items), 5);
    for (size_t i = 0; i < json_object_array_length (items); i++) {
        const char *name = qs_json_str (qs_json_path (json_object_array_get_idx (items, i), "metadata"), "name", "");
        ck_assert (strncmp (name, "acme-analytics", 14) && strncmp (name, "acme-search", 11) && strncmp (name, "acme-broker", 11));
        ck_assert_ptr_nonnull (qs_json_path (json_object_array_get_idx (items, i), "containers.0.usage.cpu"));
    }
    json_object_put (o);
    o = sbx_call (s, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/qs-acme/pods", "labelSelector=quickspin.io/service-id=svc-acme-api-cache", SBX_K8S, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "items", json_type_array)), 1);
    json_object_put (o);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (scale_statefulset)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    const char *path = "/apis/apps/v1/namespaces/qs-acme/statefulsets/acme-api-cache/scale";
    json_object *o = sbx_call (s, "GET", path, NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "Scale");
    ck_assert_int_eq (qs_json_int (qs_json_path (o, "spec"), "replicas", 0), 1);
    ck_assert_str_eq (qs_json_str (qs_json_path (o, "status"), "selector", ""), "quickspin.io/service-id=svc-acme-api-cache");
    json_object_put (o);
    o = sbx_call (s, "PATCH", path, NULL, SBX_K8S, "{\"spec\":{\"replicas\":3}}", &st);
    ck_assert_int_eq (st, 200);
    ck_assert_int_eq (qs_json_int (qs_json_path (o, "spec"), "replicas", 0), 3);
    json_object_put (o);
    o = sbx_call (s, "GET", NS "/pods", "labelSelector=quickspin.io/service-id=svc-acme-api-cache", SBX_K8S, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "items", json_type_array)), 3);
    json_object_put (o);
    char *tok = sbx_token ("u", "org-acme", "member", 600, SBX_SECRET);
    o = sbx_call (s, "GET", "/api/v1/services/svc-acme-api-cache", NULL, tok, NULL, &st);
    ck_assert_int_eq ((int) qs_json_int (o, "replicas", 0), 3);
    ck_assert_double_eq_tol (qs_json_double (o, "monthly_cost", 0), 0.04 * 730 * 3, 1e-6);
    json_object_put (o);
    free (tok);
    o = sbx_call (s, "PATCH", "/apis/apps/v1/namespaces/qs-acme/statefulsets/acme-api-cache", NULL, SBX_K8S,
                  "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]", &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "kind", ""), "StatefulSet");
    ck_assert_int_eq (qs_json_int (qs_json_path (o, "status"), "replicas", 0), 2);
    json_object_put (o);
    /* the pods' owner is this StatefulSet, by uid */
    json_object *sts = sbx_call (s, "GET", "/apis/apps/v1/namespaces/qs-acme/statefulsets/acme-api-cache", NULL, SBX_K8S, NULL, &st);
    json_object *pod = s_pod (s, "acme-api-cache-1");
    ck_assert_str_eq (qs_json_str (qs_json_path (pod, "metadata.ownerReferences.0"), "uid", "a"),
                      qs_json_str (qs_json_path (sts, "metadata"), "uid", "b"));
    json_object *other = sbx_call (s, "GET", "/apis/apps/v1/namespaces/qs-acme/statefulsets/acme-cache", NULL, SBX_K8S, NULL, &st);
    ck_assert_str_ne (qs_json_str (qs_json_path (other, "metadata"), "uid", "a"), qs_json_str (qs_json_path (sts, "metadata"), "uid", "b"));
    json_object_put (other);
    json_object_put (pod);
    json_object_put (sts);
    o = sbx_call (s, "PATCH", path, NULL, SBX_K8S, "{\"spec\":{\"replicas\":99}}", &st);
    ck_assert_int_eq (st, 422);
    ck_assert_str_eq (qs_json_str (o, "reason", ""), "Invalid");
    json_object_put (o);
    qs_sbx_server_destroy (&s);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sbx_k8s");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, auth_and_not_found);
    tcase_add_test (tc, pods_filtered_by_label);
    tcase_add_test (tc, oom_killed_then_restart_fixes);
    tcase_add_test (tc, crash_loop_broker);
    tcase_add_test (tc, image_pull_and_unschedulable);
    tcase_add_test (tc, readiness_restarts_disk_connections);
    tcase_add_test (tc, metrics_list_skips_not_running);
    tcase_add_test (tc, scale_statefulset);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
