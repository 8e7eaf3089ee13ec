/*  qs_diagnose - see qs_diagnose.h */
#include "qs_diagnose.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HIGH_UTIL      0.85
#define VERY_HIGH_UTIL 0.95
#define DISK_FULL      0.90
#define RESTARTS_MANY  3

typedef struct {
    json_object *findings;
    json_object *recs;
    unsigned seen;             /* bit per finding code already reported */
    unsigned recs_seen;        /* bit per recommendation action already given */
    const char *tier;
    const char *type;
} diag_t;

enum { F_OOM, F_CRASH, F_PULL, F_SCHED, F_READY, F_DISK, F_CONN, F_CPU, F_MEM, F_RESTARTS };
static const char *s_codes[] = {"oom_killed", "crash_loop_backoff", "image_pull_backoff",
                                "unschedulable", "readiness_probe_failing", "disk_full",
                                "connection_limit", "high_cpu", "high_memory",
                                "frequent_restarts"};

const char *
qs_diagnose_next_tier (const char *tier)
{
    int rank = qs_pricing_tier_rank (tier);
    return rank < 0 ? NULL : qs_pricing_tier_name (rank + 1);
}

static void
s_finding (diag_t *d, int code, const char *severity, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static void
s_finding (diag_t *d, int code, const char *severity, const char *fmt, ...)
{
    if (d->seen & (1u << code))
        return;
    d->seen |= 1u << code;
    char raw[1024], clean[1024];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (raw, sizeof raw, fmt, ap);
    va_end (ap);
    qs_redact (clean, sizeof clean, raw);
    json_object *f = json_object_new_object ();
    qs_json_add_str (f, "code", s_codes[code]);
    qs_json_add_str (f, "severity", severity);
    qs_json_add_str (f, "evidence", clean);
    json_object_array_add (d->findings, f);
}

static void
s_rec (diag_t *d, int slot, const char *priority, const char *action, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));

static void
s_rec (diag_t *d, int slot, const char *priority, const char *action, const char *fmt, ...)
{
    if (d->recs_seen & (1u << slot))
        return;
    d->recs_seen |= 1u << slot;
    char text[768];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (text, sizeof text, fmt, ap);
    va_end (ap);
    json_object *r = json_object_new_object ();
    qs_json_add_str (r, "priority", priority);
    qs_json_add_str (r, "action", action);
    qs_json_add_str (r, "description", text);
    json_object_array_add (d->recs, r);
}

/*  Items of a List object, or the array itself. Lent. */
static json_object *
s_items (json_object *list)
{
    if (list && json_object_is_type (list, json_type_array))
        return list;
    return qs_json_get (list, "items", json_type_array);
}

/*  First line of text containing any of the needles (case-insensitive),
    copied into out. */
static int
s_find_line (const char *text, const char *const *needles, char *out, size_t size)
{
    const char *line = text;
    while (line && *line) {
        const char *end = strchr (line, '\n');
        size_t len = end ? (size_t) (end - line) : strlen (line);
        for (int i = 0; needles[i]; i++) {
            size_t nl = strlen (needles[i]);
            for (size_t k = 0; k + nl <= len; k++) {
                if (!strncasecmp (line + k, needles[i], nl)) {
                    snprintf (out, size, "%.*s", (int) (len > 300 ? 300 : len), line);
                    return 1;
                }
            }
        }
        line = end ? end + 1 : NULL;
    }
    return 0;
}

static const char *const s_disk_words[] = {"No space left on device", "disk full",
                                           "flood stage disk watermark", "The table is full",
                                           "could not extend file", "read-only-allow-delete", NULL};
static const char *const s_conn_words[] = {"too many clients", "too many connections",
                                           "max number of clients reached", "connection limit",
                                           "ERROR 1040", "remaining connection slots", NULL};
static const char *const s_crash_words[] = {"fatal", "panic", "error", "exception", "killed", NULL};

