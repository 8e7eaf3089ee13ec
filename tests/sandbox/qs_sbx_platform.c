/*  qs_sbx_platform - see qs_sbx_platform.h */
#include "qs_sbx_platform.h"
#include "qs_sbx_jwt.h"
#include "qs_sbx_pricing.h"
#include "qs_sbx_scenario.h"
#include "qs_sbx_seed.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_PREFIX "/api/v1/services"

static const char *s_envs[] = {"production", "staging", "development", NULL};

static bool
s_in (const char *value, const char **list)
{
    for (int i = 0; value && list[i]; i++)
        if (!strcmp (value, list[i]))
            return true;
    return false;
}

json_object *
qs_sbx_platform_service_json (const qs_sbx_service_t *svc)
{
    json_object *o = json_object_new_object ();
    double monthly = qs_sbx_monthly_cost (svc->tier, svc->replicas, svc->high_availability,
                                          svc->backup_enabled);
    char when[40];
    json_object_object_add (o, "id", json_object_new_string (svc->id));
    json_object_object_add (o, "name", json_object_new_string (svc->name));
    json_object_object_add (o, "service_type", json_object_new_string (svc->service_type));
    json_object_object_add (o, "tier", json_object_new_string (svc->tier));
    json_object_object_add (o, "version", json_object_new_string (svc->version));
    json_object_object_add (o, "region", json_object_new_string (svc->region));
    json_object_object_add (o, "status", json_object_new_string (svc->status));
    json_object_object_add (o, "replicas", json_object_new_int (svc->replicas));
    json_object_object_add (o, "high_availability", json_object_new_boolean (svc->high_availability));
    json_object_object_add (o, "backup_enabled", json_object_new_boolean (svc->backup_enabled));
    json_object_object_add (o, "environment", json_object_new_string (svc->environment));
    json_object_object_add (o, "created_at",
                            json_object_new_string (qs_time_rfc3339 (svc->created_ms, when, sizeof when)));
    json_object_object_add (o, "hourly_cost", qs_sbx_json_num (monthly / QS_SBX_HOURS_PER_MONTH));
    json_object_object_add (o, "monthly_cost", qs_sbx_json_num (monthly));
    json_object_object_add (o, "namespace", json_object_new_string (svc->namespace_));
    json_object *conn = json_object_new_object ();
    char host[192], uri[384];
    const char *user = qs_sbx_service_type_user (svc->service_type);
    int port = qs_sbx_service_type_port (svc->service_type);
    snprintf (host, sizeof host, "%s.%s.svc.cluster.local", svc->name, svc->namespace_);
    json_object_object_add (conn, "host", json_object_new_string (host));
    json_object_object_add (conn, "port", json_object_new_int (port));
    json_object_object_add (conn, "username", json_object_new_string (user));
    if (qs_sbx_service_type_has_db (svc->service_type)) {
        json_object_object_add (conn, "database", json_object_new_string ("app"));
        snprintf (uri, sizeof uri, "%s://%s@%s:%d/app", qs_sbx_service_type_scheme (svc->service_type),
                  user, host, port);
    }
    else
        snprintf (uri, sizeof uri, "%s://%s@%s:%d", qs_sbx_service_type_scheme (svc->service_type),
                  user, host, port);
    json_object_object_add (conn, "uri", json_object_new_string (uri));
    json_object_object_add (o, "connection", conn);
    return o;
}

static uint64_t
s_hash (const char *text)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *) text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static bool
s_name_valid (const char *name)
{
    size_t n = strlen (name);
    if (n < 1 || n > 40 || name[0] < 'a' || name[0] > 'z' || name[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
            return false;
    return true;
}

/*  Type-check an optional field: 0 absent, 1 present and right, -1 wrong type. */
static int
s_field (json_object *body, const char *key, json_type type, json_object **out)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex (body, key, &v) || !v)
        return 0;
    if (!json_object_is_type (v, type))
        return -1;
    *out = v;
    return 1;
}

/*  Validate tier/replicas/ha/backups against the pricing table and the plan;
    shared by POST and PATCH. Returns 0 or fills resp and returns -1. */
