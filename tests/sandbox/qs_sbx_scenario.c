/*  qs_sbx_scenario - see qs_sbx_scenario.h */
#include "qs_sbx_scenario.h"
#include "qs_sbx_msg.h"
#include "qs_sbx_pricing.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MIN  (60LL * 1000)
#define S_HOUR (60 * S_MIN)
#define S_DAY  (24 * S_HOUR)

static const char *s_names[QS_SBX_SC_COUNT] = {
    "healthy",        "oom_killed",       "crash_loop_backoff", "image_pull_backoff",
    "unschedulable",  "readiness_probe_failing", "disk_full",   "connection_limit",
    "high_cpu",       "high_memory",      "frequent_restarts",  "idle",
    "oversized",      "new",              "staging_ha",         "production_ha",
    "busy",
};

const char *
qs_sbx_scenario_name (qs_sbx_scenario_t sc)
{
    return sc >= 0 && sc < QS_SBX_SC_COUNT ? s_names[sc] : "healthy";
}

qs_sbx_pod_state_t
qs_sbx_scenario_pod_state (qs_sbx_scenario_t sc)
{
    switch (sc) {
    case QS_SBX_SC_OOM_KILLED: return QS_SBX_POD_OOM;
    case QS_SBX_SC_CRASH_LOOP: return QS_SBX_POD_CRASH_LOOP;
    case QS_SBX_SC_IMAGE_PULL: return QS_SBX_POD_IMAGE_PULL;
    case QS_SBX_SC_UNSCHEDULABLE: return QS_SBX_POD_UNSCHEDULABLE;
    case QS_SBX_SC_READINESS: return QS_SBX_POD_NOT_READY;
    case QS_SBX_SC_FREQUENT_RESTARTS: return QS_SBX_POD_RESTARTING;
    default: return QS_SBX_POD_OK;
    }
}

int
qs_sbx_scenario_pod_restarts (qs_sbx_scenario_t sc, int pod_index)
{
    switch (sc) {
    case QS_SBX_SC_OOM_KILLED: return 4 + pod_index;
    case QS_SBX_SC_CRASH_LOOP: return 9 + pod_index;
    case QS_SBX_SC_FREQUENT_RESTARTS: return 14 + pod_index;
    default: return 0;
    }
}

/*  cpu avg/p95/max, mem avg/p95/max, conn avg/max/limit, disk avg/max, rps,
    days since last activity (-1: now) */
typedef struct {
    double c[3], m[3], ca;
    int cmax, climit;
    double d[2], rps;
    int idle_days;
} s_profile_t;

static const s_profile_t s_profiles[QS_SBX_SC_COUNT] = {
    [QS_SBX_SC_HEALTHY] = {{0.35, 0.52, 0.61}, {0.48, 0.58, 0.63}, 40, 85, 1000, {0.31, 0.33}, 220, -1},
    [QS_SBX_SC_OOM_KILLED] = {{0.41, 0.63, 0.78}, {0.86, 0.97, 1.0}, 120, 310, 10000, {0.22, 0.24}, 900, -1},
    [QS_SBX_SC_CRASH_LOOP] = {{0.05, 0.12, 0.34}, {0.21, 0.33, 0.41}, 2, 18, 1000, {0.18, 0.19}, 3, -1},
    [QS_SBX_SC_IMAGE_PULL] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 0, 0, 1000, {0.02, 0.02}, 0, -1},
    [QS_SBX_SC_UNSCHEDULABLE] = {{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 0, 0, 1000, {0.0, 0.0}, 0, -1},
    [QS_SBX_SC_READINESS] = {{0.31, 0.47, 0.66}, {0.52, 0.6, 0.68}, 30, 74, 151, {0.44, 0.46}, 60, -1},
    [QS_SBX_SC_DISK_FULL] = {{0.38, 0.55, 0.71}, {0.57, 0.66, 0.72}, 48, 96, 1000, {0.93, 0.985}, 1800, -1},
    [QS_SBX_SC_CONNECTION_LIMIT] = {{0.47, 0.68, 0.83}, {0.55, 0.64, 0.7}, 88, 100, 100, {0.41, 0.43}, 650, -1},
    [QS_SBX_SC_HIGH_CPU] = {{0.78, 0.94, 0.99}, {0.46, 0.55, 0.6}, 210, 480, 10000, {0.12, 0.12}, 5200, -1},
    [QS_SBX_SC_HIGH_MEMORY] = {{0.33, 0.49, 0.6}, {0.84, 0.92, 0.95}, 140, 260, 10000, {0.15, 0.16}, 700, -1},
    [QS_SBX_SC_FREQUENT_RESTARTS] = {{0.29, 0.44, 0.62}, {0.4, 0.51, 0.58}, 25, 60, 1000, {0.2, 0.21}, 80, -1},
    [QS_SBX_SC_IDLE] = {{0.01, 0.02, 0.03}, {0.11, 0.12, 0.12}, 0, 0, 10000, {0.05, 0.05}, 0, 21},
    [QS_SBX_SC_OVERSIZED] = {{0.06, 0.12, 0.21}, {0.1, 0.18, 0.24}, 12, 35, 500, {0.09, 0.1}, 40, -1},
    [QS_SBX_SC_NEW] = {{0.01, 0.02, 0.03}, {0.08, 0.09, 0.1}, 0, 0, 100, {0.01, 0.01}, 0, -2},
    [QS_SBX_SC_STAGING_HA] = {{0.42, 0.51, 0.63}, {0.45, 0.52, 0.58}, 20, 45, 100, {0.3, 0.31}, 150, -1},
    [QS_SBX_SC_PRODUCTION_HA] = {{0.5, 0.64, 0.77}, {0.55, 0.66, 0.71}, 180, 260, 500, {0.52, 0.54}, 1400, -1},
    [QS_SBX_SC_BUSY] = {{0.62, 0.78, 0.86}, {0.61, 0.72, 0.79}, 350, 610, 2000, {0.58, 0.6}, 4200, -1},
};