/*  Search platform log lines ({"lines":[{"message"}]}) for needles. */
static int
s_platform_log_line (json_object *logs, const char *const *needles, char *out, size_t size)
{
    json_object *lines = qs_json_get (logs, "lines", json_type_array);
    for (size_t i = 0; lines && i < json_object_array_length (lines); i++) {
        const char *msg = qs_json_str (json_object_array_get_idx (lines, i), "message", NULL);
        if (msg && s_find_line (msg, needles, out, size))
            return 1;
    }
    return 0;
}

/*  The events of one pod: k8s-svc groups them by pod ({pod: [...]}); a raw
    EventList is filtered on involvedObject.name. Lent. */
static json_object *
s_pod_events (json_object *events, const char *pod, bool *filter)
{
    *filter = false;
    if (events && json_object_is_type (events, json_type_object) && !qs_json_get (events, "items", json_type_array))
        return qs_json_get (events, pod, json_type_array);
    *filter = true;
    return s_items (events);
}

/*  The newest event for a pod with one of the reasons, or NULL. Lent. */
static json_object *
s_event (json_object *events, const char *pod, const char *const *reasons)
{
    bool filter;
    json_object *items = s_pod_events (events, pod, &filter), *best = NULL;
    for (size_t i = 0; items && i < json_object_array_length (items); i++) {
        json_object *e = json_object_array_get_idx (items, i);
        const char *name = qs_json_str (qs_json_get (e, "involvedObject", json_type_object), "name", "");
        if (filter && strcmp (name, pod) != 0)
            continue;
        const char *reason = qs_json_str (e, "reason", "");
        for (int k = 0; reasons[k]; k++)
            if (!strcmp (reason, reasons[k]))
                best = e;
    }
    return best;
}

static void
s_container (diag_t *d, const char *pod, json_object *cs, json_object *events, json_object *podlogs)
{
    const char *name = qs_json_str (cs, "name", "?");
    int64_t restarts = qs_json_int (cs, "restartCount", 0);
    json_object *waiting = qs_json_path (cs, "state.waiting");
    json_object *term = qs_json_path (cs, "state.terminated");
    json_object *last = qs_json_path (cs, "lastState.terminated");
    const char *wreason = qs_json_str (waiting, "reason", "");
    const char *treason = qs_json_str (term, "reason", qs_json_str (last, "reason", ""));
    json_object *t = term ? term : last;
    char line[400] = "";
    char key[300], *joined = NULL;
    const char *text = qs_json_str (podlogs, pod, NULL);
    snprintf (key, sizeof key, "%s/%s", pod, name);
    json_object *lines = qs_json_get (qs_json_get (podlogs, key, json_type_object), "lines", json_type_array);
    if (!text && lines) {
        size_t cap = 1;
        for (size_t i = 0; i < json_object_array_length (lines); i++)
            cap += strlen (json_object_get_string (json_object_array_get_idx (lines, i))) + 1;
        if ((joined = calloc (1, cap))) {
            for (size_t i = 0; i < json_object_array_length (lines); i++) {
                strncat (joined, json_object_get_string (json_object_array_get_idx (lines, i)), cap - strlen (joined) - 1);
                strncat (joined, "\n", cap - strlen (joined) - 1);
            }
            text = joined;
        }
    }

    if (!strcmp (treason, "OOMKilled")) {
        s_finding (d, F_OOM, "critical",
                   "pod %s container %s was OOMKilled (exit code %lld, finished %s); restarts: %lld",
                   pod, name, (long long) qs_json_int (t, "exitCode", 137),
                   qs_json_str (t, "finishedAt", "recently"), (long long) restarts);
    }
    if (!strcmp (wreason, "CrashLoopBackOff")) {
        if (text)
            s_find_line (text, s_crash_words, line, sizeof line);
        s_finding (d, F_CRASH, "critical",
                   "pod %s container %s is in CrashLoopBackOff after %lld restarts; last exit: %s (code %lld)%s%s",
                   pod, name, (long long) restarts, *treason ? treason : "unknown",
                   (long long) qs_json_int (last, "exitCode", -1), *line ? "; log: " : "", line);
    }
    if (!strcmp (wreason, "ImagePullBackOff") || !strcmp (wreason, "ErrImagePull")
        || !strcmp (wreason, "InvalidImageName")) {
        static const char *const pull[] = {"Failed", "BackOff", NULL};
        json_object *e = s_event (events, pod, pull);
        s_finding (d, F_PULL, "critical", "pod %s container %s: %s (image %s)%s%s", pod, name,
                   wreason, qs_json_str (cs, "image", "?"), e ? "; event: " : "",
                   e ? qs_json_str (e, "message", "") : qs_json_str (waiting, "message", ""));
    }
    if (restarts >= RESTARTS_MANY && !(d->seen & ((1u << F_CRASH) | (1u << F_OOM))))
        s_finding (d, F_RESTARTS, "medium", "pod %s container %s restarted %lld times%s%s", pod,
                   name, (long long) restarts, *treason ? "; last exit: " : "", treason);
    free (joined);
}

