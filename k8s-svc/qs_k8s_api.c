/*  qs_k8s_api - see qs_k8s_api.h */
#include "qs_k8s_api.h"
#include "qs_http.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define S_TOKEN_MAX_AGE_MS 60000    /* re-read at least this often, even unchanged */
#define S_MAX_ATTEMPTS     2

struct _qs_k8s_api_t {
    qs_k8s_config_t cfg;
    qs_http_t *http;
    char token[8192];
    bool have_token;
    struct stat token_st;
    int64_t token_read_ms;
    int token_reads;
};

static int
s_http_url (const char *url)
{
    return strncmp (url, "http://", 7) == 0 || strncmp (url, "https://", 8) == 0;
}

int
qs_k8s_config_resolve (qs_k8s_config_t *cfg, const char *sa_dir, const char *default_url,
                       qs_err_t *err)
{
    memset (cfg, 0, sizeof *cfg);
    const char *url = qs_env_str ("QS_K8S_API_URL", NULL);
    const char *host = qs_env_str ("KUBERNETES_SERVICE_HOST", NULL);
    if (url) {
        snprintf (cfg->source, sizeof cfg->source, "env");
        qs_strlcpy (cfg->url, url, sizeof cfg->url);
        qs_strlcpy (cfg->token_file, qs_env_str ("QS_K8S_TOKEN_FILE", ""), sizeof cfg->token_file);
        qs_strlcpy (cfg->ca_file, qs_env_str ("QS_K8S_CA_FILE", ""), sizeof cfg->ca_file);
    }
    else if (host) {
        const char *port = qs_env_str ("KUBERNETES_SERVICE_PORT", "443");
        const char *dir = sa_dir ? sa_dir : QS_K8S_SA_DIR;
        snprintf (cfg->source, sizeof cfg->source, "in-cluster");
        /* an IPv6 service host needs brackets in a URL */
        if (strchr (host, ':'))
            snprintf (cfg->url, sizeof cfg->url, "https://[%s]:%s", host, port);
        else
            snprintf (cfg->url, sizeof cfg->url, "https://%s:%s", host, port);
        snprintf (cfg->token_file, sizeof cfg->token_file, "%s/token", dir);
        snprintf (cfg->ca_file, sizeof cfg->ca_file, "%s/ca.crt", dir);
    }
    else if (default_url) {
        snprintf (cfg->source, sizeof cfg->source, "default");
        qs_strlcpy (cfg->url, default_url, sizeof cfg->url);
        qs_strlcpy (cfg->static_token, qs_env_str ("QS_SANDBOX_K8S_TOKEN", QS_K8S_SANDBOX_TOKEN),
                    sizeof cfg->static_token);
    }
    else
        return qs_err_set (err, 503, "k8s_not_configured",
                           "No Kubernetes API configured: set QS_K8S_API_URL or run in a cluster.");
    if (!s_http_url (cfg->url))
        return qs_err_set (err, 503, "k8s_not_configured",
                           "QS_K8S_API_URL must start with http:// or https://.");
    size_t n = strlen (cfg->url);
    while (n > 0 && cfg->url[n - 1] == '/')
        cfg->url[--n] = '\0';
    return 0;
}

qs_k8s_api_t *
qs_k8s_api_new (const qs_k8s_config_t *cfg)
{
    qs_k8s_api_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = *cfg;
    if (!cfg->token_file[0] && cfg->static_token[0]) {
        qs_strlcpy (self->token, cfg->static_token, sizeof self->token);
        self->have_token = true;
    }
    memset (self->cfg.static_token, 0, sizeof self->cfg.static_token);
    self->http = qs_http_new ();
    if (!self->http) {
        free (self);
        return NULL;
    }
    return self;
}

void
qs_k8s_api_destroy (qs_k8s_api_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_k8s_api_t *self = *self_p;
    qs_http_destroy (&self->http);
    memset (self->token, 0, sizeof self->token);
    free (self);
    *self_p = NULL;
}

int
qs_k8s_api_token_reads (qs_k8s_api_t *self)
{
    return self ? self->token_reads : 0;
}

const char *
qs_k8s_api_url (qs_k8s_api_t *self)
{
    return self ? self->cfg.url : "";
}

/*  Re-read the token file when it changed (projected tokens rotate by an
    atomic symlink swap: inode and mtime change), when it is old, or when
    forced after a 401. Keeps the last good token if the read fails. */
