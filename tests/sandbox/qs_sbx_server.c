/*  qs_sbx_server - see qs_sbx_server.h */
#include "qs_sbx_server.h"
#include "qs_sbx_faults.h"
#include "qs_sbx_k8s.h"
#include "qs_sbx_platform.h"
#include "qs_sbx_seed.h"
#include "qs_sbx_world.h"
#include "qs_devsecret.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_util.h"
#include <civetweb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define S_MAX_BODY (1024 * 1024)

struct _qs_sbx_server_t {
    qs_sbx_config_t cfg;
    qs_sbx_world_t *world;
    qs_sbx_faults_t *faults;
    struct mg_context *ctx;
    pthread_mutex_t lock;       /* guards the request log */
    struct {
        char method[8];
        char path[160];
        bool key;
    } log[QS_SBX_LOG];
    int nlog;
};

int
qs_sbx_config_parse_addr (qs_sbx_config_t *cfg, const char *addr)
{
    const char *colon = strrchr (addr, ':');
    if (!colon || colon == addr)
        return -1;
    const char *host = addr;
    size_t hlen = (size_t) (colon - addr);
    if (host[0] == '[') {
        if (hlen < 3 || host[hlen - 1] != ']')
            return -1;
        host++;
        hlen -= 2;
    }
    if (hlen >= sizeof cfg->host)
        return -1;
    char *end = NULL;
    long port = strtol (colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535)
        return -1;
    memcpy (cfg->host, host, hlen);
    cfg->host[hlen] = '\0';
    cfg->port = (int) port;
    return 0;
}

int
qs_sbx_config_from_env (qs_sbx_config_t *cfg, qs_err_t *err)
{
    memset (cfg, 0, sizeof *cfg);
    const char *addr = qs_env_str ("QS_SANDBOX_ADDR", QS_SBX_DEFAULT_ADDR);
    if (qs_sbx_config_parse_addr (cfg, addr) != 0)
        return qs_err_set (err, 400, "bad_config", "QS_SANDBOX_ADDR must be host:port, got '%s'", addr);
    if (!qs_is_loopback_host (cfg->host) && !qs_env_bool ("QS_SANDBOX_ALLOW_REMOTE", false))
        return qs_err_set (err, 400, "bad_config",
                           "QS_SANDBOX_ADDR %s is not loopback; the sandbox is a test double and "
                           "refuses that unless QS_SANDBOX_ALLOW_REMOTE=1", cfg->host);
    const char *secret = qs_env_str ("QS_JWT_SECRET", NULL);
    cfg->dev_secret = secret == NULL;
    qs_strlcpy (cfg->secret, secret ? secret : QS_DEV_JWT_SECRET, sizeof cfg->secret);
    qs_strlcpy (cfg->k8s_token, qs_env_str ("QS_SANDBOX_K8S_TOKEN", QS_SBX_K8S_DEFAULT_TOKEN),
                sizeof cfg->k8s_token);
    long delay = 2000;
    if (qs_env_int ("QS_SANDBOX_PROVISION_DELAY_MS", 2000, 0, 600000, &delay) != 0)
        return qs_err_set (err, 400, "bad_config", "QS_SANDBOX_PROVISION_DELAY_MS must be 0..600000");
    cfg->provision_delay_ms = (int) delay;
    return 0;
}

qs_sbx_server_t *
qs_sbx_server_new (const qs_sbx_config_t *cfg, int64_t now_ms)
{
    qs_sbx_server_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = *cfg;
    pthread_mutex_init (&self->lock, NULL);
    self->world = qs_sbx_world_new (cfg->provision_delay_ms);
    self->faults = qs_sbx_faults_new ();
    if (!self->world || !self->faults || qs_sbx_seed_apply (self->world, now_ms) != 0)
        qs_sbx_server_destroy (&self);
    return self;
}

void
qs_sbx_server_destroy (qs_sbx_server_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_sbx_server_t *self = *self_p;
    if (self->ctx)
        mg_stop (self->ctx);
    qs_sbx_world_destroy (&self->world);
    qs_sbx_faults_destroy (&self->faults);
    pthread_mutex_destroy (&self->lock);
    memset (self->cfg.secret, 0, sizeof self->cfg.secret);
    free (self);
    *self_p = NULL;
}