static int
s_check_limits (const qs_sbx_plan_t *plan, const char *tier, int replicas, bool ha,
                const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    if (qs_sbx_tier_index (tier) < 0)
        return qs_sbx_resp_error (resp, 422, "invalid_tier", req->request_id,
                                  "unknown tier '%s' (nano|micro|small|medium|large|xlarge)", tier), -1;
    if (replicas < 1 || replicas > QS_SBX_MAX_REPLICAS)
        return qs_sbx_resp_error (resp, 422, "invalid_replicas", req->request_id,
                                  "replicas must be between 1 and %d", QS_SBX_MAX_REPLICAS), -1;
    if (qs_sbx_tier_index (tier) > qs_sbx_tier_index (plan->max_tier))
        return qs_sbx_resp_error (resp, 422, "tier_not_allowed", req->request_id,
                                  "the %s plan allows tiers up to %s", plan->plan, plan->max_tier), -1;
    if (ha && !plan->ha_allowed)
        return qs_sbx_resp_error (resp, 422, "ha_not_allowed", req->request_id,
                                  "high availability is not available on the %s plan", plan->plan), -1;
    return 0;
}

static void
s_create (qs_sbx_world_t *world, const qs_auth_t *auth, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    json_object *body = NULL, *out = NULL;
    const char *why = NULL;
    if (!qs_auth_can_execute (auth)) {
        qs_sbx_resp_error (resp, 403, "forbidden", req->request_id, "viewers cannot provision services");
        goto cleanup;
    }
    body = req->body && req->body_len ? qs_json_parse (req->body, req->body_len, &why) : NULL;
    if (!body || !json_object_is_type (body, json_type_object)) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id, "the body must be a JSON object");
        goto cleanup;
    }
    json_object *f_type, *f_name, *f_tier, *f_ver, *f_region, *f_rep, *f_ha, *f_bak, *f_env;
    if (s_field (body, "service_type", json_type_string, &f_type) < 0
        || s_field (body, "name", json_type_string, &f_name) < 0
        || s_field (body, "tier", json_type_string, &f_tier) < 0
        || s_field (body, "version", json_type_string, &f_ver) < 0
        || s_field (body, "region", json_type_string, &f_region) < 0
        || s_field (body, "replicas", json_type_int, &f_rep) < 0
        || s_field (body, "high_availability", json_type_boolean, &f_ha) < 0
        || s_field (body, "backup_enabled", json_type_boolean, &f_bak) < 0
        || s_field (body, "environment", json_type_string, &f_env) < 0) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id,
                           "a ServiceConfig field has the wrong JSON type");
        goto cleanup;
    }
    const char *type = f_type ? json_object_get_string (f_type) : NULL;
    const char *name = f_name ? json_object_get_string (f_name) : NULL;
    const char *tier = f_tier ? json_object_get_string (f_tier) : "small";
    const char *env = f_env ? json_object_get_string (f_env) : "development";
    int64_t replicas = f_rep ? json_object_get_int64 (f_rep) : 1;
    bool ha = f_ha && json_object_get_boolean (f_ha);
    bool backups = f_bak && json_object_get_boolean (f_bak);
    if (!qs_sbx_service_type_valid (type)) {
        qs_sbx_resp_error (resp, 422, "invalid_service_type", req->request_id,
                           "service_type must be one of redis, rabbitmq, postgresql, mongodb, mysql, kafka, elasticsearch");
        goto cleanup;
    }
    if (!name || !s_name_valid (name)) {
        qs_sbx_resp_error (resp, 422, "invalid_name", req->request_id,
                           "name must be 1-40 characters of a-z, 0-9 and '-', starting with a letter");
        goto cleanup;
    }
    if (!s_in (env, s_envs)) {
        qs_sbx_resp_error (resp, 422, "invalid_environment", req->request_id,
                           "environment must be production, staging or development");
        goto cleanup;
    }
    qs_sbx_org_t *org = qs_sbx_world_org (world, auth->org_id, auth->tier);
    if (!org) {
        qs_sbx_resp_error (resp, 500, "internal_error", req->request_id, "out of memory");
        goto cleanup;
    }
    const qs_sbx_plan_t *plan = qs_sbx_plan_find (org->plan);
    uint64_t hash = s_hash (json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN));
    const char *key = req->idempotency_key && *req->idempotency_key ? req->idempotency_key : NULL;
    if (key && strlen (key) > 127) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id,
                           "Idempotency-Key is limited to 127 characters");
        goto cleanup;
    }
    if (key) {
        uint64_t prev_hash = 0;
        char prev_id[48];
        if (qs_sbx_world_idem_find (world, auth->org_id, key, &prev_hash, prev_id, sizeof prev_id)) {
            qs_sbx_service_t *prev = qs_sbx_world_find (world, prev_id);
            if (prev_hash != hash)
                qs_sbx_resp_error (resp, 409, "idempotency_conflict", req->request_id,
                                   "this Idempotency-Key was used with a different body");
            else if (!prev || strcmp (prev->org_id, auth->org_id) != 0)
                qs_sbx_resp_error (resp, 409, "idempotency_conflict", req->request_id,
                                   "the service created with this Idempotency-Key was deleted");
            else {
                out = qs_sbx_platform_service_json (prev);
                qs_sbx_resp_json (resp, 200, &out);
                qs_strlcpy (resp->extra_header, "Idempotent-Replayed: true", sizeof resp->extra_header);
            }
            goto cleanup;
        }
    }
    if (s_check_limits (plan, tier, (int) (replicas > 1000 ? 1000 : replicas < -1 ? -1 : replicas),
                        ha, req, resp) != 0)
        goto cleanup;
    if (qs_sbx_world_find_name (world, auth->org_id, name)) {
        qs_sbx_resp_error (resp, 409, "name_taken", req->request_id,
                           "a service named '%s' already exists", name);
        goto cleanup;
    }
    if (qs_sbx_world_count_org (world, auth->org_id) >= plan->max_services) {
        qs_sbx_resp_error (resp, 422, "quota_exceeded", req->request_id,
                           "the %s plan allows %d services", plan->plan, plan->max_services);
        goto cleanup;
    }
    qs_sbx_service_t svc;
    memset (&svc, 0, sizeof svc);
    unsigned char rnd[8] = {0};
    qs_random_bytes (rnd, sizeof rnd);
    snprintf (svc.id, sizeof svc.id, "svc-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
              rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    qs_strlcpy (svc.org_id, auth->org_id, sizeof svc.org_id);
    qs_strlcpy (svc.name, name, sizeof svc.name);
    qs_strlcpy (svc.service_type, type, sizeof svc.service_type);
    qs_strlcpy (svc.tier, tier, sizeof svc.tier);
    qs_strlcpy (svc.version, f_ver ? json_object_get_string (f_ver) : qs_sbx_service_type_version (type),
                sizeof svc.version);
    qs_strlcpy (svc.region, f_region ? json_object_get_string (f_region) : "us-east-1", sizeof svc.region);
    qs_strlcpy (svc.status, "provisioning", sizeof svc.status);
    svc.replicas = (int) replicas;
    svc.high_availability = ha;
    svc.backup_enabled = backups;
    qs_strlcpy (svc.environment, env, sizeof svc.environment);
    svc.created_ms = req->now_ms;
    svc.ready_at_ms = req->now_ms + qs_sbx_world_provision_delay_ms (world);
    qs_sbx_seed_namespace (auth->org_id, svc.namespace_, sizeof svc.namespace_);
    svc.scenario = QS_SBX_SC_NEW;
    qs_sbx_scenario_metrics (QS_SBX_SC_NEW, svc.created_ms, req->now_ms, &svc.metrics);
    qs_sbx_service_t *stored = qs_sbx_world_add (world, &svc, req->now_ms);
    if (!stored || (key && qs_sbx_world_idem_add (world, auth->org_id, key, hash, svc.id) != 0)) {
        if (stored)
            qs_sbx_world_remove (world, svc.id);
        qs_sbx_resp_error (resp, 500, "internal_error", req->request_id, "out of memory");
        goto cleanup;
    }
    qs_info (req->request_id, "provisioning service id=%s org=%s type=%s tier=%s", svc.id,
             auth->org_id, type, tier);
    out = qs_sbx_platform_service_json (stored);
    qs_sbx_resp_json (resp, 201, &out);
cleanup:
    json_object_put (body);
    json_object_put (out);
}