static void
s_token_refresh (qs_k8s_api_t *self, bool force, const char *rid)
{
    struct stat st;
    if (!self->cfg.token_file[0])
        return;
    if (stat (self->cfg.token_file, &st) != 0) {
        if (!self->have_token)
            qs_warn (rid, "k8s token file %s is not readable", self->cfg.token_file);
        return;
    }
    bool changed = !self->have_token || st.st_ino != self->token_st.st_ino
                   || st.st_size != self->token_st.st_size
                   || st.st_mtim.tv_sec != self->token_st.st_mtim.tv_sec
                   || st.st_mtim.tv_nsec != self->token_st.st_mtim.tv_nsec;
    if (!force && !changed && qs_mono_ms () - self->token_read_ms < S_TOKEN_MAX_AGE_MS)
        return;
    FILE *f = fopen (self->cfg.token_file, "r");
    if (!f)
        return;
    char buf[sizeof self->token];
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (n > 0) {
        memcpy (self->token, buf, n + 1);
        self->have_token = true;
        self->token_st = st;
        self->token_read_ms = qs_mono_ms ();
        self->token_reads++;
    }
    memset (buf, 0, sizeof buf);
}

/*  Kubernetes' Status message, redacted, into out. */
static void
s_status_message (const char *body, char *out, size_t size)
{
    const char *why;
    out[0] = '\0';
    if (!body || !*body)
        return;
    json_object *o = qs_json_parse (body, strlen (body), &why);
    const char *msg = qs_json_str (o, "message", NULL);
    if (msg) {
        char clean[400];
        qs_redact (clean, sizeof clean, msg);
        snprintf (out, size, " Kubernetes said: %.200s", clean);
    }
    json_object_put (o);
}

static void
s_map_error (qs_err_t *err, const qs_http_resp_t *r, const char *what)
{
    char km[260];
    const char *obj = what && *what ? what : "the Kubernetes object";
    if (r->status == 0) {
        if (r->fail == QS_HTTP_TIMEOUT)
            qs_err_set (err, 504, "k8s_timeout",
                        "The Kubernetes API did not answer in time while reading %s.", obj);
        else if (r->fail == QS_HTTP_TOO_LARGE)
            qs_err_set (err, 502, "k8s_bad_response", "The Kubernetes API answer for %s was too large.", obj);
        else
            qs_err_set (err, 503, "k8s_unreachable",
                        "The Kubernetes API cannot be reached right now (%s). Try again shortly.",
                        r->detail);
        return;
    }
    s_status_message (r->body, km, sizeof km);
    switch (r->status) {
        case 400:
            qs_err_set (err, 400, "bad_request", "Kubernetes rejected the request for %s.%s", obj, km);
            break;
        case 401:
            qs_err_set (err, 503, "k8s_unauthorized",
                        "quickspin-k8s is not authenticated to the Kubernetes API (its service "
                        "account token was rejected). An operator must fix its credentials.");
            break;
        case 403:
            qs_err_set (err, 503, "k8s_forbidden",
                        "quickspin-k8s is not permitted (RBAC) to access %s. An operator must "
                        "grant it the needed role.", obj);
            break;
        case 404:
            qs_err_set (err, 404, "not_found", "%s was not found.", obj);
            break;
        case 409:
            qs_err_set (err, 409, "conflict", "%s changed at the same time; try again.%s", obj, km);
            break;
        case 422:
            qs_err_set (err, 422, "unprocessable_entity", "Kubernetes refused the change to %s.%s", obj, km);
            break;
        case 429:
            qs_err_set (err, 429, "rate_limited",
                        "The Kubernetes API is throttling requests; try again in %d seconds.",
                        r->retry_after > 0 ? r->retry_after : 5);
            err->retry_after = r->retry_after > 0 ? r->retry_after : 5;
            break;
        default:
            if (r->status >= 500)
                qs_err_set (err, 503, "k8s_unavailable",
                            "The Kubernetes API is having trouble (HTTP %ld). Try again shortly.", r->status);
            else
                qs_err_set (err, 502, "k8s_bad_response",
                            "The Kubernetes API answered unexpectedly (HTTP %ld) for %s.", r->status, obj);
    }
    if (err && err->message[0] >= 'a' && err->message[0] <= 'z')
        err->message[0] = (char) (err->message[0] - 'a' + 'A');
}

static void
s_sleep_ms (int64_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep (&ts, &ts) != 0)
        ;
}

