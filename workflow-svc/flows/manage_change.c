/*  qs_manage - see qs_manage.h */
#include "qs_manage.h"
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
qs_change_clear (qs_change_t *c)
{
    json_object_put (c->change);
    memset (c, 0, sizeof *c);
    qs_config_init (&c->after);
}

static int
s_refuse (char *why, size_t size, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static int
s_refuse (char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (why, size, fmt, ap);
    va_end (ap);
    return 1;
}

static int
s_out_of_range (char *why, size_t size, int replicas, const char *name)
{
    return s_refuse (why, size, "A service has 1 to %d replicas; %d is outside that range, so **%s** "
                     "stays as it is.", QS_MANAGE_MAX_REPLICAS, replicas, name);
}

/*  The monthly cost of service with fields (lent, may be NULL) changed,
    by the contract's formula (qs_pricing). */
static double
s_cost (json_object *pricing, json_object *service, json_object *fields)
{
    json_object *c = json_object_new_object ();
    static const char *keys[] = {"tier", "replicas", "high_availability", "backup_enabled", NULL};
    for (int i = 0; keys[i]; i++) {
        json_object *v = NULL;
        if (!(fields && json_object_object_get_ex (fields, keys[i], &v)))
            json_object_object_get_ex (service, keys[i], &v);
        json_object_object_add (c, keys[i], json_object_get (v));
    }
    double hourly = 0, monthly = 0;
    if (qs_pricing_estimate (pricing, c, &hourly, &monthly, NULL) != 0)
        monthly = qs_json_double (service, "monthly_cost", 0);
    json_object_put (c);
    return monthly;
}

json_object *
qs_manage_change_json (json_object *service, json_object *fields, bool delete, json_object *pricing)
{
    json_object *change = json_object_new_object (), *before = json_object_new_object ();
    json_object *after = delete ? json_object_new_object () : json_object_get (fields);
    if (delete) {
        qs_json_add_str (before, "status", qs_json_str (service, "status", "running"));
        qs_json_add_str (after, "status", "deleted");
    }
    else {
        json_object_object_foreach (after, k, v) {
            (void) v;
            json_object *cur = NULL;
            if (json_object_object_get_ex (service, k, &cur))
                json_object_object_add (before, k, json_object_get (cur));
        }
    }
    json_object_object_add (change, "before", before);
    json_object_object_add (change, "after", after);
    qs_json_add_double (change, "monthly_cost_before", s_cost (pricing, service, NULL));
    qs_json_add_double (change, "monthly_cost_after", delete ? 0.0 : s_cost (pricing, service, after));
    return change;
}

static void
s_start (qs_change_t *c, const char *type, json_object *service)
{
    qs_change_clear (c);
    qs_strlcpy (c->type, type, sizeof c->type);
    qs_strlcpy (c->service_id, qs_json_str (service, "id", ""), sizeof c->service_id);
    qs_strlcpy (c->service_name, qs_json_str (service, "name", c->service_id), sizeof c->service_name);
}

static const char *
s_on (int v)
{
    return v ? "on" : "off";
}

/*  The fields op asks for on top of base (replicas, tier, ha, backups in
    want); 0, or 1 with why when the request cannot be read. */
static int
s_want (const qs_dlg_op_t *op, json_object *service, qs_config_t *want, char *why, size_t size)
{
    const char *name = qs_json_str (service, "name", "the service");
    int replicas = want->replicas ? want->replicas : (int) qs_json_int (service, "replicas", 1);
    const char *tier = *want->tier ? want->tier : qs_json_str (service, "tier", "");
    if (!strcmp (op->op, "scale")) {
        int to = op->replicas ? op->replicas
               : op->delta ? replicas + op->delta
               : op->direction ? replicas + op->direction : 0;
        if (!op->replicas && !op->delta && !op->direction)
            return s_refuse (why, size, "How many replicas should **%s** have? It has %d now.", name, replicas);
        if (to < 1 || to > QS_MANAGE_MAX_REPLICAS)
            return s_out_of_range (why, size, to, name);
        want->replicas = to;
    }
    else if (!strcmp (op->op, "tier")) {
        if (*op->tier)
            qs_strlcpy (want->tier, op->tier, sizeof want->tier);
        else if (op->direction) {
            const char *to = qs_pricing_tier_name (qs_pricing_tier_rank (tier) + op->direction);
            if (!to)
                return s_refuse (why, size, "**%s** is already on the %s tier (%s).", name,
                                 op->direction > 0 ? "largest" : "smallest", tier);
            qs_strlcpy (want->tier, to, sizeof want->tier);
        }
        else
            return s_refuse (why, size, "Which tier should **%s** move to? It is on %s now.", name, tier);
    }
    else if (!strcmp (op->op, "ha"))
        want->ha = op->enabled != 0;
    else if (!strcmp (op->op, "backups"))
        want->backups = op->enabled != 0;
    else if (*op->op)
        return s_refuse (why, size, "I cannot %s a service that way.", op->op);
    if (!want->replicas && !*want->tier && want->ha < 0 && want->backups < 0)
        return s_refuse (why, size, "What should change on **%s**? I can scale its replicas, change its "
                         "tier, turn high availability or backups on or off, restart its failing pod "
                         "or delete it.", name);
    return 0;
}

/*  What a plan changes and what it asks for that already is so. */
typedef struct {
    json_object *after;         /* the fields that change */
    char diff[240];             /* "replicas 1 -> 3, HA off -> on" */
    char same[240];             /* "already has 3 replicas; it has HA on already" */
} s_diff_t;

static void
s_note (char *buf, size_t size, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

static void
s_note (char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen (buf);
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (buf + n, size - n, fmt, ap);
    va_end (ap);
}

/*  A switch (HA, backups) the user asked for (want -1 = not asked). */
static void
s_switch (s_diff_t *d, const char *key, const char *label, int want, bool cur, int *out)
{
    if (want < 0)
        return;
    if (want == cur) {
        s_note (d->same, sizeof d->same, "%shas %s %s already", *d->same ? "; it " : "", label, s_on (cur));
        return;
    }
    qs_json_add_bool (d->after, key, want);
    *out = want;
    s_note (d->diff, sizeof d->diff, "%s%s %s -> %s", *d->diff ? ", " : "", label, s_on (cur), s_on (want));
}

int
qs_manage_plan (const qs_dlg_op_t *op, const qs_config_t *base, json_object *service,
                const qs_auth_t *auth, json_object *quotas, json_object *pricing, qs_change_t *c,
                char *why, size_t size)
{
    const char *name = qs_json_str (service, "name", "the service");
    bool delete = !strcmp (op->op, "delete");
    s_start (c, delete ? "delete_service" : "update_service", service);
    if (!qs_auth_can_execute (auth))
        return s_refuse (why, size, "Your role (viewer) can look at **%s** but cannot change it: ask a "
                         "member or admin of your organization.", name);
    if (delete) {
        if (!qs_auth_is_admin (auth))
            return s_refuse (why, size, "Your role (member) cannot delete services, only an admin's "
                             "can: ask an admin of your organization to delete **%s**.", name);
        c->change = qs_manage_change_json (service, NULL, true, pricing);
        snprintf (c->summary, sizeof c->summary, "Delete %s ($%.2f -> $0.00/month)", name,
                  qs_json_double (c->change, "monthly_cost_before", 0));
        return 0;
    }
    qs_config_t want;
    qs_config_init (&want);
    if (base) {
        want.replicas = base->replicas;
        qs_strlcpy (want.tier, base->tier, sizeof want.tier);
        want.ha = base->ha;
        want.backups = base->backups;
    }
    if (s_want (op, service, &want, why, size))
        return 1;
    /* the platform's limits and the plan's, before anything is asked */
    const char *plan = qs_json_str (quotas, "plan", "current");
    const char *tier = qs_json_str (service, "tier", "");
    if (want.replicas < 0 || want.replicas > QS_MANAGE_MAX_REPLICAS)
        return s_out_of_range (why, size, want.replicas, name);
    if (*want.tier && !qs_json_get (qs_json_get (pricing, "tiers", json_type_object), want.tier, json_type_object))
        return s_refuse (why, size, "There is no tier called '%s' (see the pricing: nano to xlarge).", want.tier);
    const char *max_tier = qs_json_str (quotas, "max_tier", NULL);
    if (*want.tier && max_tier && qs_pricing_tier_rank (want.tier) > qs_pricing_tier_rank (max_tier)
        && qs_pricing_tier_rank (want.tier) > qs_pricing_tier_rank (tier))
        return s_refuse (why, size, "Your %s plan allows tiers up to %s, so **%s** cannot move to %s.",
                         plan, max_tier, name, want.tier);
    if (want.ha == 1 && !qs_json_bool (service, "high_availability", false) && quotas
        && !qs_json_bool (quotas, "ha_allowed", true))
        return s_refuse (why, size, "High availability is not included in your %s plan, so it cannot "
                         "be turned on for **%s**.", plan, name);
    /* only what differs from the service as it is */
    s_diff_t d = {.after = json_object_new_object ()};
    json_object *after = d.after;
    int64_t cur_replicas = qs_json_int (service, "replicas", 1);
    if (want.replicas && want.replicas != cur_replicas) {
        qs_json_add_int (after, "replicas", want.replicas);
        c->after.replicas = want.replicas;
        s_note (d.diff, sizeof d.diff, "%sreplicas %lld -> %d", *d.diff ? ", " : "", (long long) cur_replicas, want.replicas);
    }
    else if (want.replicas)
        s_note (d.same, sizeof d.same, "%salready has %d replica%s", *d.same ? "; it " : "", want.replicas,
                want.replicas == 1 ? "" : "s");
    if (*want.tier && strcmp (want.tier, tier)) {
        qs_json_add_str (after, "tier", want.tier);
        qs_strlcpy (c->after.tier, want.tier, sizeof c->after.tier);
        s_note (d.diff, sizeof d.diff, "%stier %s -> %s", *d.diff ? ", " : "", tier, want.tier);
    }
    else if (*want.tier)
        s_note (d.same, sizeof d.same, "%sis already on the %s tier", *d.same ? "; it " : "", tier);
    s_switch (&d, "high_availability", "HA", want.ha, qs_json_bool (service, "high_availability", false), &c->after.ha);
    s_switch (&d, "backup_enabled", "backups", want.backups, qs_json_bool (service, "backup_enabled", false),
              &c->after.backups);
    const char *diff = d.diff, *same = d.same;
    if (json_object_object_length (after) == 0) {
        json_object_put (after);
        return s_refuse (why, size, "Nothing to change: **%s** %s.", name, same);
    }
    c->change = qs_manage_change_json (service, after, false, pricing);
    json_object_put (after);
    snprintf (c->summary, sizeof c->summary, "Change %s: %s ($%.2f -> $%.2f/month)", name, diff,
              qs_json_double (c->change, "monthly_cost_before", 0),
              qs_json_double (c->change, "monthly_cost_after", 0));
    return 0;
}

/* ---- restarts ------------------------------------------------------------ */

static json_object *
s_pod_list (json_object *pods)
{
    if (json_object_is_type (pods, json_type_array))
        return pods;
    return qs_json_get (pods, "pods", json_type_array);
}

static bool
s_pod_failing (json_object *p)
{
    return strcmp (qs_json_str (p, "phase", "Running"), "Running") || !qs_json_bool (p, "ready", true)
           || qs_json_int (p, "restarts", 0) > 0;
}

const char *
qs_manage_failing_pod (json_object *pods)
{
    json_object *list = s_pod_list (pods);
    const char *restarted = NULL;
    for (size_t i = 0; list && i < json_object_array_length (list); i++) {
        json_object *p = json_object_array_get_idx (list, i);
        bool down = strcmp (qs_json_str (p, "phase", "Running"), "Running") || !qs_json_bool (p, "ready", true);
        if (down)
            return qs_json_str (p, "name", NULL);       /* not running and ready comes first */
        if (!restarted && s_pod_failing (p))
            restarted = qs_json_str (p, "name", NULL);
    }
    return restarted;
}

int
qs_manage_plan_restart (json_object *service, json_object *pods, const char *message,
                        const qs_auth_t *auth, json_object *pricing, qs_change_t *c, char *why,
                        size_t size)
{
    const char *name = qs_json_str (service, "name", "the service");
    s_start (c, "restart_pod", service);
    if (!qs_auth_can_execute (auth))
        return s_refuse (why, size, "Your role (viewer) can look at **%s** but cannot restart it: ask a "
                         "member or admin of your organization.", name);
    json_object *list = s_pod_list (pods), *pick = NULL;
    size_t n = list ? json_object_array_length (list) : 0;
    const char *pod = NULL;
    for (size_t i = 0; message && i < n && !pod; i++) {
        const char *pn = qs_json_str (json_object_array_get_idx (list, i), "name", "");
        if (*pn && strstr (message, pn))
            pod = pn;                   /* the user named it */
    }
    if (!pod)
        pod = qs_manage_failing_pod (list);
    if (!pod && n == 1)
        pod = qs_json_str (json_object_array_get_idx (list, 0), "name", NULL);
    if (!pod && n == 0)
        return s_refuse (why, size, "**%s** has no pods right now, so there is nothing to restart.", name);
    if (!pod)
        return s_refuse (why, size, "All %zu pods of **%s** are running and ready with no restarts: "
                         "nothing needs a restart. Name a pod (e.g. %s) to restart it anyway.", n, name,
                         qs_json_str (json_object_array_get_idx (list, 0), "name", "?"));
    for (size_t i = 0; i < n && !pick; i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (list, i), "name", ""), pod))
            pick = json_object_array_get_idx (list, i);
    qs_strlcpy (c->pod, pod, sizeof c->pod);
    json_object *before = json_object_new_object (), *after = json_object_new_object ();
    qs_json_add_str (before, "pod", pod);
    qs_json_add_str (before, "phase", qs_json_str (pick, "phase", "Unknown"));
    qs_json_add_bool (before, "ready", qs_json_bool (pick, "ready", false));
    qs_json_add_int (before, "restarts", qs_json_int (pick, "restarts", 0));
    qs_json_add_str (after, "pod", pod);
    qs_json_add_str (after, "phase", "Running");
    qs_json_add_int (after, "restarts", 0);
    c->change = json_object_new_object ();
    json_object_object_add (c->change, "before", before);
    json_object_object_add (c->change, "after", after);
    double cost = s_cost (pricing, service, NULL);
    qs_json_add_double (c->change, "monthly_cost_before", cost);
    qs_json_add_double (c->change, "monthly_cost_after", cost);
    snprintf (c->summary, sizeof c->summary, "Restart pod %s of %s", pod, name);
    return 0;
}