static void
s_control (qs_sbx_server_t *self, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    const char *p = req->path, *m = req->method;
    if (!strcmp (p, "/__sandbox/health") && !strcmp (m, "GET")) {
        json_object *o = json_object_new_object ();
        qs_sbx_world_lock (self->world);
        int n = qs_sbx_world_count (self->world);
        qs_sbx_world_unlock (self->world);
        json_object_object_add (o, "status", json_object_new_string ("ok"));
        json_object_object_add (o, "sandbox", json_object_new_boolean (1));
        json_object_object_add (o, "warning", json_object_new_string ("SANDBOX - not a real platform"));
        json_object_object_add (o, "services", json_object_new_int (n));
        qs_sbx_resp_json (resp, 200, &o);
    }
    else if (!strcmp (p, "/__sandbox/faults") && !strcmp (m, "POST")) {
        qs_err_t err;
        qs_err_clear (&err);
        if (qs_sbx_faults_add_json (self->faults, req->body, req->body_len, &err) != 0)
            qs_sbx_resp_error (resp, err.status, err.code, req->request_id, "%s", err.message);
        else {
            json_object *o = qs_sbx_faults_json (self->faults);
            qs_sbx_resp_json (resp, 201, &o);
        }
    }
    else if (!strcmp (p, "/__sandbox/faults") && !strcmp (m, "GET")) {
        json_object *o = qs_sbx_faults_json (self->faults);
        qs_sbx_resp_json (resp, 200, &o);
    }
    else if (!strcmp (p, "/__sandbox/faults") && !strcmp (m, "DELETE")) {
        qs_sbx_faults_clear (self->faults);
        qs_sbx_resp_text (resp, 204, "application/json", "", 0);
    }
    else if (!strcmp (p, "/__sandbox/reset") && !strcmp (m, "POST")) {
        qs_sbx_faults_clear (self->faults);
        qs_sbx_world_lock (self->world);
        qs_sbx_world_clear (self->world);
        int rc = qs_sbx_seed_apply (self->world, req->now_ms);
        qs_sbx_world_unlock (self->world);
        qs_info (req->request_id, "sandbox reset to its seed");
        if (rc != 0)
            qs_sbx_resp_error (resp, 500, "internal_error", req->request_id, "reseed failed");
        else {
            json_object *o = json_object_new_object ();
            json_object_object_add (o, "status", json_object_new_string ("reset"));
            qs_sbx_resp_json (resp, 200, &o);
        }
    }
    else
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id,
                           "control routes: GET /__sandbox/health, GET|POST|DELETE /__sandbox/faults, POST /__sandbox/reset");
}

void
qs_sbx_server_handle (qs_sbx_server_t *self, const qs_sbx_req_t *req, qs_sbx_resp_t *resp)
{
    qs_sbx_fault_t fault;
    if (!strncmp (req->path, "/__sandbox/", 11)) {
        s_control (self, req, resp);
        return;
    }
    pthread_mutex_lock (&self->lock);
    if (self->nlog < QS_SBX_LOG) {
        qs_strlcpy (self->log[self->nlog].method, req->method, sizeof self->log[0].method);
        qs_strlcpy (self->log[self->nlog].path, req->path, sizeof self->log[0].path);
        self->log[self->nlog++].key = req->idempotency_key && *req->idempotency_key;
    }
    pthread_mutex_unlock (&self->lock);
    int faulted = qs_sbx_faults_take (self->faults, req->method, req->path, &fault);
    if (faulted && fault.status && !fault.truncate) {
        /* answer without touching state: the platform "failed" */
        if (fault.has_body)
            qs_sbx_resp_text (resp, fault.status, "application/json", fault.body, strlen (fault.body));
        else
            qs_sbx_resp_error (resp, fault.status, qs_err_code_for_status (fault.status), req->request_id,
                               "injected fault");
        resp->delay_ms = fault.delay_ms;
        return;
    }
    if (qs_sbx_k8s_owns (req->path))
        qs_sbx_k8s_handle (self->world, self->cfg.k8s_token, req, resp);
    else if (!strncmp (req->path, "/api/v1/", 8))
        qs_sbx_platform_handle (self->world, self->cfg.secret, req, resp);
    else
        qs_sbx_resp_error (resp, 404, "not_found", req->request_id, "no such route");
    if (!faulted)
        return;
    resp->delay_ms = fault.delay_ms;
    if (fault.has_body)
        qs_sbx_resp_text (resp, fault.status ? fault.status : resp->status, "application/json",
                          fault.body, strlen (fault.body));
    else if (fault.truncate && resp->body) {
        resp->body_len /= 2;
        resp->body[resp->body_len] = '\0';
        if (fault.status)
            resp->status = fault.status;
    }
}