void
qs_sbx_scenario_metrics (qs_sbx_scenario_t sc, int64_t created_ms, int64_t now_ms,
                         qs_sbx_metrics_t *out)
{
    const s_profile_t *p = &s_profiles[sc >= 0 && sc < QS_SBX_SC_COUNT ? sc : 0];
    memset (out, 0, sizeof *out);
    out->cpu_avg = p->c[0];
    out->cpu_p95 = p->c[1];
    out->cpu_max = p->c[2];
    out->mem_avg = p->m[0];
    out->mem_p95 = p->m[1];
    out->mem_max = p->m[2];
    out->conn_avg = p->ca;
    out->conn_max = p->cmax;
    out->conn_limit = p->climit;
    out->disk_avg = p->d[0];
    out->disk_max = p->d[1];
    out->rps_avg = p->rps;
    if (p->idle_days > 0)
        out->last_activity_ms = now_ms - p->idle_days * S_DAY;
    else if (p->idle_days == -2)
        out->last_activity_ms = created_ms;   /* never used since creation */
    else
        out->last_activity_ms = 0;            /* in use: rendered as "just now" */
    (void) now_ms;
}

static const char *
s_image_repo (const char *type)
{
    if (!strcmp (type, "redis")) return "redis";
    if (!strcmp (type, "rabbitmq")) return "rabbitmq";
    if (!strcmp (type, "postgresql")) return "postgres";
    if (!strcmp (type, "mongodb")) return "mongo";
    if (!strcmp (type, "mysql")) return "mysql";
    if (!strcmp (type, "kafka")) return "bitnami/kafka";
    if (!strcmp (type, "elasticsearch")) return "docker.elastic.co/elasticsearch/elasticsearch";
    return "busybox";
}

void
qs_sbx_scenario_image (const qs_sbx_service_t *svc, char *out, size_t size)
{
    snprintf (out, size, "%s:%s", s_image_repo (svc->service_type), svc->version);
}

/*  A log line spec: minutes before now, level, message (%s = pod or service). */
typedef struct {
    int minutes_ago;
    const char *level;
    const char *message;
} s_line_t;

#define S_END {0, NULL, NULL}