static double
s_clamp (double v)
{
    return v > 1.0 ? 1.0 : v;
}

/*  The same load on a different tier: utilisation scales with capacity. */
static void
s_rescale (qs_sbx_service_t *svc, const char *new_tier)
{
    const qs_sbx_tier_t *from = qs_sbx_tier_find (svc->tier), *to = qs_sbx_tier_find (new_tier);
    if (!from || !to)
        return;
    double c = from->vcpu / to->vcpu, m = (double) from->memory_mb / to->memory_mb;
    qs_sbx_metrics_t *x = &svc->metrics;
    x->cpu_avg = s_clamp (x->cpu_avg * c);
    x->cpu_p95 = s_clamp (x->cpu_p95 * c);
    x->cpu_max = s_clamp (x->cpu_max * c);
    x->mem_avg = s_clamp (x->mem_avg * m);
    x->mem_p95 = s_clamp (x->mem_p95 * m);
    x->mem_max = s_clamp (x->mem_max * m);
}

static void
s_patch (qs_sbx_world_t *world, const qs_auth_t *auth, qs_sbx_service_t *svc,
         const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    json_object *body = NULL, *out = NULL;
    const char *why = NULL;
    if (!qs_auth_can_execute (auth)) {
        qs_sbx_resp_error (resp, 403, "forbidden", req->request_id, "viewers cannot change services");
        goto cleanup;
    }
    body = req->body && req->body_len ? qs_json_parse (req->body, req->body_len, &why) : NULL;
    if (!body || !json_object_is_type (body, json_type_object)) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id, "the body must be a JSON object");
        goto cleanup;
    }
    json_object_object_foreach (body, k, v) {
        (void) v;
        if (strcmp (k, "tier") && strcmp (k, "replicas") && strcmp (k, "high_availability")
            && strcmp (k, "backup_enabled")) {
            qs_sbx_resp_error (resp, 422, "unsupported_field", req->request_id,
                               "only tier, replicas, high_availability and backup_enabled can change");
            goto cleanup;
        }
    }
    json_object *f_tier, *f_rep, *f_ha, *f_bak;
    if (s_field (body, "tier", json_type_string, &f_tier) < 0
        || s_field (body, "replicas", json_type_int, &f_rep) < 0
        || s_field (body, "high_availability", json_type_boolean, &f_ha) < 0
        || s_field (body, "backup_enabled", json_type_boolean, &f_bak) < 0) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id, "a field has the wrong JSON type");
        goto cleanup;
    }
    if (!strcmp (svc->status, "provisioning")) {
        qs_sbx_resp_error (resp, 409, "service_busy", req->request_id,
                           "the service is still provisioning");
        goto cleanup;
    }
    const char *tier = f_tier ? json_object_get_string (f_tier) : svc->tier;
    int64_t replicas = f_rep ? json_object_get_int64 (f_rep) : svc->replicas;
    bool ha = f_ha ? json_object_get_boolean (f_ha) : svc->high_availability;
    qs_sbx_org_t *org = qs_sbx_world_org (world, auth->org_id, auth->tier);
    const qs_sbx_plan_t *plan = qs_sbx_plan_find (org ? org->plan : "free");
    /* a seeded service may sit above its plan; only a raise is refused */
    const qs_sbx_plan_t relaxed = {plan->plan, plan->max_services,
                                   qs_sbx_tier_index (svc->tier) > qs_sbx_tier_index (plan->max_tier)
                                       ? svc->tier : plan->max_tier,
                                   plan->ha_allowed || svc->high_availability};
    if (s_check_limits (&relaxed, tier, (int) (replicas > 1000 ? 1000 : replicas < -1 ? -1 : replicas),
                        ha, req, resp) != 0)
        goto cleanup;
    bool new_tier = strcmp (tier, svc->tier) != 0;
    if (new_tier)
        s_rescale (svc, tier);
    qs_strlcpy (svc->tier, tier, sizeof svc->tier);
    svc->replicas = (int) replicas;
    svc->high_availability = ha;
    if (f_bak)
        svc->backup_enabled = json_object_get_boolean (f_bak);
    svc->generation++;
    qs_sbx_world_resize (svc, req->now_ms);
    /* new resources roll every pod, as a StatefulSet update would */
    for (int i = 0; new_tier && i < svc->npods; i++)
        qs_sbx_world_restart_pod (svc, &svc->pods[i], req->now_ms);
    qs_info (req->request_id, "patched service id=%s tier=%s replicas=%d ha=%d backups=%d", svc->id,
             svc->tier, svc->replicas, svc->high_availability, svc->backup_enabled);
    out = qs_sbx_platform_service_json (svc);
    qs_sbx_resp_json (resp, 200, &out);