int
qs_sbx_server_count (qs_sbx_server_t *self, const char *method, const char *path_prefix, int *with_key_p)
{
    int n = 0, keyed = 0;
    pthread_mutex_lock (&self->lock);
    for (int i = 0; i < self->nlog; i++)
        if ((!method || !strcmp (self->log[i].method, method))
            && !strncmp (self->log[i].path, path_prefix, strlen (path_prefix))) {
            n++;
            keyed += self->log[i].key;
        }
    pthread_mutex_unlock (&self->lock);
    if (with_key_p)
        *with_key_p = keyed;
    return n;
}

static const char *
s_reason (int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

static int
s_on_request (struct mg_connection *conn, void *cbdata)
{
    qs_sbx_server_t *self = cbdata;
    const struct mg_request_info *ri = mg_get_request_info (conn);
    char *body = NULL;
    size_t len = 0;
    qs_sbx_resp_t resp;
    memset (&resp, 0, sizeof resp);
    char rid[64];
    const char *given = mg_get_header (conn, "X-Request-Id");
    if (given && *given && strlen (given) < sizeof rid && !strpbrk (given, "\r\n"))
        qs_strlcpy (rid, given, sizeof rid);
    else if (qs_id_new (rid) != 0)
        qs_strlcpy (rid, "sandbox", sizeof rid);
    long long want = ri->content_length;
    if (want > S_MAX_BODY) {
        qs_sbx_resp_error (&resp, 413, "payload_too_large", rid, "the body exceeds 1 MiB");
        goto send;
    }
    body = malloc (S_MAX_BODY + 1);
    if (!body) {
        qs_sbx_resp_error (&resp, 500, "internal_error", rid, "out of memory");
        goto send;
    }
    for (;;) {
        int n = mg_read (conn, body + len, S_MAX_BODY - len);
        if (n <= 0)
            break;
        len += (size_t) n;
        if (len >= S_MAX_BODY)
            break;
    }
    body[len] = '\0';
    qs_sbx_req_t req = {
        .method = ri->request_method,
        .path = ri->local_uri ? ri->local_uri : "/",
        .query = ri->query_string,
        .authorization = mg_get_header (conn, "Authorization"),
        .idempotency_key = mg_get_header (conn, "Idempotency-Key"),
        .request_id = rid,
        .body = body,
        .body_len = len,
        .now_ms = qs_now_ms (),
    };
    qs_sbx_server_handle (self, &req, &resp);
    qs_info (rid, "%s %s -> %d", req.method, req.path, resp.status);
send:
    if (resp.delay_ms > 0) {
        struct timespec ts = {resp.delay_ms / 1000, (long) (resp.delay_ms % 1000) * 1000000L};
        nanosleep (&ts, NULL);
    }
    mg_printf (conn, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "X-Request-Id: %s\r\nX-QuickSpin-Sandbox: true\r\n%s%s",
               resp.status, s_reason (resp.status),
               resp.content_type[0] ? resp.content_type : "application/json",
               resp.status == 204 ? (size_t) 0 : resp.body_len,
               rid,
               resp.extra_header[0] ? resp.extra_header : "", resp.extra_header[0] ? "\r\n" : "");
    mg_printf (conn, "\r\n");
    if (resp.body_len && resp.status != 204)
        mg_write (conn, resp.body, resp.body_len);
    int status = resp.status ? resp.status : 200;
    free (body);
    qs_sbx_resp_clear (&resp);
    return status;
}

int
qs_sbx_server_start (qs_sbx_server_t *self, qs_err_t *err)
{
    char ports[192];
    if (strchr (self->cfg.host, ':'))
        snprintf (ports, sizeof ports, "[%s]:%d", self->cfg.host, self->cfg.port);
    else
        snprintf (ports, sizeof ports, "%s:%d", self->cfg.host, self->cfg.port);
    const char *options[] = {"listening_ports", ports, "num_threads", "16",
                             "request_timeout_ms", "70000", "enable_keep_alive", "yes",
                             /* answers go out in pieces: no Nagle delay on reused connections */
                             "tcp_nodelay", "1", NULL};
    struct mg_callbacks callbacks;
    memset (&callbacks, 0, sizeof callbacks);
    self->ctx = mg_start (&callbacks, self, options);
    if (!self->ctx)
        return qs_err_set (err, 503, "listen_failed", "could not listen on %s", ports);
    mg_set_request_handler (self->ctx, "/", s_on_request, self);
    return 0;
}