static const s_line_t s_lines_ok[] = {
    {55, "info", "ready to accept connections"},
    {30, "info", "checkpoint complete: wrote 812 buffers"},
    {5, "info", "health check ok"},
    S_END,
};
static const s_line_t s_lines_oom[] = {
    {50, "info", "ready to accept connections"},
    {21, "warning", "used_memory 1.93G is close to maxmemory 2G; evicting keys"},
    {20, "error", "container killed by the kernel OOM killer (exit code 137): memory limit 2048Mi exceeded"},
    {19, "info", "container restarted (restart #4)"},
    {6, "warning", "used_memory 1.95G is close to maxmemory 2G; evicting keys"},
    S_END,
};
static const s_line_t s_lines_crash[] = {
    {40, "info", "starting rabbitmq 3.13"},
    {39, "error", "BOOT FAILED: Error during startup: {error,failed_to_initialize_feature_flags_registry}"},
    {38, "error", "erlang cookie file /var/lib/rabbitmq/.erlang.cookie must be accessible by owner only"},
    {3, "error", "container exited with code 1; back-off restarting failed container"},
    S_END,
};
static const s_line_t s_lines_pull[] = {
    {25, "error", "failed to pull image: manifest for the requested version not found"},
    {2, "error", "Back-off pulling image (ImagePullBackOff)"},
    S_END,
};
static const s_line_t s_lines_unsched[] = {
    {30, "warning", "pods pending: 0/3 nodes are available: 3 Insufficient memory"},
    {1, "warning", "still waiting for capacity to schedule the service"},
    S_END,
};
static const s_line_t s_lines_ready[] = {
    {45, "info", "mysqld: ready for connections. Version: '8.0'"},
    {12, "error", "InnoDB: Unable to lock ./ibdata1 error: 11; readiness check failing"},
    {2, "warning", "readiness probe failed: mysqladmin: connect to server at 'localhost' failed"},
    S_END,
};
static const s_line_t s_lines_disk[] = {
    {90, "warning", "disk usage at 95% of the volume"},
    {15, "error", "ERROR Error while appending records to events-0: java.io.IOException: No space left on device"},
    {4, "error", "No space left on device: could not write log segment"},
    S_END,
};
static const s_line_t s_lines_conn[] = {
    {35, "warning", "connection count 97 of max_connections 100"},
    {9, "error", "FATAL:  sorry, too many clients already"},
    {1, "error", "FATAL:  sorry, too many clients already"},
    S_END,
};
static const s_line_t s_lines_cpu[] = {
    {40, "warning", "slow command: 512 ms (KEYS *)"},
    {10, "warning", "event loop lag 180 ms; CPU saturated"},
    {2, "warning", "slow command: 430 ms (SUNIONSTORE)"},
    S_END,
};
static const s_line_t s_lines_mem[] = {
    {60, "info", "ready to accept connections"},
    {20, "warning", "used_memory 1.84G of maxmemory 2G (92%)"},
    {3, "warning", "memory usage above 90% for 60 minutes"},
    S_END,
};
static const s_line_t s_lines_restarts[] = {
    {120, "warning", "liveness probe failed: rabbitmq-diagnostics ping timed out"},
    {60, "info", "container restarted after failed liveness probe"},
    {9, "warning", "liveness probe failed: rabbitmq-diagnostics ping timed out"},
    {8, "info", "container restarted after failed liveness probe"},
    S_END,
};
static const s_line_t s_lines_idle[] = {
    {21 * 24 * 60, "info", "last client disconnected"},
    {60, "info", "no client connections in the last 24h"},
    S_END,
};
static const s_line_t s_lines_new[] = {
    {1, "info", "service is up; no client has connected yet"},
    S_END,
};

static const s_line_t *
s_lines_for (const qs_sbx_service_t *svc)
{
    if (svc->fixed)
        return s_lines_ok;
    switch (svc->scenario) {
    case QS_SBX_SC_OOM_KILLED: return s_lines_oom;
    case QS_SBX_SC_CRASH_LOOP: return s_lines_crash;
    case QS_SBX_SC_IMAGE_PULL: return s_lines_pull;
    case QS_SBX_SC_UNSCHEDULABLE: return s_lines_unsched;
    case QS_SBX_SC_READINESS: return s_lines_ready;
    case QS_SBX_SC_DISK_FULL: return s_lines_disk;
    case QS_SBX_SC_CONNECTION_LIMIT: return s_lines_conn;
    case QS_SBX_SC_HIGH_CPU: return s_lines_cpu;
    case QS_SBX_SC_HIGH_MEMORY: return s_lines_mem;
    case QS_SBX_SC_FREQUENT_RESTARTS: return s_lines_restarts;
    case QS_SBX_SC_IDLE: return s_lines_idle;
    case QS_SBX_SC_NEW: return s_lines_new;
    default: return s_lines_ok;
    }
}

json_object *
qs_sbx_scenario_logs (const qs_sbx_service_t *svc, int tail, int64_t now_ms)
{
    json_object *root = json_object_new_object ();
    json_object *lines = json_object_new_array ();
    const s_line_t *spec = s_lines_for (svc);
    int n = 0;
    while (spec[n].message)
        n++;
    int first = tail > 0 && tail < n ? n - tail : 0;
    for (int i = first; i < n; i++) {
        int64_t ts = now_ms - spec[i].minutes_ago * S_MIN;
        if (ts < svc->created_ms)
            ts = svc->created_ms;
        json_object *line = json_object_new_object ();
        char when[40];
        json_object_object_add (line, "timestamp",
                                json_object_new_string (qs_time_rfc3339 (ts, when, sizeof when)));
        json_object_object_add (line, "level", json_object_new_string (spec[i].level));
        json_object_object_add (line, "message", json_object_new_string (spec[i].message));
        json_object_array_add (lines, line);
    }
    json_object_object_add (root, "lines", lines);
    return root;
}