cleanup:
    json_object_put (body);
    json_object_put (out);
}

static void
s_metrics (const qs_sbx_service_t *svc, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char window[16] = "7d";
    qs_sbx_query_get (req->query, "window", window, sizeof window);
    static const char *windows[] = {"1h", "24h", "7d", "30d", NULL};
    if (!s_in (window, windows)) {
        qs_sbx_resp_error (resp, 400, "bad_request", req->request_id, "window must be 1h, 24h, 7d or 30d");
        return;
    }
    const qs_sbx_metrics_t *m = &svc->metrics;
    json_object *o = json_object_new_object (), *x;
    char when[40];
    json_object_object_add (o, "window", json_object_new_string (window));
    x = json_object_new_object ();
    json_object_object_add (x, "avg", qs_sbx_json_num (m->cpu_avg));
    json_object_object_add (x, "p95", qs_sbx_json_num (m->cpu_p95));
    json_object_object_add (x, "max", qs_sbx_json_num (m->cpu_max));
    json_object_object_add (o, "cpu_utilization", x);
    x = json_object_new_object ();
    json_object_object_add (x, "avg", qs_sbx_json_num (m->mem_avg));
    json_object_object_add (x, "p95", qs_sbx_json_num (m->mem_p95));
    json_object_object_add (x, "max", qs_sbx_json_num (m->mem_max));
    json_object_object_add (o, "memory_utilization", x);
    x = json_object_new_object ();
    json_object_object_add (x, "avg", qs_sbx_json_num (m->conn_avg));
    json_object_object_add (x, "max", json_object_new_int (m->conn_max));
    json_object_object_add (x, "limit", json_object_new_int (m->conn_limit));
    json_object_object_add (o, "connections", x);
    x = json_object_new_object ();
    json_object_object_add (x, "avg", qs_sbx_json_num (m->disk_avg));
    json_object_object_add (x, "max", qs_sbx_json_num (m->disk_max));
    json_object_object_add (o, "disk_utilization", x);
    x = json_object_new_object ();
    json_object_object_add (x, "avg", qs_sbx_json_num (m->rps_avg));
    json_object_object_add (o, "requests_per_second", x);
    int64_t last = m->last_activity_ms ? m->last_activity_ms : req->now_ms - 2 * 60 * 1000;
    json_object_object_add (o, "last_activity_at",
                            json_object_new_string (qs_time_rfc3339 (last, when, sizeof when)));
    qs_sbx_resp_json (resp, 200, &o);
}