static void
s_pod (diag_t *d, json_object *pod, json_object *events, json_object *podlogs)
{
    /* a raw Pod (metadata/status) or k8s-svc's summary (name, phase, containers) */
    const char *name = qs_json_str (qs_json_get (pod, "metadata", json_type_object), "name",
                                    qs_json_str (pod, "name", "?"));
    json_object *status = qs_json_get (pod, "status", json_type_object);
    if (!status)
        status = pod;
    const char *phase = qs_json_str (status, "phase", "Unknown");
    json_object *conds = qs_json_get (status, "conditions", json_type_array);
    int ready = -1;
    for (size_t i = 0; conds && i < json_object_array_length (conds); i++) {
        json_object *c = json_object_array_get_idx (conds, i);
        const char *type = qs_json_str (c, "type", "");
        const char *cs = qs_json_str (c, "status", "");
        if (!strcmp (type, "PodScheduled") && !strcmp (cs, "False"))
            s_finding (d, F_SCHED, "critical", "pod %s is %s: %s: %s", name, phase,
                       qs_json_str (c, "reason", "Unschedulable"), qs_json_str (c, "message", ""));
        if (!strcmp (type, "Ready"))
            ready = !strcmp (cs, "True");
    }
    if (!strcmp (phase, "Pending")) {
        static const char *const sched[] = {"FailedScheduling", NULL};
        json_object *e = s_event (events, name, sched);
        if (e)
            s_finding (d, F_SCHED, "critical", "pod %s is Pending: FailedScheduling: %s", name,
                       qs_json_str (e, "message", ""));
    }
    json_object *css = qs_json_get (status, "containerStatuses", json_type_array);
    if (!css)
        css = qs_json_get (status, "containers", json_type_array);
    int running_unready = 0;
    for (size_t i = 0; css && i < json_object_array_length (css); i++) {
        json_object *cs = json_object_array_get_idx (css, i);
        s_container (d, name, cs, events, podlogs);
        if (qs_json_path (cs, "state.running") && !qs_json_bool (cs, "ready", true))
            running_unready = 1;
    }
    if (!strcmp (phase, "Running") && (running_unready || ready == 0)) {
        static const char *const unhealthy[] = {"Unhealthy", NULL};
        json_object *e = s_event (events, name, unhealthy);
        const char *msg = e ? qs_json_str (e, "message", "") : "";
        if (!e || strstr (msg, "Readiness") || strstr (msg, "readiness"))
            s_finding (d, F_READY, "high", "pod %s is Running but not Ready%s%s", name,
                       *msg ? "; event: " : "", msg);
    }
}

