/*  Unit: the platform API of contract section 5, socket-free. */
#include "../qs_test.h"
#include "sbx_test_util.h"
#include "qs_sbx_seed.h"
#include <math.h>

static const char *s_svc_config =
    "{\"service_type\":\"redis\",\"name\":\"t-cache\",\"tier\":\"small\",\"version\":\"7.2\","
    "\"region\":\"us-east-1\",\"replicas\":2,\"high_availability\":true,\"backup_enabled\":true,"
    "\"environment\":\"staging\"}";

static json_object *
s_find_service (json_object *list, const char *id)
{
    json_object *arr = qs_json_get (list, "services", json_type_array);
    for (size_t i = 0; arr && i < json_object_array_length (arr); i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (arr, i), "id", ""), id))
            return json_object_array_get_idx (arr, i);
    return NULL;
}

/*  scheme://user:secret@host has a password; scheme://user@host does not. */
static bool
s_uri_has_password (const char *uri)
{
    const char *p = strstr (uri, "://");
    ck_assert_ptr_nonnull (p);
    const char *at = strchr (p + 3, '@');
    const char *colon = strchr (p + 3, ':');
    return at && colon && colon < at;
}

START_TEST (unauthorized)
{
    qs_sbx_server_t *s = sbx_server (0);
    int st;
    char *bad_sig = sbx_token ("u", QS_SBX_ORG_PRO, "member", 600, "wrong-secret");
    char *none = sbx_token ("u", QS_SBX_ORG_PRO, "member", 600, NULL);
    char *expired = sbx_token ("u", QS_SBX_ORG_PRO, "member", -600, SBX_SECRET);
    char *no_org = sbx_token ("u", NULL, "member", 600, SBX_SECRET);
    const char *cases[] = {NULL, "Bearer", "Basic abc", "Bearer not.a.jwt", bad_sig, none, expired, no_org};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_object *o = sbx_call (s, "GET", "/api/v1/services", NULL, cases[i], NULL, &st);
        ck_assert_msg (st == 401, "case %zu gave %d", i, st);
        ck_assert_str_eq (qs_json_str (qs_json_get (o, "error", json_type_object), "code", ""), "unauthorized");
        json_object_put (o);
    }
    free (bad_sig);
    free (none);
    free (expired);
    free (no_org);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (list_and_org_isolation)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *acme = sbx_token ("user-acme-dev", QS_SBX_ORG_PRO, "member", 600, SBX_SECRET);
    char *globex = sbx_token ("user-globex-admin", QS_SBX_ORG_ENTERPRISE, "admin", 600, SBX_SECRET);
    int st;
    json_object *o = sbx_call (s, "GET", "/api/v1/services", NULL, acme, NULL, &st);
    ck_assert_int_eq (st, 200);
    json_object *arr = qs_json_get (o, "services", json_type_array);
    ck_assert_int_ge ((int) json_object_array_length (arr), 11);
    for (size_t i = 0; i < json_object_array_length (arr); i++) {
        json_object *svc = json_object_array_get_idx (arr, i);
        ck_assert_str_eq (qs_json_str (svc, "namespace", ""), "qs-acme");
        ck_assert (!s_find_service (o, "svc-globex-prod-db"));
        json_object *conn = qs_json_get (svc, "connection", json_type_object);
        ck_assert_ptr_nonnull (conn);
        ck_assert_int_gt ((int) qs_json_int (conn, "port", 0), 0);
        ck_assert (!s_uri_has_password (qs_json_str (conn, "uri", "")));
        /* hourly_cost = monthly_cost / 730 */
        ck_assert_double_eq_tol (qs_json_double (svc, "hourly_cost", -1) * 730,
                                 qs_json_double (svc, "monthly_cost", -2), 1e-6);
    }
    json_object_put (o);
    /* another org's service is a 404, on every route */
    const char *paths[] = {"/api/v1/services/svc-globex-prod-db", "/api/v1/services/svc-globex-prod-db/metrics",
                           "/api/v1/services/svc-globex-prod-db/logs"};
    for (int i = 0; i < 3; i++) {
        o = sbx_call (s, "GET", paths[i], NULL, acme, NULL, &st);
        ck_assert_int_eq (st, 404);
        ck_assert_str_eq (qs_json_str (qs_json_get (o, "error", json_type_object), "code", ""), "not_found");
        json_object_put (o);
    }
    o = sbx_call (s, "DELETE", "/api/v1/services/svc-acme-cache", NULL, globex, NULL, &st);
    ck_assert_int_eq (st, 404);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/services/svc-globex-prod-db", NULL, globex, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "environment", ""), "production");
    ck_assert (qs_json_bool (o, "high_availability", false));
    ck_assert_double_eq_tol (qs_json_double (o, "monthly_cost", 0), 0.16 * 730 * 2.0 * 1.2, 1e-6);
    json_object_put (o);
    free (acme);
    free (globex);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (provision_idempotent_then_running)
{
    qs_sbx_server_t *s = sbx_server (2000);
    char *tok = sbx_token ("user-globex-member", QS_SBX_ORG_ENTERPRISE, "member", 600, SBX_SECRET);
    int st;
    int64_t t0 = qs_now_ms ();
    json_object *a = sbx_call_full (s, "POST", "/api/v1/services", NULL, tok, s_svc_config, "key-1", t0, &st, NULL);
    ck_assert_int_eq (st, 201);
    ck_assert_str_eq (qs_json_str (a, "status", ""), "provisioning");
    ck_assert_double_eq_tol (qs_json_double (a, "monthly_cost", 0), 0.04 * 730 * 2 * 2.0 * 1.2, 1e-6);
    const char *id = qs_json_str (a, "id", "");
    json_object *b = sbx_call_full (s, "POST", "/api/v1/services", NULL, tok, s_svc_config, "key-1", t0 + 10, &st, NULL);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (b, "id", ""), id);
    json_object_put (b);
    /* same key, different body */
    b = sbx_call_full (s, "POST", "/api/v1/services", NULL, tok, "{\"service_type\":\"redis\",\"name\":\"other\"}",
                       "key-1", t0 + 20, &st, NULL);
    ck_assert_int_eq (st, 409);
    json_object_put (b);
    /* exactly one service with that name */
    json_object *list = sbx_call_full (s, "GET", "/api/v1/services", NULL, tok, NULL, NULL, t0 + 30, &st, NULL);
    int n = 0;
    json_object *arr = qs_json_get (list, "services", json_type_array);
    for (size_t i = 0; i < json_object_array_length (arr); i++)
        n += !strcmp (qs_json_str (json_object_array_get_idx (arr, i), "name", ""), "t-cache");
    ck_assert_int_eq (n, 1);
    json_object_put (list);
    /* without a key a second POST of the same name conflicts */
    b = sbx_call_full (s, "POST", "/api/v1/services", NULL, tok, s_svc_config, NULL, t0 + 40, &st, NULL);
    ck_assert_int_eq (st, 409);
    json_object_put (b);
    /* still provisioning before the delay, running after */
    b = sbx_call_full (s, "GET", "/api/v1/services/", NULL, tok, NULL, NULL, t0 + 1000, &st, NULL);
    json_object_put (b);
    char path[128];
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    b = sbx_call_full (s, "GET", path, NULL, tok, NULL, NULL, t0 + 1999, &st, NULL);
    ck_assert_str_eq (qs_json_str (b, "status", ""), "provisioning");
    json_object_put (b);
    json_object *pods = sbx_call_full (s, "GET", "/api/v1/namespaces/qs-globex/pods", "labelSelector=quickspin.io/service-id%3Dsvc-none",
                                       SBX_K8S, NULL, NULL, t0 + 1999, &st, NULL);
    json_object_put (pods);
    char q[128];
    snprintf (q, sizeof q, "labelSelector=quickspin.io/service-id=%s", id);
    pods = sbx_call_full (s, "GET", "/api/v1/namespaces/qs-globex/pods", q, SBX_K8S, NULL, NULL, t0 + 1999, &st, NULL);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (pods, "items", json_type_array)), 0);
    json_object_put (pods);
    b = sbx_call_full (s, "GET", path, NULL, tok, NULL, NULL, t0 + 2001, &st, NULL);
    ck_assert_str_eq (qs_json_str (b, "status", ""), "running");
    json_object_put (b);
    pods = sbx_call_full (s, "GET", "/api/v1/namespaces/qs-globex/pods", q, SBX_K8S, NULL, NULL, t0 + 2002, &st, NULL);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (pods, "items", json_type_array)), 2);
    ck_assert_str_eq (qs_json_str (qs_json_path (pods, "items.0.status"), "phase", ""), "Running");
    json_object_put (pods);
    /* a new service is not idle: its last activity is its creation */
    snprintf (path, sizeof path, "/api/v1/services/%s/metrics", id);
    b = sbx_call_full (s, "GET", path, "window=7d", tok, NULL, NULL, t0 + 2001, &st, NULL);
    ck_assert_int_eq (st, 200);
    int64_t last = 0;
    ck_assert_int_eq (qs_time_parse (qs_json_str (b, "last_activity_at", ""), &last), 0);
    ck_assert_int_ge (last, t0 - 1000);
    json_object_put (b);
    json_object_put (a);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (validation_roles_quota)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *viewer = sbx_token ("user-acme-viewer", QS_SBX_ORG_PRO, "viewer", 600, SBX_SECRET);
    char *member = sbx_token ("user-acme-dev", QS_SBX_ORG_PRO, "member", 600, SBX_SECRET);
    char *hobby = sbx_token ("user-hobby", QS_SBX_ORG_FREE, "member", 600, SBX_SECRET);
    struct { const char *tok, *body; int status; const char *code; } cases[] = {
        {viewer, "{\"service_type\":\"redis\",\"name\":\"v\"}", 403, "forbidden"},
        {member, "not json", 400, "bad_request"},
        {member, "[1,2]", 400, "bad_request"},
        {member, "{\"service_type\":\"redis\",\"name\":\"x\",\"replicas\":\"two\"}", 400, "bad_request"},
        {member, "{\"service_type\":\"cassandra\",\"name\":\"x\"}", 422, "invalid_service_type"},
        {member, "{\"service_type\":\"redis\",\"name\":\"x\",\"tier\":\"huge\"}", 422, "invalid_tier"},
        {member, "{\"service_type\":\"redis\",\"name\":\"Bad Name\"}", 422, "invalid_name"},
        {member, "{\"service_type\":\"redis\",\"name\":\"x\",\"replicas\":0}", 422, "invalid_replicas"},
        {member, "{\"service_type\":\"redis\",\"name\":\"x\",\"tier\":\"xlarge\"}", 422, "tier_not_allowed"},
        {member, "{\"service_type\":\"redis\",\"name\":\"acme-cache\"}", 409, "name_taken"},
        {hobby, "{\"service_type\":\"redis\",\"name\":\"x\",\"high_availability\":true,\"tier\":\"nano\"}", 422, "ha_not_allowed"},
        {hobby, "{\"service_type\":\"redis\",\"name\":\"x\",\"tier\":\"medium\"}", 422, "tier_not_allowed"},
    };
    int st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_object *o = sbx_call (s, "POST", "/api/v1/services", NULL, cases[i].tok, cases[i].body, &st);
        ck_assert_msg (st == cases[i].status, "case %zu: %d", i, st);
        json_object *err = qs_json_get (o, "error", json_type_object);
        ck_assert_str_eq (qs_json_str (err, "code", ""), cases[i].code);
        ck_assert_ptr_nonnull (qs_json_str (err, "message", NULL));
        json_object_put (o);
    }
    /* free plan: 2 of 3 used; one more fits, the next is over quota */
    json_object *q = sbx_call (s, "GET", "/api/v1/quotas", NULL, hobby, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (q, "plan", ""), "free");
    ck_assert_int_eq (qs_json_int (q, "max_services", 0), 3);
    ck_assert_int_eq (qs_json_int (q, "used_services", 0), 2);
    ck_assert (!qs_json_bool (q, "ha_allowed", true));
    json_object_put (q);
    json_object *o = sbx_call (s, "POST", "/api/v1/services", NULL, hobby, "{\"service_type\":\"redis\",\"name\":\"third\",\"tier\":\"nano\"}", &st);
    ck_assert_int_eq (st, 201);
    json_object_put (o);
    o = sbx_call (s, "POST", "/api/v1/services", NULL, hobby, "{\"service_type\":\"redis\",\"name\":\"fourth\",\"tier\":\"nano\"}", &st);
    ck_assert_int_eq (st, 422);
    ck_assert_str_eq (qs_json_str (qs_json_get (o, "error", json_type_object), "code", ""), "quota_exceeded");
    json_object_put (o);
    free (viewer);
    free (member);
    free (hobby);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (patch_recomputes_and_delete)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *member = sbx_token ("user-globex-member", QS_SBX_ORG_ENTERPRISE, "member", 600, SBX_SECRET);
    char *admin = sbx_token ("user-globex-admin", QS_SBX_ORG_ENTERPRISE, "admin", 600, SBX_SECRET);
    int st;
    const char *path = "/api/v1/services/svc-globex-staging-db";
    json_object *o = sbx_call (s, "PATCH", path, NULL, member,
                               "{\"tier\":\"medium\",\"high_availability\":false,\"backup_enabled\":false,\"replicas\":2}", &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "tier", ""), "medium");
    ck_assert_double_eq_tol (qs_json_double (o, "monthly_cost", 0), 0.08 * 730 * 2, 1e-6);
    ck_assert_double_eq_tol (qs_json_double (o, "hourly_cost", 0), 0.16, 1e-9);
    json_object_put (o);
    o = sbx_call (s, "GET", "/apis/apps/v1/namespaces/qs-globex/statefulsets/globex-staging-db", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (qs_json_int (qs_json_get (o, "spec", json_type_object), "replicas", 0), 2);
    json_object_put (o);
    o = sbx_call (s, "PATCH", path, NULL, member, "{\"name\":\"renamed\"}", &st);
    ck_assert_int_eq (st, 422);
    json_object_put (o);
    o = sbx_call (s, "PATCH", path, NULL, member, "{\"tier\":\"gigantic\"}", &st);
    ck_assert_int_eq (st, 422);
    json_object_put (o);
    /* members may not delete; admins may; afterwards it is gone with its pods */
    o = sbx_call (s, "DELETE", path, NULL, member, NULL, &st);
    ck_assert_int_eq (st, 403);
    json_object_put (o);
    o = sbx_call (s, "DELETE", path, NULL, admin, NULL, &st);
    ck_assert_int_eq (st, 204);
    ck_assert_ptr_null (o);
    o = sbx_call (s, "GET", path, NULL, admin, NULL, &st);
    ck_assert_int_eq (st, 404);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/namespaces/qs-globex/pods", "labelSelector=quickspin.io/service-id=svc-globex-staging-db",
                  SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "items", json_type_array)), 0);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/namespaces/qs-globex/pods/globex-staging-db-0", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq (st, 404);
    json_object_put (o);
    free (member);
    free (admin);
    qs_sbx_server_destroy (&s);
}
END_TEST