static void
s_logs (const qs_sbx_service_t *svc, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    char text[16];
    long tail = 100;
    if (qs_sbx_query_get (req->query, "tail", text, sizeof text)) {
        char *end = NULL;
        tail = strtol (text, &end, 10);
        if (!*text || *end || tail < 1 || tail > 1000) {
            qs_sbx_resp_error (resp, 400, "bad_request", req->request_id, "tail must be 1..1000");
            return;
        }
    }
    json_object *o = qs_sbx_scenario_logs (svc, (int) tail, req->now_ms);
    qs_sbx_resp_json (resp, 200, &o);
}

static void
s_quotas (qs_sbx_world_t *world, const qs_auth_t *auth, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    qs_sbx_org_t *org = qs_sbx_world_org (world, auth->org_id, auth->tier);
    const qs_sbx_plan_t *plan = qs_sbx_plan_find (org ? org->plan : "free");
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "plan", json_object_new_string (plan->plan));
    json_object_object_add (o, "max_services", json_object_new_int (plan->max_services));
    json_object_object_add (o, "used_services", json_object_new_int (qs_sbx_world_count_org (world, auth->org_id)));
    json_object_object_add (o, "max_tier", json_object_new_string (plan->max_tier));
    json_object_object_add (o, "ha_allowed", json_object_new_boolean (plan->ha_allowed));
    (void) req;
    qs_sbx_resp_json (resp, 200, &o);
}

