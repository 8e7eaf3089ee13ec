/*  qs_gateway - see qs_gateway.h. This file holds the server, the request
    pipeline (route, auth, role, rate, body, validation) and the generic bus
    dispatch; responses are written by qs_gwsend.c, pages and streams live
    in qs_gwpages.c and qs_gwsse.c. */
#include "qs_gwint.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QS_GW_DEFAULT_THREADS 32
#define QS_GW_DEFAULT_BODY (1024 * 1024)
#define QS_GW_DEFAULT_TIMEOUT_MS 30000
#define QS_GW_DEFAULT_KEEPALIVE_MS 15000
#define QS_GW_DEFAULT_IO_TIMEOUT_MS 10000
#define QS_GW_DEFAULT_HTTP_KEEPALIVE_MS 5000
#define QS_GW_DEFAULT_MAX_HEADER 16384

//  What each HTTP worker thread owns: its own bus client (a ZeroMQ socket
//  is never shared between threads).
typedef struct {
    qs_gateway_t *gw;
    qs_client_t *client;
} s_thread_t;

//  Past the shutdown grace: bus calls still waiting give up.
static bool
s_aborting (void *arg)
{
    qs_gateway_t *gw = arg;
    return atomic_load (&gw->aborting);
}

qs_client_t *
qs_gw_client (qs_gwctx_t *ctx)
{
    s_thread_t *t = mg_get_thread_pointer (ctx->conn);
    if (!t)
        return NULL;
    if (!t->client) {
        t->client = qs_client_new (ctx->gw->broker_endpoint);
        if (t->client) {
            qs_client_set_retry (t->client, qs_ops_retry_safe);
            qs_client_set_abort (t->client, s_aborting, ctx->gw);
        }
    }
    return t->client;
}

static void *
s_init_thread (const struct mg_context *mctx, int thread_type)
{
    if (thread_type != 1)
        return NULL;                /* only request workers talk to the bus */
    s_thread_t *t = calloc (1, sizeof *t);
    if (t)
        t->gw = mg_get_user_data (mctx);
    return t;
}

static void
s_exit_thread (const struct mg_context *mctx, int thread_type, void *ptr)
{
    (void) mctx;
    (void) thread_type;
    s_thread_t *t = ptr;
    if (t) {
        qs_client_destroy (&t->client);
        free (t);
    }
}

static int
s_log_message (const struct mg_connection *conn, const char *message)
{
    (void) conn;
    char safe[512];
    qs_warn (NULL, "civetweb: %s", qs_redact (safe, sizeof safe, message));
    return 1;
}

int
qs_gw_read_body (qs_gwctx_t *ctx, size_t row_max, char **body_p, size_t *len_p, qs_err_t *err)
{
    *body_p = NULL;
    *len_p = 0;
    const struct mg_request_info *ri = mg_get_request_info (ctx->conn);
    size_t max = row_max && row_max < ctx->gw->max_body ? row_max : ctx->gw->max_body;
    if (ri->content_length > 0 && (unsigned long long) ri->content_length > max) {
        //  Not reading it: the connection cannot be reused
        mg_disable_connection_keep_alive (ctx->conn);
        return qs_err_set (err, 413, "payload_too_large", "request body over %zu bytes", max);
    }
    size_t cap = ri->content_length >= 0 ? (size_t) ri->content_length : 4096;
    char *buf = malloc (cap + 1);
    if (!buf)
        return qs_err_set (err, 500, "internal_error", "out of memory");
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            if (ri->content_length >= 0)
                break;
            if (cap > max) {
                free (buf);
                mg_disable_connection_keep_alive (ctx->conn);
                return qs_err_set (err, 413, "payload_too_large", "request body over %zu bytes",
                                   max);
            }
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nbuf = realloc (buf, ncap + 1);
            if (!nbuf) {
                free (buf);
                return qs_err_set (err, 500, "internal_error", "out of memory");
            }
            buf = nbuf;
            cap = ncap;
        }
        int n = mg_read (ctx->conn, buf + len, cap - len);
        if (n <= 0)
            break;
        len += (size_t) n;
    }
    if (len > max) {
        free (buf);
        mg_disable_connection_keep_alive (ctx->conn);
        return qs_err_set (err, 413, "payload_too_large", "request body over %zu bytes", max);
    }
    buf[len] = '\0';
    *body_p = buf;
    *len_p = len;
    return 0;
}