/* ---- proposal and execution ---------------------------------------------- */

qs_node_rc_t
qs_manage_propose_change (qs_wf_run_t *run, const qs_change_t *c, const char *key_prefix, qs_err_t *err)
{
    json_object *config = json_object_new_object ();
    qs_json_add_str (config, "service_id", c->service_id);
    qs_json_add_str (config, "name", c->service_name);
    if (*c->pod)
        qs_json_add_str (config, "pod", c->pod);
    json_object_object_add (config, "change", json_object_get (c->change));
    qs_node_rc_t rc = qs_wf_propose (run, c->type, c->summary, config, NULL, key_prefix, err);
    json_object_put (config);
    return rc;
}

int
qs_manage_execute (qs_wf_run_t *run, json_object *action, const char *idempotency_key,
                   json_object **service_p, qs_err_t *err)
{
    json_object *config = qs_json_get (action, "config", json_type_object);
    const char *type = qs_json_str (action, "type", "");
    const char *service_id = qs_json_str (config, "service_id", "");
    bool delete = !strcmp (type, "delete_service");
    *service_p = NULL;
    if (delete ? !qs_auth_is_admin (run->pctx.auth) : !qs_auth_can_execute (run->pctx.auth))
        return qs_err_set (err, 403, "forbidden", "your role cannot %s services",
                           delete ? "delete" : "change");
    qs_platform_t *p = qs_wf_platform (run->wf);
    qs_platform_ctx_t once = run->pctx;
    once.idempotency_key = idempotency_key;
    once.once = true;
    int rc;
    if (!strcmp (type, "update_service")) {
        json_object *svc = NULL;
        rc = qs_platform_patch_service (p, &once, service_id, qs_json_path (config, "change.after"), &svc, err);
        json_object_put (svc);
    }
    else if (delete)
        rc = qs_platform_delete_service (p, &once, service_id, err);
    else if (!strcmp (type, "restart_pod")) {
        json_object *body = json_object_new_object (), *reply = NULL;
        qs_json_add_str (body, "service_id", service_id);
        qs_json_add_str (body, "pod", qs_json_str (config, "pod", ""));
        rc = qs_wf_call (run, "k8s", "restart", body, &reply, err);
        json_object_put (body);
        json_object_put (reply);
    }
    else
        rc = qs_err_set (err, 422, "unprocessable_entity", "unknown change '%s'", type);
    if (rc != 0)
        return -1;
    qs_err_t ignored = {0};
    qs_platform_get_service (p, &run->pctx, service_id, service_p, &ignored);
    return 0;
}
