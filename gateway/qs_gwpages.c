/*  qs_gwpages - the gateway's own pages: liveness, readiness, Prometheus
    metrics and the static web UI. */
#include "qs_gwint.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QS_GW_PROBE_MS 500              /* each readiness probe waits at most this */
#define QS_GW_STATIC_MAX (8 * 1024 * 1024)

void
qs_gw_health (qs_gwctx_t *ctx)
{
    static const char body[] = "{\"status\":\"ok\",\"version\":\"" QS_VERSION "\"}";
    qs_gw_send (ctx, 200, "application/json", body, sizeof body - 1, NULL);
}

static json_object *
s_check (bool ok, const char *detail)
{
    json_object *c = json_object_new_object ();
    if (!c)
        return NULL;
    qs_json_add_str (c, "status", ok ? "ok" : "unavailable");
    if (detail && *detail)
        qs_json_add_str (c, "detail", detail);
    return c;
}

/*  Ask one worker of service for its own dependencies (the worker runtime's
    built-in ping with {"checks":true}): a new object, NULL (detail set)
    when it did not answer. */
static json_object *
s_worker_checks (qs_gwctx_t *ctx, qs_client_t *client, const char *service, char *detail,
                 size_t size)
{
    json_object *body = json_object_new_object ();
    json_object *reply = NULL;
    qs_err_t err;
    qs_err_clear (&err);
    qs_json_add_bool (body, "checks", true);
    qs_call_t call = {
        .service = service, .op = "ping", .request_id = ctx->request_id,
        .deadline_ms = qs_now_ms () + QS_GW_PROBE_MS, .body = body,
    };
    if (qs_client_call (client, &call, &reply, &err, NULL, NULL) < 0)
        snprintf (detail, size, "readiness ping failed: %.200s", err.message);
    json_object_put (body);
    //  a worker without dependencies of its own reports none
    json_object *checks = json_object_get (qs_json_get (reply, "checks", json_type_object));
    if (reply && !checks)
        checks = json_object_new_object ();
    json_object_put (reply);
    return checks;
}

/*  Fold a service's reported dependency checks into deps (name -> the
    first failure, else ok). False when one of them failed; detail names it. */
static bool
s_fold_checks (json_object *deps, const char *service, json_object *reported, char *detail,
               size_t size)
{
    bool ok = true;
    json_object_object_foreach (reported, name, check) {
        bool up = strcmp (qs_json_str (check, "status", ""), "ok") == 0;
        const char *why = qs_json_str (check, "detail", "unavailable");
        char named[256];
        snprintf (named, sizeof named, "%.32s: %.200s", service, why);
        json_object *seen = qs_json_get (deps, name, json_type_object);
        if (!up) {
            if (ok)
                snprintf (detail, size, "%.32s: %.200s", name, why);
            ok = false;
        }
        if (!seen || (!up && strcmp (qs_json_str (seen, "status", ""), "ok") == 0))
            json_object_object_add (deps, name, s_check (up, up ? NULL : named));
    }
    return ok;
}