static void
s_metrics (diag_t *d, json_object *m, json_object *logs)
{
    char line[400];
    double disk = qs_json_double (qs_json_get (m, "disk_utilization", json_type_object), "max", -1);
    if (disk >= DISK_FULL)
        s_finding (d, F_DISK, disk >= VERY_HIGH_UTIL ? "critical" : "high",
                   "disk utilisation peaked at %.0f%% over the last 7 days", disk * 100);
    else if (s_platform_log_line (logs, s_disk_words, line, sizeof line))
        s_finding (d, F_DISK, "critical", "log: %s", line);
    json_object *conn = qs_json_get (m, "connections", json_type_object);
    double cmax = qs_json_double (conn, "max", -1), climit = qs_json_double (conn, "limit", -1);
    if (climit > 0 && cmax >= 0.95 * climit)
        s_finding (d, F_CONN, "high", "connections peaked at %.0f of a limit of %.0f", cmax, climit);
    else if (s_platform_log_line (logs, s_conn_words, line, sizeof line))
        s_finding (d, F_CONN, "high", "log: %s", line);
    json_object *cpu = qs_json_get (m, "cpu_utilization", json_type_object);
    double cpu95 = qs_json_double (cpu, "p95", -1);
    if (cpu95 >= HIGH_UTIL)
        s_finding (d, F_CPU, cpu95 >= VERY_HIGH_UTIL ? "high" : "medium",
                   "CPU p95 %.0f%% (avg %.0f%%, max %.0f%%) over 7 days", cpu95 * 100,
                   qs_json_double (cpu, "avg", 0) * 100, qs_json_double (cpu, "max", 0) * 100);
    json_object *mem = qs_json_get (m, "memory_utilization", json_type_object);
    double mem95 = qs_json_double (mem, "p95", -1);
    if (mem95 >= HIGH_UTIL)
        s_finding (d, F_MEM, mem95 >= VERY_HIGH_UTIL ? "high" : "medium",
                   "memory p95 %.0f%% (avg %.0f%%, max %.0f%%) over 7 days", mem95 * 100,
                   qs_json_double (mem, "avg", 0) * 100, qs_json_double (mem, "max", 0) * 100);
}

/*  One recommendation set per finding, bigger tier named when there is one. */
static void
s_recommend (diag_t *d)
{
    const char *up = qs_diagnose_next_tier (d->tier);
    char bigger[64];
    snprintf (bigger, sizeof bigger, "%s%s", up ? "the " : "a larger tier",
              up ? up : "");
    if (up)
        snprintf (bigger, sizeof bigger, "the %s tier", up);
    if (d->seen & (1u << F_OOM) || d->seen & (1u << F_MEM))
        s_rec (d, 0, "high", "upgrade_tier",
               "Move from %s to %s: the container needs more memory than its limit allows. "
               "Expected effect: no more OOM kills and restarts.%s",
               d->tier ? d->tier : "the current tier", bigger,
               d->type && !strcmp (d->type, "redis")
                   ? " Also set a maxmemory-policy (e.g. allkeys-lru) so Redis evicts instead of growing."
                   : "");
    if (d->seen & (1u << F_CRASH))
        s_rec (d, 1, "high", "inspect_logs",
               "Read the previous container's log for the crash reason and fix the configuration "
               "it points to; a restart alone will loop again if the cause remains.");
    if (d->seen & ((1u << F_CRASH) | (1u << F_READY) | (1u << F_RESTARTS)))
        s_rec (d, 2, d->seen & (1u << F_CRASH) ? "medium" : "high", "restart_pod",
               "Restart the pod to clear a stuck state; expected effect: the pod becomes Running "
               "and Ready. If it fails again, the cause is in the configuration or resources.");
    if (d->seen & (1u << F_PULL))
        s_rec (d, 3, "high", "check_version",
               "The image cannot be pulled: check that the requested version exists for this "
               "service type, or re-create the service with a supported version.");
    if (d->seen & (1u << F_SCHED))
        s_rec (d, 4, "high", "reduce_resources",
               "No node has room for the pod: choose a smaller tier or fewer replicas, or wait for "
               "the platform to add capacity. Expected effect: the pod gets scheduled.");
    if (d->seen & (1u << F_DISK))
        s_rec (d, 5, "high", "free_disk",
               "Free disk space now (drop old data, vacuum/compact, shorten retention) and move to "
               "%s for more storage; writes fail until space is available.", bigger);
    if (d->seen & (1u << F_CONN))
        s_rec (d, 6, "high", "connection_pooling",
               "Put a connection pool in front of the clients (or lower each client's pool size) "
               "and close idle connections; move to %s if the load is real.", bigger);
    if (d->seen & (1u << F_CPU))
        s_rec (d, 7, "medium", "upgrade_tier",
               "CPU is saturated: optimise the heaviest queries/commands or move to %s.", bigger);
}

