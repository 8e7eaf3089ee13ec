/*  qs_provision - see qs_provision.h */
#include "qs_provision.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *s_types[] = {"redis", "rabbitmq", "postgresql", "mongodb", "mysql", "kafka",
                                "elasticsearch", NULL};
/* Current stable major versions the platform offers; the user can name another. */
static const char *s_versions[] = {"7.2", "3.13", "16", "7.0", "8.0", "3.7", "8.13", NULL};

static int
s_type_index (const char *type)
{
    for (int i = 0; type && s_types[i]; i++)
        if (!strcmp (type, s_types[i]))
            return i;
    return -1;
}

static qs_node_rc_t
s_pricing (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    json_object *pricing = NULL, *quotas = NULL, *services = NULL;
    if (qs_json_get (state, "pricing", json_type_object))
        return QS_NODE_OK;
    qs_platform_t *p = qs_wf_platform (run->wf);
    if (qs_platform_pricing (p, &run->pctx, &pricing, err) != 0)
        return qs_wf_platform_rc (err);
    if (qs_platform_quotas (p, &run->pctx, &quotas, err) != 0) {
        json_object_put (pricing);
        return qs_wf_platform_rc (err);
    }
    if (qs_platform_list_services (p, &run->pctx, &services, err) != 0) {
        json_object_put (pricing);
        json_object_put (quotas);
        return qs_wf_platform_rc (err);
    }
    json_object_object_add (state, "pricing", pricing);
    json_object_object_add (state, "quotas", quotas);
    /* only names matter for clash checks: keep the checkpoint small */
    json_object *names = json_object_new_array ();
    for (size_t i = 0; i < json_object_array_length (services); i++)
        json_object_array_add (names, json_object_new_string (
            qs_json_str (json_object_array_get_idx (services, i), "name", "")));
    json_object_object_add (state, "existing_names", names);
    json_object_put (services);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_extract (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    json_object *body = json_object_new_object (), *reply = NULL;
    qs_json_add_str (body, "message", qs_json_str (state, "message", ""));
    json_object_object_add (body, "pricing", json_object_get (qs_json_get (state, "pricing", json_type_object)));
    json_object *ctx = qs_json_get (state, "context", json_type_array);
    if (ctx)
        json_object_object_add (body, "context", json_object_get (ctx));
    int rc = qs_wf_call (run, "intent", "extract", body, &reply, err);
    json_object_put (body);
    if (rc != 0)
        return err->status == 503 ? QS_NODE_RETRY : QS_NODE_FAIL;
    json_object *config = json_object_new_object ();
    /* earlier answers in this conversation first, then what this message says */
    json_object *prior = qs_json_get (state, "prior_config", json_type_object);
    if (prior) {
        json_object_object_foreach (prior, k, v)
            json_object_object_add (config, k, json_object_get (v));
    }
    json_object *found = qs_json_get (reply, "config", json_type_object);
    if (found) {
        json_object_object_foreach (found, k, v)
            if (v && !json_object_is_type (v, json_type_null))
                json_object_object_add (config, k, json_object_get (v));
    }
    json_object_object_add (state, "config", config);
    if (qs_json_get (reply, "memory_mb", json_type_int))
        qs_json_add_int (state, "memory_mb", qs_json_int (reply, "memory_mb", 0));
    json_object_put (reply);
    return QS_NODE_OK;
}

void
qs_provision_defaults (json_object *config, json_object *filled)
{
    const char *type = qs_json_str (config, "service_type", NULL);
    int ti = s_type_index (type);
    if (!qs_json_str (config, "name", NULL) && ti >= 0) {
        unsigned char r[2];
        char name[48];
        qs_random_bytes (r, sizeof r);
        snprintf (name, sizeof name, "%s-%02x%02x", type, r[0], r[1]);
        qs_json_add_str (config, "name", name);
        json_object_array_add (filled, json_object_new_string ("name"));
    }
    if (!qs_json_str (config, "version", NULL) && ti >= 0) {
        qs_json_add_str (config, "version", s_versions[ti]);
        json_object_array_add (filled, json_object_new_string ("version"));
    }
    if (!qs_json_str (config, "tier", NULL)) {
        qs_json_add_str (config, "tier", "small");
        json_object_array_add (filled, json_object_new_string ("tier"));
    }
    if (!qs_json_str (config, "region", NULL)) {
        qs_json_add_str (config, "region", "us-east-1");
        json_object_array_add (filled, json_object_new_string ("region"));
    }
    if (!qs_json_str (config, "environment", NULL)) {
        qs_json_add_str (config, "environment", "production");
        json_object_array_add (filled, json_object_new_string ("environment"));
    }
    bool production = !strcmp (qs_json_str (config, "environment", ""), "production");
    if (!qs_json_get (config, "high_availability", json_type_boolean)) {
        qs_json_add_bool (config, "high_availability", false);
        json_object_array_add (filled, json_object_new_string ("high_availability"));
    }
    if (!qs_json_get (config, "backup_enabled", json_type_boolean)) {
        /* production data deserves backups unless the user said otherwise */
        qs_json_add_bool (config, "backup_enabled", production);
        json_object_array_add (filled, json_object_new_string ("backup_enabled"));
    }
    if (!qs_json_get (config, "replicas", json_type_int)) {
        qs_json_add_int (config, "replicas", qs_json_bool (config, "high_availability", false) ? 2 : 1);
        json_object_array_add (filled, json_object_new_string ("replicas"));
    }
}

static qs_node_rc_t
s_defaults (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg; (void) err;
    json_object *config = qs_json_get (state, "config", json_type_object);
    json_object *missing = json_object_new_array ();
    if (s_type_index (qs_json_str (config, "service_type", NULL)) < 0)
        json_object_array_add (missing, json_object_new_string ("service_type"));
    json_object_object_add (state, "missing", missing);
    json_object *filled = json_object_new_array ();
    /* a size in MB maps onto the platform's tiers: the smallest that fits */
    int64_t mb = qs_json_int (state, "memory_mb", 0);
    if (!qs_json_str (config, "tier", NULL) && mb > 0) {
        const char *tier = qs_pricing_smallest_tier (qs_json_get (state, "pricing", json_type_object), mb);
        if (tier)
            qs_json_add_str (config, "tier", tier);
    }
    if (json_object_array_length (missing) == 0)
        qs_provision_defaults (config, filled);
    json_object_object_add (state, "defaults", filled);
    return QS_NODE_OK;
}

static const char *
s_after_defaults (json_object *state, void *arg)
{
    (void) arg;
    return json_object_array_length (qs_json_get (state, "missing", json_type_array)) ? NULL
                                                                                      : "validate";
}

static void
s_problem (json_object *problems, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_problem (json_object *problems, const char *fmt, ...)
{
    char text[300];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    json_object_array_add (problems, json_object_new_string (text));
}

static int
s_valid_name (const char *name)
{
    size_t n = strlen (name);
    if (n < 2 || n > 40 || !islower ((unsigned char) name[0]) || name[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower ((unsigned char) name[i]) && !isdigit ((unsigned char) name[i]) && name[i] != '-')
            return 0;
    return 1;
}

json_object *
qs_provision_validate (json_object *config, const qs_auth_t *auth, json_object *quotas,
                       json_object *pricing, json_object *existing)
{
    json_object *problems = json_object_new_array ();
    const char *name = qs_json_str (config, "name", "");
    const char *tier = qs_json_str (config, "tier", "");
    int64_t replicas = qs_json_int (config, "replicas", 1);
    bool ha = qs_json_bool (config, "high_availability", false);
    if (!qs_auth_can_execute (auth))
        s_problem (problems, "your role (viewer) can look but cannot create services: ask a member or admin of your organization");
    if (s_type_index (qs_json_str (config, "service_type", NULL)) < 0)
        s_problem (problems, "unknown service type '%s'", qs_json_str (config, "service_type", ""));
    if (!s_valid_name (name))
        s_problem (problems, "the name '%s' is not valid: 2-40 lowercase letters, digits and dashes, starting with a letter", name);
    for (size_t i = 0; existing && i < json_object_array_length (existing); i++)
        if (!strcmp (json_object_get_string (json_object_array_get_idx (existing, i)), name))
            s_problem (problems, "you already have a service named '%s'", name);
    if (!qs_json_get (qs_json_get (pricing, "tiers", json_type_object), tier, json_type_object))
        s_problem (problems, "tier '%s' is not offered (see /api/v1/pricing)", tier);
    if (replicas < 1 || replicas > 10)
        s_problem (problems, "replicas must be between 1 and 10 (asked for %lld)", (long long) replicas);
    if (ha && replicas < 2)
        s_problem (problems, "high availability needs at least 2 replicas");
    if (quotas) {
        int64_t max = qs_json_int (quotas, "max_services", -1), used = qs_json_int (quotas, "used_services", 0);
        const char *plan = qs_json_str (quotas, "plan", "current");
        if (max >= 0 && used >= max)
            s_problem (problems, "your %s plan allows %lld services and you already have %lld", plan,
                       (long long) max, (long long) used);
        const char *max_tier = qs_json_str (quotas, "max_tier", NULL);
        if (max_tier && qs_pricing_tier_rank (tier) > qs_pricing_tier_rank (max_tier))
            s_problem (problems, "your %s plan allows tiers up to %s, not %s", plan, max_tier, tier);
        if (ha && !qs_json_bool (quotas, "ha_allowed", true))
            s_problem (problems, "high availability is not included in your %s plan", plan);
    }
    json_object *out = json_object_new_object ();
    qs_json_add_bool (out, "ok", json_object_array_length (problems) == 0);
    json_object_object_add (out, "problems", problems);
    return out;
}

static qs_node_rc_t
s_validate (json_object *state, void *arg, qs_err_t *err)
{
    (void) err;
    qs_wf_run_t *run = arg;
    json_object *v = qs_provision_validate (qs_json_get (state, "config", json_type_object),
                                            run->pctx.auth, qs_json_get (state, "quotas", json_type_object),
                                            qs_json_get (state, "pricing", json_type_object),
                                            qs_json_get (state, "existing_names", json_type_array));
    json_object_object_add (state, "validation", v);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_estimate (json_object *state, void *arg, qs_err_t *err)
{
    (void) arg;
    qs_err_t ignored = {0};
    json_object *est = qs_pricing_estimate_json (qs_json_get (state, "pricing", json_type_object),
                                                 qs_json_get (state, "config", json_type_object), &ignored);
    if (est)
        json_object_object_add (state, "estimate", est);
    (void) err;
    return QS_NODE_OK;
}

static const char *
s_after_estimate (json_object *state, void *arg)
{
    (void) arg;
    return qs_json_bool (qs_json_get (state, "validation", json_type_object), "ok", false)
               && qs_json_get (state, "estimate", json_type_object)
               ? "confirm" : "report";
}

static qs_node_rc_t
s_confirm (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "action", json_type_object))
        return QS_NODE_INTERRUPT;           /* already planned: keep waiting */
    json_object *config = qs_json_get (state, "config", json_type_object);
    json_object *est = qs_json_get (state, "estimate", json_type_object);
    char summary[300];
    snprintf (summary, sizeof summary, "Create %s %s '%s' (%s, %lld replica%s%s%s) in %s for $%.2f/month",
              qs_json_str (config, "service_type", ""), qs_json_str (config, "version", ""),
              qs_json_str (config, "name", ""), qs_json_str (config, "tier", ""),
              (long long) qs_json_int (config, "replicas", 1),
              qs_json_int (config, "replicas", 1) == 1 ? "" : "s",
              qs_json_bool (config, "high_availability", false) ? ", HA" : "",
              qs_json_bool (config, "backup_enabled", false) ? ", backups" : "",
              qs_json_str (config, "region", ""), qs_json_double (est, "monthly_cost", 0));
    return qs_wf_propose (run, state, "provision_service", summary, config, est, "provision", err);
}

static const char *
s_after_confirm (json_object *state, void *arg)
{
    (void) arg;
    return !strcmp (qs_json_str (state, "decision", ""), "confirm") ? "execute" : "report";
}

static qs_node_rc_t
s_execute (json_object *state, void *arg, qs_err_t *err)
{
    qs_wf_run_t *run = arg;
    if (qs_json_get (state, "service", json_type_object))
        return QS_NODE_OK;                  /* recorded outcome: never twice */
    if (!qs_auth_can_execute (run->pctx.auth)) {
        qs_err_set (err, 403, "forbidden", "your role cannot create services");
        return QS_NODE_FAIL;
    }
    json_object *service = NULL;
    if (qs_platform_create_service (qs_wf_platform (run->wf), &run->pctx,
                                    qs_json_get (state, "config", json_type_object),
                                    qs_json_str (state, "idempotency_key", ""), &service, err) != 0) {
        qs_node_rc_t rc = qs_wf_platform_rc (err);
        if (rc == QS_NODE_FAIL)
            qs_json_add_str (state, "error", err->message);
        return rc;
    }
    json_object_object_add (state, "service", service);
    return QS_NODE_OK;
}

static qs_node_rc_t
s_report (json_object *state, void *arg, qs_err_t *err)
{
    (void) state; (void) arg; (void) err;
    return QS_NODE_OK;                      /* the answer is written from the state */
}

/* The provision workflow at a glance. */
static const qs_node_def_t s_nodes[] = {
    {.name = "pricing",  .fn = s_pricing,  .next = "extract", .max_attempts = 3},
    {.name = "extract",  .fn = s_extract,  .next = "defaults", .max_attempts = 2},
    {.name = "defaults", .fn = s_defaults, .route = s_after_defaults},
    {.name = "validate", .fn = s_validate, .next = "estimate"},
    {.name = "estimate", .fn = s_estimate, .route = s_after_estimate},
    {.name = "confirm",  .fn = s_confirm,  .resume = "decide", .max_attempts = 2},
    {.name = "decide",   .fn = s_report,   .route = s_after_confirm},
    {.name = "execute",  .fn = s_execute,  .next = "report", .max_attempts = 3},
    {.name = "report",   .fn = s_report},
};
static const qs_graph_def_t s_graph = {"provision", "pricing", s_nodes,
                                       sizeof s_nodes / sizeof s_nodes[0]};

const qs_graph_def_t *
qs_provision_graph (void)
{
    return &s_graph;
}