void
qs_gw_ready (qs_gwctx_t *ctx)
{
    json_object *root = json_object_new_object ();
    json_object *checks = json_object_new_object ();
    json_object *deps = json_object_new_object ();
    json_object *status = NULL;
    if (!root || !checks || !deps) {
        json_object_put (root);
        json_object_put (checks);
        json_object_put (deps);
        qs_err_t err;
        qs_err_set (&err, 500, "internal_error", "out of memory");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    bool ready = true;
    qs_client_t *client = qs_gw_client (ctx);
    status = client ? qs_client_broker_status (client, QS_GW_PROBE_MS) : NULL;
    bool broker_ok = status != NULL;
    json_object_object_add (checks, "broker",
                            s_check (broker_ok, broker_ok ? NULL : "the broker did not answer"));
    ready = ready && broker_ok;

    //  at least one worker of every service (contract section 4), and what
    //  each reports of its own dependencies: the store is checked by the
    //  services that own data, the gateway opens no database
    const char *const *services = qs_route_services ();
    for (size_t i = 0; services[i]; i++) {
        int workers = broker_ok ? qs_client_discover (client, services[i], QS_GW_PROBE_MS) : -1;
        char detail[300] = "";
        bool up = workers > 0;
        if (up) {
            json_object *reported = s_worker_checks (ctx, client, services[i], detail,
                                                     sizeof detail);
            up = reported && s_fold_checks (deps, services[i], reported, detail, sizeof detail);
            json_object_put (reported);
        }
        else
            qs_strlcpy (detail, workers == 0 ? "no live worker" : "discovery did not answer",
                        sizeof detail);
        json_object *c = s_check (up, up ? NULL : detail);
        if (c)
            qs_json_add_int (c, "workers", workers > 0 ? workers : 0);
        json_object_object_add (checks, services[i], c);
        ready = ready && up;
    }
    if (!qs_json_get (deps, "store", json_type_object))
        json_object_object_add (deps, "store",
                                s_check (false, "no worker that owns data reported its store"));
    json_object_object_foreach (deps, name, dep) {
        ready = ready && strcmp (qs_json_str (dep, "status", ""), "ok") == 0;
        json_object_object_add (checks, name, json_object_get (dep));
    }
    json_object_put (deps);
    qs_json_add_str (root, "status", ready ? "ok" : "unavailable");
    json_object_object_add (root, "checks", checks);
    qs_gw_send_json (ctx, ready ? 200 : 503, root);
    if (!ready) {
        qs_strlcpy (ctx->error_code_buf, "service_unavailable", sizeof ctx->error_code_buf);
        ctx->error_code = ctx->error_code_buf;
    }
    json_object_put (root);
    json_object_put (status);
}

//  Copy the broker's per-service worker count and queue depth into gauges.
static void
s_broker_gauges (qs_gwctx_t *ctx)
{
    qs_client_t *client = qs_gw_client (ctx);
    json_object *status = client ? qs_client_broker_status (client, QS_GW_PROBE_MS) : NULL;
    json_object *services = qs_json_get (status, "services", json_type_object);
    if (services) {
        json_object_object_foreach (services, name, svc) {
            char esc[128], labels[160];
            qs_metrics_label_escape (esc, sizeof esc, name);
            snprintf (labels, sizeof labels, "service=\"%s\"", esc);
            qs_metrics_set (ctx->gw->metrics, "qs_bus_service_workers", labels,
                            (double) qs_json_int (svc, "workers", 0));
            qs_metrics_set (ctx->gw->metrics, "qs_bus_service_queue_depth", labels,
                            (double) qs_json_int (svc, "queued", 0));
        }
    }
    json_object_put (status);
}

void
qs_gw_metrics (qs_gwctx_t *ctx)
{
    if (!ctx->gw->metrics) {
        qs_gw_send (ctx, 200, "text/plain; version=0.0.4; charset=utf-8", "", 0, NULL);
        return;
    }
    s_broker_gauges (ctx);
    char *text = qs_metrics_render_with_process (ctx->gw->metrics);
    if (!text) {
        qs_err_t err;
        qs_err_set (&err, 500, "internal_error", "cannot render metrics");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    qs_gw_send (ctx, 200, "text/plain; version=0.0.4; charset=utf-8", text, strlen (text), NULL);
    free (text);
}

static const char *
s_mime (const char *path)
{
    const char *dot = strrchr (path, '.');
    if (!dot)
        return "application/octet-stream";
    static const struct { const char *ext, *type; } types[] = {
        { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
        { ".css", "text/css; charset=utf-8" }, { ".json", "application/json" },
        { ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".ico", "image/x-icon" },
        { ".txt", "text/plain; charset=utf-8" }, { ".woff2", "font/woff2" },
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp (dot, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

//  Only plain names below the web root: no dot-files, no "..", nothing odd.
static bool
s_static_path_ok (const char *rel)
{
    if (!*rel || strlen (rel) > 200)
        return false;
    for (const char *p = rel; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '-' || c == '_' || c == '.' || c == '/';
        if (!ok)
            return false;
        if ((p == rel || p[-1] == '/') && (c == '.' || c == '/'))
            return false;
    }
    return true;
}

void
qs_gw_static (qs_gwctx_t *ctx, const char *method, const char *path)
{
    qs_err_t err;
    if (strcmp (method, "GET") != 0) {
        qs_err_set (&err, 405, "method_not_allowed", "only GET is allowed here");
        qs_gw_send_error (ctx, &err, "Allow: GET\r\n");
        return;
    }
    const char *rel = !strcmp (path, "/") ? "index.html" : path + (path[0] == '/');
    char joined[PATH_MAX];
    char *real = NULL;
    char *data = NULL;
    int fd = -1;
    qs_err_set (&err, 404, "not_found", "no such resource");
    if (!ctx->gw->web_root || !s_static_path_ok (rel))
        goto fail;
    if ((size_t) snprintf (joined, sizeof joined, "%s/%s", ctx->gw->web_root, rel) >= sizeof joined)
        goto fail;
    //  Resolve links too: the file must really be inside the web root
    real = realpath (joined, NULL);
    size_t rootlen = strlen (ctx->gw->web_root);
    if (!real || strncmp (real, ctx->gw->web_root, rootlen) != 0 || real[rootlen] != '/')
        goto fail;
    fd = open (real, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat (fd, &sb) != 0 || !S_ISREG (sb.st_mode) || sb.st_size > QS_GW_STATIC_MAX)
        goto fail;
    data = malloc ((size_t) sb.st_size + 1);
    size_t got = 0;
    while (data && got < (size_t) sb.st_size) {
        ssize_t n = read (fd, data + got, (size_t) sb.st_size - got);
        if (n <= 0)
            break;
        got += (size_t) n;
    }
    if (!data || got != (size_t) sb.st_size)
        goto fail;
    qs_gw_send (ctx, 200, s_mime (real), data, got, NULL);
    goto cleanup;
fail:
    qs_gw_send_error (ctx, &err, NULL);
cleanup:
    if (fd >= 0)
        close (fd);
    free (data);
    free (real);
}