static int
s_by_severity (const void *a, const void *b)
{
    static const char *order[] = {"critical", "high", "medium", "low"};
    int ra = 4, rb = 4;
    const char *sa = qs_json_str (*(json_object *const *) a, "severity", "");
    const char *sb = qs_json_str (*(json_object *const *) b, "severity", "");
    for (int i = 0; i < 4; i++) {
        if (!strcmp (sa, order[i]))
            ra = i;
        if (!strcmp (sb, order[i]))
            rb = i;
    }
    return ra - rb;
}

json_object *
qs_diagnose_analyze (json_object *service, json_object *metrics, json_object *logs,
                     json_object *pods, json_object *events, json_object *podlogs,
                     json_object *gaps, qs_err_t *err)
{
    if (!service || !qs_json_str (service, "id", NULL)) {
        qs_err_set (err, 404, "not_found", "no service to diagnose");
        return NULL;
    }
    diag_t d = {.findings = json_object_new_array (), .recs = json_object_new_array (),
                .tier = qs_json_str (service, "tier", NULL),
                .type = qs_json_str (service, "service_type", NULL)};
    json_object *items = s_items (pods);
    size_t npods = items ? json_object_array_length (items) : 0;
    for (size_t i = 0; i < npods; i++)
        s_pod (&d, json_object_array_get_idx (items, i), events, podlogs);
    if (metrics)
        s_metrics (&d, metrics, logs);
    else if (logs)
        s_metrics (&d, NULL, logs);
    json_object_array_sort (d.findings, s_by_severity);
    s_recommend (&d);

    json_object *gap_list = gaps && json_object_is_type (gaps, json_type_array)
                                ? json_object_get (gaps) : json_object_new_array ();
    const char *status = "healthy";
    if (d.seen) {
        unsigned down = (1u << F_CRASH) | (1u << F_PULL) | (1u << F_SCHED);
        status = d.seen & down ? "down" : "degraded";
    }
    else if (npods == 0 && !pods)
        status = "unknown";
    else if (npods == 0 && strcmp (qs_json_str (service, "status", ""), "running") == 0)
        json_object_array_add (gap_list, json_object_new_string ("no pods found for the service"));
    else if (npods == 0) {
        /* no pod because the platform has not started it (or stopped it):
           not healthy, whatever else looks quiet */
        const char *said = qs_json_str (service, "status", "");
        static const char *const coming[] = {"provisioning", "pending", "creating", "updating",
                                             "scaling", "restarting", NULL};
        bool starting = false;
        for (int i = 0; coming[i]; i++)
            starting |= !strcmp (said, coming[i]);
        status = starting ? "starting" : "down";
        char text[256];
        snprintf (text, sizeof text, "the platform reports the service as %s and no pod exists yet%s",
                  *said ? said : "not running", starting ? ": it is not serving until it is running" : "");
        json_object *f = json_object_new_object ();
        qs_json_add_str (f, "code", starting ? "starting" : "not_running");
        qs_json_add_str (f, "severity", starting ? "low" : "high");
        qs_json_add_str (f, "evidence", text);
        json_object_array_add (d.findings, f);
    }
    if (!d.seen && !strcmp (status, "healthy")) {
        json_object *f = json_object_new_object ();
        char text[256];
        snprintf (text, sizeof text, "%zu pod%s running and ready, no restarts%s", npods,
                  npods == 1 ? "" : "s", metrics ? ", CPU/memory/disk/connections within limits" : "");
        qs_json_add_str (f, "code", "healthy");
        qs_json_add_str (f, "severity", "low");
        qs_json_add_str (f, "evidence", text);
        json_object_array_add (d.findings, f);
    }
    json_object *out = json_object_new_object ();
    qs_json_add_str (out, "service_id", qs_json_str (service, "id", ""));
    qs_json_add_str (out, "status", status);
    json_object_object_add (out, "findings", d.findings);
    json_object_object_add (out, "recommendations", d.recs);
    json_object_object_add (out, "data_gaps", gap_list);
    return out;
}