int
qs_k8s_api_request (qs_k8s_api_t *self, const char *method, const char *path,
                    const char *body, const char *content_type, int64_t deadline_ms,
                    const char *request_id, const char *what, long *status_p,
                    char **text_p, qs_err_t *err)
{
    char url[2048];
    qs_http_resp_t resp = {0};
    int rc = -1;
    bool reauthed = false;
    /* a pod's DELETE is a restart: a repeat would restart the recreated pod
       again, so it is sent exactly once (contract section 9) */
    bool retry = strcmp (method, "POST") != 0 && strcmp (method, "DELETE") != 0;
    if (status_p)
        *status_p = 0;
    if (text_p)
        *text_p = NULL;
    if ((size_t) snprintf (url, sizeof url, "%s%s", self->cfg.url, path) >= sizeof url)
        return qs_err_set (err, 400, "bad_request", "Kubernetes request path too long");
    s_token_refresh (self, false, request_id);
    for (int attempt = 0; attempt < S_MAX_ATTEMPTS + (reauthed ? 1 : 0); attempt++) {
        int64_t remaining = deadline_ms - qs_now_ms ();
        if (remaining <= 0) {
            if (attempt == 0 || resp.status == 0) {
                qs_http_resp_t late = {.fail = QS_HTTP_TIMEOUT};
                s_map_error (err, &late, what);
            }
            goto cleanup;
        }
        qs_http_resp_clear (&resp);
        qs_http_req_t req = {
            .method = method, .url = url, .bearer = self->have_token ? self->token : NULL,
            .body = body, .body_len = body ? strlen (body) : 0, .content_type = content_type,
            .ca_file = self->cfg.ca_file[0] ? self->cfg.ca_file : NULL, .timeout_ms = remaining,
        };
        qs_http_perform (self->http, &req, &resp);
        if (status_p)
            *status_p = resp.status;
        qs_debug (request_id, "k8s %s %s -> %ld %s", method, path, resp.status,
                  resp.status ? "" : resp.detail);
        if (resp.status >= 200 && resp.status < 300)
            break;
        if (attempt > 0 && resp.status == 404 && strcmp (method, "DELETE") == 0) {
            resp.status = 200;      /* the first attempt got through */
            break;
        }
        s_map_error (err, &resp, what);
        if (resp.status == 401 && !reauthed && self->cfg.token_file[0]) {
            reauthed = true;
            s_token_refresh (self, true, request_id);
            continue;
        }
        bool transient = resp.status == 0 ? resp.fail == QS_HTTP_CONNECT
                                          : (resp.status == 429 || resp.status >= 500);
        if (!retry || !transient || attempt + 1 >= S_MAX_ATTEMPTS)
            goto cleanup;
        int64_t wait = 100 + (int64_t) (qs_mono_ms () % 100);
        if (resp.retry_after > 0)
            wait = (int64_t) resp.retry_after * 1000;
        if (wait >= deadline_ms - qs_now_ms ())
            goto cleanup;
        qs_warn (request_id, "k8s %s %s failed (%s); retrying in %lld ms", method, path,
                 err->code, (long long) wait);
        s_sleep_ms (wait);
    }
    if (!(resp.status >= 200 && resp.status < 300))
        goto cleanup;
    if (text_p) {
        *text_p = resp.body;
        resp.body = NULL;
    }
    rc = 0;
cleanup:
    qs_http_resp_clear (&resp);
    return rc;
}

int
qs_k8s_api_get_json (qs_k8s_api_t *self, const char *path, int64_t deadline_ms,
                     const char *request_id, const char *what, long *status_p,
                     json_object **obj_p, qs_err_t *err)
{
    char *text = NULL;
    const char *why;
    *obj_p = NULL;
    if (qs_k8s_api_request (self, "GET", path, NULL, NULL, deadline_ms, request_id, what,
                            status_p, &text, err) != 0)
        return -1;
    json_object *o = qs_json_parse (text, strlen (text), &why);
    free (text);
    if (!json_object_is_type (o, json_type_object)) {
        json_object_put (o);
        qs_warn (request_id, "k8s GET %s: unreadable body (%s)", path, why);
        return qs_err_set (err, 502, "k8s_bad_response",
                           "The Kubernetes API sent an unreadable answer for %s.",
                           what ? what : "the request");
    }
    *obj_p = o;
    return 0;
}