//  Build the bus body of a route: POST = parsed JSON object; GET/DELETE =
//  the query parameters; both plus the path parameters (proto/gateway-ops.md).
static json_object *
s_bus_body (qs_gwctx_t *ctx, const qs_route_match_t *m, qs_err_t *err)
{
    const struct mg_request_info *ri = mg_get_request_info (ctx->conn);
    json_object *body = NULL;
    if (m->route->has_body) {
        char *raw = NULL;
        size_t len = 0;
        if (qs_gw_read_body (ctx, m->route->body_max, &raw, &len, err) != 0)
            return NULL;
        int rc = qs_gwreq_parse_body (mg_get_header (ctx->conn, "Content-Type"), raw, len,
                                      &body, err);
        free (raw);
        if (rc != 0)
            return NULL;
        if (m->route->validate && m->route->validate (m->route, body, err) != 0) {
            json_object_put (body);
            return NULL;
        }
    }
    else {
        body = json_object_new_object ();
        if (!body) {
            qs_err_set (err, 500, "internal_error", "out of memory");
            return NULL;
        }
        if (qs_gwreq_add_query (body, ri->query_string, err) != 0) {
            json_object_put (body);
            return NULL;
        }
    }
    if (qs_gwreq_add_params (body, m) != 0) {
        json_object_put (body);
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    return body;
}

//  The bus call of this request: its id, traceparent and deadline
static qs_call_t
s_call (qs_gwctx_t *ctx, const qs_auth_t *auth, const char *service, const char *op,
        json_object *body)
{
    const char *tp = mg_get_header (ctx->conn, "traceparent");
    return (qs_call_t) {
        .service = service,
        .op = op,
        .request_id = ctx->request_id,
        .traceparent = qs_gwreq_traceparent_valid (tp) ? tp : NULL,
        .deadline_ms = qs_now_ms () + ctx->gw->request_timeout_ms,
        .auth = auth,
        .body = body,
    };
}

/*  One call with the gateway's error rules; the answer parsed (reply_p)
    or as text (text_p), whichever is not NULL. */
static int
s_call_either (qs_gwctx_t *ctx, const qs_auth_t *auth, const char *service, const char *op,
               json_object *body, json_object **reply_p, char **text_p, qs_err_t *err)
{
    qs_call_t call = s_call (ctx, auth, service, op, body);
    call.text_p = text_p;
    qs_client_t *client = qs_gw_client (ctx);
    if (!client)
        return qs_err_set (err, 503, "service_unavailable", "the message bus is not reachable");
    int status = qs_client_call (client, &call, reply_p, err, NULL, NULL);
    if (status < 0 && err->status == 503 && !strcmp (err->code, "overloaded") && !err->retry_after)
        err->retry_after = 1;        /* a full queue drains fast: tell clients to come back */
    if (status < 0 && (err->status < 400 || err->status > 599))
        qs_err_set (err, 502, "bad_gateway", "the service gave an invalid answer");
    return status;
}

int
qs_gw_call (qs_gwctx_t *ctx, const qs_auth_t *auth, const char *service, const char *op,
            json_object *body, json_object **reply_p, qs_err_t *err)
{
    *reply_p = NULL;
    return s_call_either (ctx, auth, service, op, body, reply_p, NULL, err);
}

static int
s_call_text (qs_gwctx_t *ctx, const qs_auth_t *auth, const char *service, const char *op,
             json_object *body, char **text_p, qs_err_t *err)
{
    return s_call_either (ctx, auth, service, op, body, NULL, text_p, err);
}

static void
s_dispatch (qs_gwctx_t *ctx, const qs_route_match_t *m, const qs_auth_t *auth)
{
    qs_err_t err;
    qs_err_clear (&err);
    json_object *body = s_bus_body (ctx, m, &err);
    if (!body) {
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    if (m->route->stream) {
        qs_call_t call = s_call (ctx, auth, qs_route_service (m), m->route->op, body);
        qs_gw_stream (ctx, &call);
        json_object_put (body);
        return;
    }
    /* the worker's answer is JSON it wrote itself: relayed as text, not
       parsed and written again */
    char *text = NULL;
    int status = s_call_text (ctx, auth, qs_route_service (m), m->route->op, body, &text, &err);
    if (status < 0)
        qs_gw_send_error (ctx, &err, NULL);
    else
    if (status == 204)
        qs_gw_send (ctx, 204, NULL, NULL, 0, NULL);
    else
        qs_gw_send (ctx, status, "application/json", text ? text : "{}", text ? strlen (text) : 2, NULL);
    free (text);
    json_object_put (body);
}

//  Authenticate, authorise and rate-limit a bus or MCP route, then
//  dispatch it.
static void
s_api (qs_gwctx_t *ctx, const qs_route_match_t *m)
{
    qs_gateway_t *gw = ctx->gw;
    qs_err_t err;
    qs_err_clear (&err);
    //  qs_auth_t carries the raw token (4 KiB): keep it off small stacks
    qs_auth_t *auth = calloc (1, sizeof *auth);
    if (!auth) {
        qs_err_set (&err, 500, "internal_error", "out of memory");
        qs_gw_send_error (ctx, &err, NULL);
        return;
    }
    const char *token = qs_jwt_from_header (mg_get_header (ctx->conn, "Authorization"));
    if (m->route->kind == QS_OP_MCP && !qs_gw_mcp_origin_ok (ctx))
        goto cleanup;
    if (!token) {
        qs_err_set (&err, 401, "unauthorized", "missing bearer token");
        qs_gw_send_error (ctx, &err, NULL);
        goto cleanup;
    }
    if (qs_jwt_verify (gw->jwt, token, qs_now_ms () / 1000, auth, &err) != 0) {
        qs_gw_send_error (ctx, &err, NULL);
        goto cleanup;
    }
    if (!qs_route_allows (m->route, auth->roles)) {
        qs_err_set (&err, 403, "forbidden", "your role does not allow this");
        qs_gw_send_error (ctx, &err, NULL);
        goto cleanup;
    }
    int retry = 0;
    bool org_limited = false;
    if (!qs_ratelimit_take_user_org (gw->limiter, gw->org_limiter, auth->org_id, auth->sub,
                                     qs_mono_ms (), &retry, &org_limited)) {
        qs_err_set (&err, 429, "rate_limited", "too many requests%s; retry in %d s",
                    org_limited ? " from your organisation" : "", retry);
        err.retry_after = retry;
        qs_gw_send_error (ctx, &err, NULL);
        goto cleanup;
    }
    if (m->route->kind == QS_OP_MCP)
        qs_gw_mcp (ctx, m->route, auth);
    else
        s_dispatch (ctx, m, auth);
cleanup:
    explicit_bzero (auth, sizeof *auth);
    free (auth);
}

static void
s_observe (qs_gwctx_t *ctx, const char *method, int64_t start_ms)
{
    qs_metrics_t *metrics = ctx->gw->metrics;
    if (!metrics)
        return;
    char route[160], labels[256];
    qs_metrics_label_escape (route, sizeof route, ctx->route_label);
    const char *meth = (!strcmp (method, "GET") || !strcmp (method, "POST")
                        || !strcmp (method, "DELETE")) ? method : "other";
    snprintf (labels, sizeof labels, "route=\"%s\",method=\"%s\",status=\"%d\"",
              route, meth, ctx->status);
    qs_metrics_inc (metrics, "qs_http_requests_total", labels, 1);
    snprintf (labels, sizeof labels, "route=\"%s\"", route);
    qs_metrics_observe (metrics, "qs_http_request_duration_seconds", labels,
                        (double) (qs_mono_ms () - start_ms) / 1000.0);
    if (ctx->error_code && ctx->status >= 400) {
        char code[64];
        qs_metrics_label_escape (code, sizeof code, ctx->error_code);
        snprintf (labels, sizeof labels, "route=\"%s\",code=\"%s\"", route, code);
        qs_metrics_inc (metrics, "qs_http_errors_total", labels, 1);
    }
}

static int
s_handle (struct mg_connection *conn, void *arg)
{
    int64_t start = qs_mono_ms ();
    qs_gwctx_t ctx = { .gw = arg, .conn = conn, .route_label = "unmatched", .status = 0 };
    atomic_fetch_add (&ctx.gw->in_flight, 1);
    const struct mg_request_info *ri = mg_get_request_info (conn);
    if (qs_gwreq_id (mg_get_header (conn, "X-Request-Id"), ctx.request_id) != 0)
        qs_strlcpy (ctx.request_id, "unknown", sizeof ctx.request_id);
    const char *method = ri->request_method ? ri->request_method : "";
    const char *path = ri->local_uri ? ri->local_uri : "";

    if (strncmp (path, "/api/", 5) != 0 && strcmp (path, "/api") != 0 && strcmp (path, "/mcp") != 0) {
        ctx.route_label = "static";
        qs_gw_static (&ctx, method, path);
        goto done;
    }
    qs_route_match_t m;
    qs_err_t err;
    char allow[64], extra[96];
    if (qs_route_find (method, path, &m, allow, sizeof allow, &err) != 0) {
        snprintf (extra, sizeof extra, "Allow: %s\r\n", allow);
        qs_gw_send_error (&ctx, &err, err.status == 405 ? extra : NULL);
        goto done;
    }
    ctx.route_label = m.route->pattern;
    if (atomic_load (&ctx.gw->draining) && m.route->kind != QS_ROUTE_HEALTH) {
        qs_err_set (&err, 503, "service_unavailable", "the gateway is shutting down; retry");
        err.retry_after = 1;
        qs_gw_send_error (&ctx, &err, "Connection: close\r\n");
        goto done;
    }
    switch (m.route->kind) {
        case QS_ROUTE_HEALTH:  qs_gw_health (&ctx); break;
        case QS_ROUTE_READY:   qs_gw_ready (&ctx); break;
        case QS_ROUTE_METRICS: qs_gw_metrics (&ctx); break;
        case QS_ROUTE_BUS:
        case QS_OP_MCP:        s_api (&ctx, &m); break;
    }
done:
    s_observe (&ctx, method, start);
    qs_debug (ctx.request_id, "method=%s route=%s status=%d ms=%lld", method, ctx.route_label,
              ctx.status, (long long) (qs_mono_ms () - start));
    atomic_fetch_sub (&ctx.gw->in_flight, 1);
    return ctx.status ? ctx.status : 500;
}

//  Errors civetweb answers itself, before a handler runs (a malformed or
//  oversized request head, a head that did not arrive in time): the
//  contract's shape and an X-Request-Id like every other response.
static int
s_http_error (struct mg_connection *conn, int status, const char *msg)
{
    qs_gateway_t *gw = mg_get_user_data (mg_get_context (conn));
    if (!gw)
        return 1;
    qs_gwctx_t ctx = { .gw = gw, .conn = conn, .route_label = "unmatched", .status = 0 };
    qs_gwreq_id (NULL, ctx.request_id);
    qs_err_t err;
    //  civetweb 1.15 says 413 "Message too large" when the head overflows
    //  max_request_size: that is a header problem, 431 in RFC 6585
    if (status == 413)
        qs_err_set (&err, 431, "headers_too_large", "the request headers are too large");
    else
    if (status == 400 && msg && !strcmp (msg, "Malformed message"))
        //  what civetweb 1.15 says for a head that is cut short, too slow or
        //  larger than max_request_size (its read gives up before the 413 test)
        qs_err_set (&err, 400, "bad_request",
                    "the request head was malformed, too large or too slow to arrive");
    else
    if (status >= 400 && status < 500)
        qs_err_set (&err, status, qs_err_code_for_status (status), "%s",
                    msg && *msg ? msg : "bad request");
    else
        return 1;            /* civetweb's own page for anything else */
    qs_gw_send_error (&ctx, &err, "Connection: close\r\n");
    s_observe (&ctx, "other", qs_mono_ms ());
    return 0;
}

static void
s_declare_metrics (qs_metrics_t *m)
{
    static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                      0.5, 1, 2.5, 5, 10, 30 };
    qs_metrics_declare (m, "qs_http_requests_total", QS_METRIC_COUNTER,
                        "HTTP requests by route, method and status", NULL, 0);
    qs_metrics_declare (m, "qs_http_request_duration_seconds", QS_METRIC_HISTOGRAM,
                        "HTTP request duration by route", buckets, sizeof buckets / sizeof buckets[0]);
    qs_metrics_declare (m, "qs_http_errors_total", QS_METRIC_COUNTER,
                        "HTTP error responses by route and error code", NULL, 0);
    qs_metrics_declare (m, "qs_bus_service_workers", QS_METRIC_GAUGE,
                        "Live workers per service, from the broker", NULL, 0);
    qs_metrics_declare (m, "qs_bus_service_queue_depth", QS_METRIC_GAUGE,
                        "Requests queued per service, from the broker", NULL, 0);
    qs_metrics_declare (m, "qs_http_sse_streams_active", QS_METRIC_GAUGE,
                        "Server-sent event streams currently open", NULL, 0);
}

static int
s_auth_in_handler (struct mg_connection *conn, void *cbdata)
{
    (void) conn;
    (void) cbdata;
    return 1;
}

qs_gateway_t *
qs_gateway_new (const qs_gateway_config_t *config, qs_err_t *err)
{
    if (!config || !config->jwt || !config->addr || config->port < 0 || config->port > 65535) {
        qs_err_set (err, 500, "internal_error", "gateway: incomplete configuration");
        return NULL;
    }
    qs_gateway_t *self = calloc (1, sizeof *self);
    if (!self)
        goto oom;
    self->jwt = config->jwt;
    self->metrics = config->metrics;
    self->max_body = config->max_body ? config->max_body : QS_GW_DEFAULT_BODY;
    self->request_timeout_ms = config->request_timeout_ms > 0 ? config->request_timeout_ms
                                                              : QS_GW_DEFAULT_TIMEOUT_MS;
    self->sse_keepalive_ms = config->sse_keepalive_ms > 0 ? config->sse_keepalive_ms
                                                          : QS_GW_DEFAULT_KEEPALIVE_MS;
    qs_mcp_config_t mcfg = { .writes = config->mcp_writes, .version = QS_VERSION };
    self->mcp = qs_mcp_new (&mcfg);
    self->mcp_origins = strdup (config->mcp_origins ? config->mcp_origins : "");
    if (!self->mcp || !self->mcp_origins)
        goto oom;
    self->limiter = qs_ratelimit_new (config->rate_rps, config->rate_burst, 0);
    self->org_limiter = qs_ratelimit_new (config->org_rate_rps, config->org_rate_burst, 0);
    self->broker_endpoint = strdup (config->broker_endpoint ? config->broker_endpoint
                                                            : "tcp://127.0.0.1:5555");
    if (!self->limiter || !self->org_limiter || !self->broker_endpoint)
        goto oom;
    if (config->web_root) {
        self->web_root = realpath (config->web_root, NULL);
        if (!self->web_root)
            qs_warn (NULL, "web root %s not found: / will answer 404", config->web_root);
    }
    if (self->metrics)
        s_declare_metrics (self->metrics);

    char ports[128], threads[16], timeout[16], keepalive[16], header_max[16], linger[16];
    const char *addr = !strcmp (config->addr, "localhost") ? "127.0.0.1" : config->addr;
    if (strchr (addr, ':') && !mg_check_feature (8)) {
        qs_err_set (err, 500, "internal_error",
                    "this civetweb build has no IPv6: listen on an IPv4 address, not %s", addr);
        qs_gateway_destroy (&self);
        return NULL;
    }
    if (strchr (addr, ':'))
        snprintf (ports, sizeof ports, "[%s]:%d", addr, config->port);
    else
        snprintf (ports, sizeof ports, "%s:%d", addr, config->port);
    snprintf (threads, sizeof threads, "%d",
              config->threads > 0 ? config->threads : QS_GW_DEFAULT_THREADS);
    //  civetweb's request_timeout_ms bounds the arrival of the whole request
    //  head (slowloris) and each socket read or write after it
    snprintf (timeout, sizeof timeout, "%d",
              config->io_timeout_ms > 0 ? config->io_timeout_ms : QS_GW_DEFAULT_IO_TIMEOUT_MS);
    snprintf (keepalive, sizeof keepalive, "%d",
              config->keepalive_ms > 0 ? config->keepalive_ms : QS_GW_DEFAULT_HTTP_KEEPALIVE_MS);
    snprintf (header_max, sizeof header_max, "%d",
              config->max_header_bytes > 0 ? config->max_header_bytes : QS_GW_DEFAULT_MAX_HEADER);
    //  -1: SO_LINGER off, close() returns at once (the kernel's default)
    snprintf (linger, sizeof linger, "%d", config->linger_ms > 0 ? config->linger_ms : -1);
    const char *options[] = {
        "listening_ports", ports,
        "num_threads", threads,
        "request_timeout_ms", timeout,
        "enable_keep_alive", config->keepalive_ms < 0 ? "no" : "yes",
        "keep_alive_timeout_ms", keepalive,
        "max_request_size", header_max,
        "linger_timeout_ms", linger,
        "tcp_nodelay", "1",
        NULL
    };
    struct mg_callbacks callbacks;
    memset (&callbacks, 0, sizeof callbacks);
    callbacks.init_thread = s_init_thread;
    callbacks.exit_thread = s_exit_thread;
    callbacks.log_message = s_log_message;
    callbacks.http_error = s_http_error;
    self->ctx = mg_start (&callbacks, self, options);
    if (!self->ctx) {
        qs_err_set (err, 500, "internal_error", "cannot listen on %s", ports);
        qs_gateway_destroy (&self);
        return NULL;
    }
    mg_set_request_handler (self->ctx, "/", s_handle, self);
    //  Every route is authorised by s_handle (bearer tokens); without an
    //  auth handler civetweb looks for a "/.htpasswd" on every request
    mg_set_auth_handler (self->ctx, "/", s_auth_in_handler, NULL);
    qs_info (NULL, "limits: user %g/s burst %g, org %g/s burst %g (0 = off); head %s B within "
             "%s ms, body %zu B, keep-alive %s ms", config->rate_rps, config->rate_burst,
             config->org_rate_rps, config->org_rate_burst, header_max, timeout, self->max_body,
             config->keepalive_ms < 0 ? "off" : keepalive);
    struct mg_server_port sp[2];
    memset (sp, 0, sizeof sp);
    if (mg_get_server_ports (self->ctx, 2, sp) > 0)
        self->port = sp[0].port;
    else
        self->port = config->port;
    return self;
oom:
    qs_gateway_destroy (&self);
    qs_err_set (err, 500, "internal_error", "gateway: out of memory");
    return NULL;
}

void
qs_gateway_drain (qs_gateway_t *self, int grace_ms)
{
    if (!self)
        return;
    atomic_store (&self->draining, true);
    int64_t until = qs_mono_ms () + (grace_ms > 0 ? grace_ms : 0);
    //  a request counts itself until its answer is written
    while (atomic_load (&self->in_flight) > 0 && qs_mono_ms () < until)
        usleep (20000);
    int left = atomic_load (&self->in_flight);
    if (left > 0) {
        qs_warn (NULL, "shutdown: grace of %d ms over with %d request(s) in flight: "
                 "answering them 503", grace_ms, left);
        atomic_store (&self->aborting, true);
        until = qs_mono_ms () + 1000;
        while (atomic_load (&self->in_flight) > 0 && qs_mono_ms () < until)
            usleep (20000);
    }
    qs_info (NULL, "shutdown: drained (%d request(s) left)", atomic_load (&self->in_flight));
}

void
qs_gateway_destroy (qs_gateway_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_gateway_t *self = *self_p;
    if (self->ctx)
        mg_stop (self->ctx);
    qs_ratelimit_destroy (&self->limiter);
    qs_ratelimit_destroy (&self->org_limiter);
    free (self->broker_endpoint);
    free (self->web_root);
    qs_mcp_destroy (&self->mcp);
    free (self->mcp_origins);
    free (self);
    *self_p = NULL;
}

int
qs_gateway_port (qs_gateway_t *self)
{
    return self ? self->port : 0;
}