static json_object *
s_metrics (qs_sbx_server_t *s, const char *tok, const char *id)
{
    char path[128];
    int st;
    snprintf (path, sizeof path, "/api/v1/services/%s/metrics", id);
    json_object *o = sbx_call (s, "GET", path, "window=7d", tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_str_eq (qs_json_str (o, "window", ""), "7d");
    return o;
}

static bool
s_logs_contain (qs_sbx_server_t *s, const char *tok, const char *id, const char *needle)
{
    char path[128];
    int st;
    snprintf (path, sizeof path, "/api/v1/services/%s/logs", id);
    json_object *o = sbx_call (s, "GET", path, "tail=50", tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    bool found = false;
    json_object *lines = qs_json_get (o, "lines", json_type_array);
    ck_assert_int_gt ((int) json_object_array_length (lines), 0);
    for (size_t i = 0; i < json_object_array_length (lines); i++) {
        json_object *l = json_object_array_get_idx (lines, i);
        ck_assert_ptr_nonnull (qs_json_str (l, "timestamp", NULL));
        ck_assert_ptr_nonnull (qs_json_str (l, "level", NULL));
        found = found || strstr (qs_json_str (l, "message", ""), needle);
    }
    json_object_put (o);
    return found;
}

START_TEST (scenario_metrics_and_logs)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *acme = sbx_token ("user-acme-dev", QS_SBX_ORG_PRO, "member", 600, SBX_SECRET);
    char *globex = sbx_token ("user-globex-member", QS_SBX_ORG_ENTERPRISE, "member", 600, SBX_SECRET);
    int64_t now = qs_now_ms (), last = 0;
    json_object *m = s_metrics (s, acme, "svc-acme-events");
    ck_assert (qs_json_double (qs_json_get (m, "disk_utilization", json_type_object), "max", 0) >= 0.97);
    json_object_put (m);
    ck_assert (s_logs_contain (s, acme, "svc-acme-events", "No space left on device"));
    m = s_metrics (s, acme, "svc-acme-users-db");
    json_object *c = qs_json_get (m, "connections", json_type_object);
    ck_assert_int_eq (qs_json_int (c, "max", -1), qs_json_int (c, "limit", -2));
    json_object_put (m);
    ck_assert (s_logs_contain (s, acme, "svc-acme-users-db", "too many clients already"));
    m = s_metrics (s, acme, "svc-acme-api-cache");
    ck_assert (qs_json_double (qs_json_get (m, "cpu_utilization", json_type_object), "p95", 0) > 0.9);
    json_object_put (m);
    m = s_metrics (s, acme, "svc-acme-sessions");
    ck_assert (qs_json_double (qs_json_get (m, "memory_utilization", json_type_object), "p95", 0) > 0.85);
    json_object_put (m);
    m = s_metrics (s, acme, "svc-acme-cache");
    ck_assert (qs_json_double (qs_json_get (m, "memory_utilization", json_type_object), "max", 0) >= 0.95);
    json_object_put (m);
    /* idle: no activity for > 7 days, created > 7 days ago */
    m = s_metrics (s, globex, "svc-globex-legacy-cache");
    ck_assert_int_eq (qs_time_parse (qs_json_str (m, "last_activity_at", ""), &last), 0);
    ck_assert (now - last > 7LL * 24 * 3600 * 1000);
    json_object_put (m);
    /* the new service: created < 7 days ago, never used, not idle */
    json_object *svc = sbx_call (s, "GET", "/api/v1/services/svc-globex-new-search", NULL, globex, NULL, &(int){0});
    int64_t created = 0;
    ck_assert_int_eq (qs_time_parse (qs_json_str (svc, "created_at", ""), &created), 0);
    ck_assert (now - created < 7LL * 24 * 3600 * 1000);
    json_object_put (svc);
    /* oversized: p95 cpu and memory under 0.3 on the largest tier */
    m = s_metrics (s, globex, "svc-globex-reporting-db");
    ck_assert (qs_json_double (qs_json_get (m, "cpu_utilization", json_type_object), "p95", 1) < 0.3);
    ck_assert (qs_json_double (qs_json_get (m, "memory_utilization", json_type_object), "p95", 1) < 0.3);
    json_object_put (m);
    /* busy: high use but not critical */
    m = s_metrics (s, globex, "svc-globex-stream");
    ck_assert (qs_json_double (qs_json_get (m, "cpu_utilization", json_type_object), "p95", 0) > 0.6);
    ck_assert (qs_json_double (qs_json_get (m, "requests_per_second", json_type_object), "avg", 0) > 1000);
    json_object_put (m);
    /* bad parameters */
    int st;
    m = sbx_call (s, "GET", "/api/v1/services/svc-acme-cache/metrics", "window=1y", acme, NULL, &st);
    ck_assert_int_eq (st, 400);
    json_object_put (m);
    m = sbx_call (s, "GET", "/api/v1/services/svc-acme-cache/logs", "tail=-3", acme, NULL, &st);
    ck_assert_int_eq (st, 400);
    json_object_put (m);
    m = sbx_call (s, "GET", "/api/v1/services/svc-acme-cache/logs", "tail=2", acme, NULL, &st);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (m, "lines", json_type_array)), 2);
    json_object_put (m);
    free (acme);
    free (globex);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (unknown_org_gets_token_plan)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *tok = sbx_token ("someone", "org-brand-new", "admin", 600, SBX_SECRET);
    int st;
    json_object *o = sbx_call (s, "GET", "/api/v1/services", NULL, tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_int_eq ((int) json_object_array_length (qs_json_get (o, "services", json_type_array)), 0);
    json_object_put (o);
    o = sbx_call (s, "GET", "/api/v1/pricing", NULL, tok, NULL, &st);
    ck_assert_int_eq (st, 200);
    ck_assert_int_eq (qs_json_int (o, "hours_per_month", 0), 730);
    json_object_put (o);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

START_TEST (tier_upgrade_rolls_pods_and_relieves_memory)
{
    qs_sbx_server_t *s = sbx_server (0);
    char *tok = sbx_token ("user-acme-dev", QS_SBX_ORG_PRO, "member", 600, SBX_SECRET);
    int st;
    json_object *m = s_metrics (s, tok, "svc-acme-cache");
    double before = qs_json_double (qs_json_get (m, "memory_utilization", json_type_object), "p95", 0);
    json_object_put (m);
    json_object *o = sbx_call (s, "PATCH", "/api/v1/services/svc-acme-cache", NULL, tok, "{\"tier\":\"large\"}", &st);
    ck_assert_int_eq (st, 200);
    ck_assert_double_eq_tol (qs_json_double (o, "monthly_cost", 0), 0.16 * 730, 1e-6);
    json_object_put (o);
    m = s_metrics (s, tok, "svc-acme-cache");
    ck_assert_double_eq_tol (qs_json_double (qs_json_get (m, "memory_utilization", json_type_object), "p95", 0),
                             before / 2, 1e-6);
    json_object_put (m);
    o = sbx_call (s, "GET", "/api/v1/namespaces/qs-acme/pods/acme-cache-0", NULL, SBX_K8S, NULL, &st);
    ck_assert_int_eq ((int) qs_json_int (qs_json_path (o, "status.containerStatuses.0"), "restartCount", -1), 0);
    ck_assert_str_eq (qs_json_str (qs_json_path (o, "spec.containers.0.resources.limits"), "memory", ""), "4096Mi");
    json_object_put (o);
    free (tok);
    qs_sbx_server_destroy (&s);
}
END_TEST

/*  Every seeded service: its pods carry its label in its namespace, one per
    replica, and the StatefulSet agrees; in-use services were active just now. */
START_TEST (seed_is_consistent)
{
    qs_sbx_server_t *s = sbx_server (0);
    const char *orgs[] = {QS_SBX_ORG_FREE, QS_SBX_ORG_PRO, QS_SBX_ORG_ENTERPRISE};
    int st, total = 0;
    int64_t now = qs_now_ms ();
    for (int i = 0; i < 3; i++) {
        char *tok = sbx_token ("u", orgs[i], "viewer", 600, SBX_SECRET);
        json_object *list = sbx_call (s, "GET", "/api/v1/services", NULL, tok, NULL, &st);
        json_object *arr = qs_json_get (list, "services", json_type_array);
        ck_assert_int_gt ((int) json_object_array_length (arr), 0);
        for (size_t k = 0; k < json_object_array_length (arr); k++) {
            json_object *svc = json_object_array_get_idx (arr, k);
            const char *id = qs_json_str (svc, "id", ""), *ns = qs_json_str (svc, "namespace", "");
            char path[160], q[160];
            snprintf (path, sizeof path, "/api/v1/namespaces/%s/pods", ns);
            snprintf (q, sizeof q, "labelSelector=quickspin.io/service-id=%s", id);
            json_object *pods = sbx_call (s, "GET", path, q, SBX_K8S, NULL, &st);
            ck_assert_int_eq (st, 200);
            ck_assert_int_eq ((int) json_object_array_length (qs_json_get (pods, "items", json_type_array)),
                              (int) qs_json_int (svc, "replicas", -1));
            json_object_put (pods);
            snprintf (path, sizeof path, "/apis/apps/v1/namespaces/%s/statefulsets/%s", ns, qs_json_str (svc, "name", ""));
            json_object *sts = sbx_call (s, "GET", path, NULL, SBX_K8S, NULL, &st);
            ck_assert_int_eq (st, 200);
            ck_assert_int_eq (qs_json_int (qs_json_path (sts, "spec"), "replicas", -1), qs_json_int (svc, "replicas", -2));
            json_object_put (sts);
            json_object *m = s_metrics (s, tok, id);
            int64_t last = 0, created = 0;
            ck_assert_int_eq (qs_time_parse (qs_json_str (m, "last_activity_at", ""), &last), 0);
            ck_assert_int_eq (qs_time_parse (qs_json_str (svc, "created_at", ""), &created), 0);
            ck_assert (last <= now + 1000 && last >= created);
            json_object_put (m);
            total++;
        }
        json_object_put (list);
        free (tok);
    }
    ck_assert_int_eq (total, 19);
    qs_sbx_server_destroy (&s);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("sbx_platform");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, unauthorized);
    tcase_add_test (tc, list_and_org_isolation);
    tcase_add_test (tc, provision_idempotent_then_running);
    tcase_add_test (tc, validation_roles_quota);
    tcase_add_test (tc, patch_recomputes_and_delete);
    tcase_add_test (tc, scenario_metrics_and_logs);
    tcase_add_test (tc, unknown_org_gets_token_plan);
    tcase_add_test (tc, tier_upgrade_rolls_pods_and_relieves_memory);
    tcase_add_test (tc, seed_is_consistent);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