/*  Container log lines, kubectl style: "<RFC3339> <text>". */
static const char *s_pod_ok[] = {"Server initialized", "Ready to accept connections", NULL};
static const char *s_pod_oom_prev[] = {
    "Server initialized", "Ready to accept connections",
    "WARNING: used_memory is close to maxmemory (2gb); evicting keys",
    "WARNING: memory usage 99% of the container limit", NULL};
static const char *s_pod_crash_prev[] = {
    "Starting RabbitMQ 3.13 on Erlang 26",
    "BOOT FAILED",
    "===========",
    "Error during startup: {error,{cannot_read_enabled_plugins_file,\"/etc/rabbitmq/enabled_plugins\",eacces}}",
    "erlang cookie file /var/lib/rabbitmq/.erlang.cookie must be accessible by owner only",
    "crash dump is being written to: erl_crash.dump...done", NULL};
static const char *s_pod_ready[] = {
    "[Server] /usr/sbin/mysqld: ready for connections. Version: '8.0'",
    "[ERROR] [MY-012574] [InnoDB] Unable to lock ./ibdata1 error: 11",
    "[Warning] readiness check: server not accepting connections", NULL};
static const char *s_pod_disk[] = {
    "INFO [Log partition=events-0] Rolled new log segment",
    "ERROR Error while appending records to events-0 (kafka.server.LogDirFailureChannel)",
    "java.io.IOException: No space left on device", NULL};
static const char *s_pod_conn[] = {
    "LOG:  database system is ready to accept connections",
    "FATAL:  sorry, too many clients already",
    "FATAL:  sorry, too many clients already", NULL};
static const char *s_pod_restarts_prev[] = {
    "Starting RabbitMQ 3.13 on Erlang 26", "Server startup complete",
    "Received SIGTERM: liveness probe failed, shutting down", NULL};

static char *
s_join (const char *const *lines, int tail, int64_t start_ms)
{
    int n = 0;
    while (lines[n])
        n++;
    int first = tail > 0 && tail < n ? n - tail : 0;
    size_t cap = 64;
    for (int i = first; i < n; i++)
        cap += strlen (lines[i]) + 40;
    char *out = malloc (cap);
    if (!out)
        return NULL;
    size_t len = 0;
    out[0] = '\0';
    for (int i = first; i < n; i++) {
        char when[40];
        qs_time_rfc3339 (start_ms + (int64_t) i * 1500, when, sizeof when);
        len += (size_t) snprintf (out + len, cap - len, "%s %s\n", when, lines[i]);
    }
    return out;
}

char *
qs_sbx_scenario_pod_log (const qs_sbx_service_t *svc, const qs_sbx_pod_t *pod,
                         bool previous, int tail, int64_t now_ms)
{
    (void) now_ms;
    int64_t start = pod->last_restart_ms;
    if (previous) {
        int64_t prev_start = start - 10 * S_MIN;
        switch (pod->state) {
        case QS_SBX_POD_OOM: return s_join (s_pod_oom_prev, tail, prev_start);
        case QS_SBX_POD_CRASH_LOOP: return s_join (s_pod_crash_prev, tail, prev_start);
        case QS_SBX_POD_RESTARTING: return s_join (s_pod_restarts_prev, tail, prev_start);
        default: return s_join (s_pod_ok, tail, prev_start);
        }
    }
    if (svc->fixed || pod->state == QS_SBX_POD_OK || pod->state == QS_SBX_POD_OOM
        || pod->state == QS_SBX_POD_RESTARTING) {
        if (!svc->fixed && svc->scenario == QS_SBX_SC_DISK_FULL)
            return s_join (s_pod_disk, tail, start);
        if (!svc->fixed && svc->scenario == QS_SBX_SC_CONNECTION_LIMIT)
            return s_join (s_pod_conn, tail, start);
        return s_join (s_pod_ok, tail, start);
    }
    if (pod->state == QS_SBX_POD_NOT_READY)
        return s_join (s_pod_ready, tail, start);
    return s_join (s_pod_crash_prev, tail, start);
}