static void
s_list (qs_sbx_world_t *world, const qs_auth_t *auth, qs_sbx_resp_t *resp)
{
    json_object *o = json_object_new_object ();
    json_object *arr = json_object_new_array ();
    for (int i = 0; i < qs_sbx_world_count (world); i++) {
        const qs_sbx_service_t *svc = qs_sbx_world_at (world, i);
        if (!strcmp (svc->org_id, auth->org_id))
            json_object_array_add (arr, qs_sbx_platform_service_json (svc));
    }
    json_object_object_add (o, "services", arr);
    qs_sbx_resp_json (resp, 200, &o);
}

static void
s_route (qs_sbx_world_t *world, const qs_auth_t *auth, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    const char *m = req->method;
    const char *p = req->path;
    if (!strcmp (p, "/api/v1/pricing") && !strcmp (m, "GET")) {
        json_object *o = qs_sbx_pricing_json ();
        qs_sbx_resp_json (resp, 200, &o);
        return;
    }
    if (!strcmp (p, "/api/v1/quotas") && !strcmp (m, "GET")) {
        s_quotas (world, auth, req, resp);
        return;
    }
    if (!strcmp (p, S_PREFIX) || !strcmp (p, S_PREFIX "/")) {
        if (!strcmp (m, "GET"))
            s_list (world, auth, resp);
        else if (!strcmp (m, "POST"))
            s_create (world, auth, req, resp);
        else
            qs_sbx_resp_error (resp, 405, "method_not_allowed", req->request_id, "use GET or POST");
        return;
    }
    if (strncmp (p, S_PREFIX "/", sizeof S_PREFIX) != 0) {
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id, "no such route");
        return;
    }
    char id[64], sub[32] = "";
    const char *rest = p + sizeof S_PREFIX;
    const char *slash = strchr (rest, '/');
    size_t idlen = slash ? (size_t) (slash - rest) : strlen (rest);
    if (idlen == 0 || idlen >= sizeof id) {
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id, "service not found");
        return;
    }
    memcpy (id, rest, idlen);
    id[idlen] = '\0';
    if (slash)
        qs_strlcpy (sub, slash + 1, sizeof sub);
    qs_sbx_service_t *svc = qs_sbx_world_find (world, id);
    /* another org's service is indistinguishable from a missing one */
    if (!svc || strcmp (svc->org_id, auth->org_id) != 0) {
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id, "service not found");
        return;
    }
    if (!*sub && !strcmp (m, "GET")) {
        json_object *o = qs_sbx_platform_service_json (svc);
        qs_sbx_resp_json (resp, 200, &o);
    }
    else if (!*sub && !strcmp (m, "PATCH"))
        s_patch (world, auth, svc, req, resp);
    else if (!*sub && !strcmp (m, "DELETE")) {
        if (!qs_auth_is_admin (auth)) {
            qs_sbx_resp_error (resp, 403, "forbidden", req->request_id, "only admins delete services");
            return;
        }
        qs_info (req->request_id, "deleted service id=%s org=%s", svc->id, svc->org_id);
        qs_sbx_world_remove (world, id);
        qs_sbx_resp_text (resp, 204, "application/json", "", 0);
    }
    else if (!strcmp (sub, "metrics") && !strcmp (m, "GET"))
        s_metrics (svc, req, resp);
    else if (!strcmp (sub, "logs") && !strcmp (m, "GET"))
        s_logs (svc, req, resp);
    else if (!*sub || !strcmp (sub, "metrics") || !strcmp (sub, "logs"))
        qs_sbx_resp_error (resp, 405, "method_not_allowed", req->request_id, "method not allowed here");
    else
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id, "no such route");
}

void
qs_sbx_platform_handle (qs_sbx_world_t *world, const char *secret, const qs_sbx_req_t *req,
                        qs_sbx_resp_t *resp)
{
    qs_auth_t auth;
    qs_err_t err;
    qs_err_clear (&err);
    if (qs_sbx_jwt_verify (req->authorization, secret, req->now_ms / 1000, &auth, &err) != 0) {
        qs_sbx_resp_error (resp, 401, "unauthorized", req->request_id, "%s", err.message);
        return;
    }
    qs_sbx_world_lock (world);
    qs_sbx_world_tick (world, req->now_ms);
    s_route (world, &auth, req, resp);
    qs_sbx_world_unlock (world);
}
