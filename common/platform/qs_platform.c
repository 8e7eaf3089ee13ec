/*  qs_platform - see qs_platform.h */
#include "qs_platform.h"
#include "qs_http.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_MAX_ATTEMPTS   3
#define S_BACKOFF_BASE   100        /* ms, doubled per attempt, full jitter */
#define S_BACKOFF_CAP    2000

struct _qs_platform_t {
    char base[512];
    qs_http_t *http;
};

qs_platform_t *
qs_platform_new (const char *base_url)
{
    const char *url = base_url ? base_url : qs_env_str ("QS_PLATFORM_URL", QS_PLATFORM_DEFAULT_URL);
    if (strncmp (url, "http://", 7) != 0 && strncmp (url, "https://", 8) != 0)
        return NULL;
    qs_platform_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (qs_strlcpy (self->base, url, sizeof self->base) >= sizeof self->base)
        goto fail;
    size_t n = strlen (self->base);
    while (n > 0 && self->base[n - 1] == '/')
        self->base[--n] = '\0';
    self->http = qs_http_new ();
    if (!self->http)
        goto fail;
    return self;
fail:
    free (self);
    return NULL;
}

void
qs_platform_destroy (qs_platform_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_http_destroy (&(*self_p)->http);
    free (*self_p);
    *self_p = NULL;
}

const char *
qs_platform_url (qs_platform_t *self)
{
    return self ? self->base : "";
}

/* ---- error mapping ---- */

/*  The platform's own message, when its body has the contract's error shape
    (or a bare "message"), redacted into out. */
static void
s_platform_message (const char *body, char *out, size_t size)
{
    out[0] = '\0';
    if (!body || !*body)
        return;
    const char *why;
    json_object *o = qs_json_parse (body, strlen (body), &why);
    const char *msg = NULL;
    if (o) {
        json_object *e = qs_json_get (o, "error", json_type_object);
        msg = qs_json_str (e, "message", NULL);
        if (!msg)
            msg = qs_json_str (o, "message", NULL);
        if (!msg)
            msg = qs_json_str (o, "error", NULL);
    }
    if (msg) {
        char clean[512];
        qs_redact (clean, sizeof clean, msg);
        /* keep it to one short line */
        for (char *p = clean; *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t')
                *p = ' ';
        snprintf (out, size, "%.200s", clean);
    }
    json_object_put (o);
}

void
qs_platform_map_error (qs_err_t *err, long http_status, int fail, const char *body,
                       int retry_after, const char *what)
{
    char pm[256];
    char said[300] = "";
    const char *obj = what && *what ? what : "the requested resource";
    if (!err)
        return;
    if (http_status == 0) {
        switch ((qs_http_fail_t) fail) {
            case QS_HTTP_TIMEOUT:
                qs_err_set (err, 504, "platform_timeout",
                            "The QuickSpin platform did not answer in time. Nothing was "
                            "changed by this request unless stated; try again in a moment.");
                return;
            case QS_HTTP_CONNECT:
                qs_err_set (err, 503, "platform_unreachable",
                            "The QuickSpin platform cannot be reached right now (connection "
                            "failed). Try again in a minute; if it persists, check the platform status.");
                return;
            case QS_HTTP_TLS:
                qs_err_set (err, 503, "platform_unreachable",
                            "A secure connection to the QuickSpin platform could not be "
                            "established (TLS/certificate problem). Contact your administrator.");
                return;
            case QS_HTTP_TOO_LARGE:
                qs_err_set (err, 502, "platform_bad_response",
                            "The QuickSpin platform sent a response that is too large to handle.");
                return;
            default:
                qs_err_set (err, 503, "platform_unreachable",
                            "The QuickSpin platform request failed before an answer arrived. "
                            "Try again in a minute.");
                return;
        }
    }
    s_platform_message (body, pm, sizeof pm);
    if (*pm)
        snprintf (said, sizeof said, " The platform said: %s", pm);
    switch (http_status) {
        case 400:
            qs_err_set (err, 422, "unprocessable_entity",
                        "The QuickSpin platform rejected the request as invalid.%s", said);
            break;
        case 401:
            qs_err_set (err, 401, "unauthorized",
                        "The QuickSpin platform did not accept your credentials (your session "
                        "may have expired). Sign in again and retry.%s", said);
            break;
        case 403:
            qs_err_set (err, 403, "forbidden",
                        "Your account is not allowed to do this on the QuickSpin platform; ask "
                        "an admin of your organization for the needed role.%s", said);
            break;
        case 404:
            qs_err_set (err, 404, "not_found",
                        "%s was not found in your organization. Check the name or id "
                        "(list your services to see them).%s", obj, said);
            err->message[0] = (char) toupper ((unsigned char) err->message[0]);
            break;
        case 409:
            qs_err_set (err, 409, "conflict",
                        "This conflicts with the current state of %s (it may be changing "
                        "right now). Refresh and try again.%s", obj, said);
            break;
        case 422:
            qs_err_set (err, 422, "unprocessable_entity",
                        "The QuickSpin platform rejected these settings.%s", said);
            break;
        case 429:
            qs_err_set (err, 429, "rate_limited",
                        "The QuickSpin platform is limiting requests right now. Wait %d "
                        "seconds and try again.%s", retry_after > 0 ? retry_after : 5, said);
            err->retry_after = retry_after > 0 ? retry_after : 5;
            break;
        default:
            if (http_status >= 500) {
                qs_err_set (err, 503, "platform_unavailable",
                            "The QuickSpin platform is having trouble (HTTP %ld). Nothing "
                            "more was done; try again in a few minutes.", http_status);
                err->retry_after = retry_after > 0 ? retry_after : 0;
            }
            else
                qs_err_set (err, 502, "platform_bad_response",
                            "The QuickSpin platform answered unexpectedly (HTTP %ld).%s",
                            http_status, said);
            break;
    }
}

/* ---- the call loop ---- */

static bool
s_retryable (const qs_http_resp_t *r)
{
    if (r->status == 0)
        return r->fail == QS_HTTP_CONNECT || r->fail == QS_HTTP_OTHER;
    return r->status == 429 || r->status == 500 || r->status == 502 || r->status == 503
           || r->status == 504;
}

static void
s_sleep_ms (int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep (&ts, &ts) != 0)
        ;
}

/*  Jittered backoff for attempt n (0-based), honouring Retry-After. */
static int64_t
s_backoff_ms (int attempt, int retry_after)
{
    uint32_t r = 0;
    int64_t ceiling = (int64_t) S_BACKOFF_BASE << attempt;
    if (ceiling > S_BACKOFF_CAP)
        ceiling = S_BACKOFF_CAP;
    if (qs_random_bytes (&r, sizeof r) != 0)
        r = (uint32_t) qs_mono_ms ();
    int64_t ms = ceiling / 2 + (int64_t) (r % (uint32_t) (ceiling / 2 + 1));
    if (retry_after > 0 && (int64_t) retry_after * 1000 > ms)
        ms = (int64_t) retry_after * 1000;
    return ms;
}

/*  Perform method path with body (may be NULL). On success *out_p is the
    parsed object (NULL for 204). want_body: a JSON object is required. */
static int
s_call (qs_platform_t *self, const qs_platform_ctx_t *ctx, const char *method,
        const char *path, json_object *body, const char *idem_key, bool retry,
        const char *what, json_object **out_p, qs_err_t *err)
{
    char url[1024];
    char idem_hdr[200];
    const char *headers[3] = {NULL, NULL, NULL};
    const char *rid = ctx ? ctx->request_id : NULL;
    qs_http_resp_t resp = {0};
    int rc = -1;

    if (out_p)
        *out_p = NULL;
    if (!self || !ctx || !ctx->auth) {
        qs_err_set (err, 500, "internal_error", "platform client misused (no caller identity)");
        return -1;
    }
    if (!ctx->auth->token[0]) {
        qs_err_set (err, 401, "unauthorized",
                    "No credentials to act on the QuickSpin platform on your behalf. Sign in and retry.");
        return -1;
    }
    if ((size_t) snprintf (url, sizeof url, "%s%s", self->base, path) >= sizeof url) {
        qs_err_set (err, 400, "bad_request", "request path too long");
        return -1;
    }
    size_t nh = 0;
    char rid_hdr[160];
    if (rid && *rid) {
        snprintf (rid_hdr, sizeof rid_hdr, "X-Request-Id: %.120s", rid);
        headers[nh++] = rid_hdr;
    }
    if (idem_key) {
        snprintf (idem_hdr, sizeof idem_hdr, "Idempotency-Key: %s", idem_key);
        headers[nh++] = idem_hdr;
    }
    const char *text = body ? qs_json_text (body) : NULL;
    for (int attempt = 0; attempt < S_MAX_ATTEMPTS; attempt++) {
        int64_t remaining = ctx->deadline_ms - qs_now_ms ();
        if (remaining <= 0) {
            if (attempt == 0 || resp.status == 0)
                qs_platform_map_error (err, 0, QS_HTTP_TIMEOUT, NULL, 0, what);
            /* else err already holds the last attempt's mapped error */
            goto cleanup;
        }
        qs_http_resp_clear (&resp);
        qs_http_req_t req = {
            .method = method, .url = url, .bearer = ctx->auth->token, .headers = headers,
            .body = text, .body_len = text ? strlen (text) : 0, .timeout_ms = remaining,
        };
        int64_t t0 = qs_mono_ms ();
        qs_http_perform (self->http, &req, &resp);
        qs_debug (rid, "platform %s %s -> %ld (%s) in %lld ms", method, path, resp.status,
                  resp.status ? "http" : resp.detail, (long long) (qs_mono_ms () - t0));
        if (resp.status >= 200 && resp.status < 300)
            break;
        if (attempt > 0 && resp.status == 404 && strcmp (method, "DELETE") == 0) {
            /* an earlier attempt got through before its answer was lost */
            resp.status = 204;
            break;
        }
        qs_platform_map_error (err, resp.status, resp.fail, resp.body, resp.retry_after, what);
        if (!retry || ctx->once || !s_retryable (&resp) || attempt + 1 >= S_MAX_ATTEMPTS)
            goto cleanup;
        int64_t wait = s_backoff_ms (attempt, resp.retry_after);
        remaining = ctx->deadline_ms - qs_now_ms ();
        if (wait >= remaining)
            goto cleanup;           /* no time for another attempt: report this one */
        qs_warn (rid, "platform %s %s failed (%s, status %ld); retry %d in %lld ms", method,
                 path, err->code, resp.status, attempt + 1, (long long) wait);
        s_sleep_ms (wait);
    }
    if (!(resp.status >= 200 && resp.status < 300))
        goto cleanup;
    if (resp.status == 204 || !out_p) {
        rc = 0;
        goto cleanup;
    }
    const char *why = "empty body";
    json_object *obj = resp.len ? qs_json_parse (resp.body, resp.len, &why) : NULL;
    if (!obj || !json_object_is_type (obj, json_type_object)) {
        json_object_put (obj);
        qs_warn (rid, "platform %s %s: unreadable body (%s)", method, path, why);
        qs_err_set (err, 502, "platform_bad_response",
                    "The QuickSpin platform sent an answer that could not be read. Try again "
                    "in a minute; if it persists, contact support.");
        goto cleanup;
    }
    *out_p = obj;
    rc = 0;
cleanup:
    qs_http_resp_clear (&resp);
    return rc;
}

/* ---- operations ---- */

/*  Service ids go into a path: allow only an id-ish alphabet. */
static int
s_check_id (const char *id, qs_err_t *err)
{
    size_t n = id ? strlen (id) : 0;
    if (n == 0 || n > 128)
        goto bad;
    for (size_t i = 0; i < n; i++)
        if (!isalnum ((unsigned char) id[i]) && !strchr ("-_.", id[i]))
            goto bad;
    if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
        goto bad;
    return 0;
bad:
    return qs_err_set (err, 404, "not_found",
                       "Service '%.64s' was not found in your organization.", id ? id : "");
}

static json_object *
s_take_array (json_object *obj, const char *key, bool need_id)
{
    json_object *arr = qs_json_get (obj, key, json_type_array);
    json_object *out = json_object_new_array ();
    if (!out)
        return NULL;
    size_t n = arr ? json_object_array_length (arr) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx (arr, i);
        if (!json_object_is_type (e, json_type_object))
            continue;
        if (need_id && !*qs_json_str (e, "id", ""))
            continue;
        json_object_array_add (out, json_object_get (e));
    }
    return out;
}

static int
s_bad_shape (const qs_platform_ctx_t *ctx, const char *what, qs_err_t *err)
{
    qs_warn (ctx ? ctx->request_id : NULL, "platform answer for %s lacks required fields", what);
    return qs_err_set (err, 502, "platform_bad_response",
                       "The QuickSpin platform sent an incomplete answer for %s. Try again "
                       "in a minute.", what);
}

int
qs_platform_list_services (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                           json_object **services_p, qs_err_t *err)
{
    json_object *obj = NULL;
    *services_p = NULL;
    if (s_call (self, ctx, "GET", "/api/v1/services", NULL, NULL, true, "your services",
                &obj, err) != 0)
        return -1;
    if (!qs_json_get (obj, "services", json_type_array)) {
        json_object_put (obj);
        return s_bad_shape (ctx, "your services", err);
    }
    *services_p = s_take_array (obj, "services", true);
    json_object_put (obj);
    return *services_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}

int
qs_platform_get_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                         const char *service_id, json_object **service_p, qs_err_t *err)
{
    char path[256], what[160];
    *service_p = NULL;
    if (s_check_id (service_id, err) != 0)
        return -1;
    snprintf (path, sizeof path, "/api/v1/services/%s", service_id);
    snprintf (what, sizeof what, "service '%s'", service_id);
    if (s_call (self, ctx, "GET", path, NULL, NULL, true, what, service_p, err) != 0)
        return -1;
    if (!*qs_json_str (*service_p, "id", "")) {
        json_object_put (*service_p);
        *service_p = NULL;
        return s_bad_shape (ctx, what, err);
    }
    return 0;
}

int
qs_platform_create_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                            json_object *config, const char *idempotency_key,
                            json_object **service_p, qs_err_t *err)
{
    *service_p = NULL;
    size_t kl = idempotency_key ? strlen (idempotency_key) : 0;
    if (kl == 0 || kl > 128)
        return qs_err_set (err, 500, "internal_error",
                           "provision request without a valid idempotency key");
    for (size_t i = 0; i < kl; i++)
        if (!isgraph ((unsigned char) idempotency_key[i]))
            return qs_err_set (err, 500, "internal_error",
                               "provision request with a malformed idempotency key");
    if (!json_object_is_type (config, json_type_object))
        return qs_err_set (err, 422, "unprocessable_entity", "The service configuration is missing.");
    if (s_call (self, ctx, "POST", "/api/v1/services", config, idempotency_key, true,
                "the new service", service_p, err) != 0)
        return -1;
    if (!*qs_json_str (*service_p, "id", "")) {
        json_object_put (*service_p);
        *service_p = NULL;
        return s_bad_shape (ctx, "the new service", err);
    }
    return 0;
}

int
qs_platform_patch_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                           const char *service_id, json_object *fields,
                           json_object **service_p, qs_err_t *err)
{
    static const char *allowed[] = {"tier", "replicas", "high_availability", "backup_enabled", NULL};
    char path[256], what[160];
    *service_p = NULL;
    if (s_check_id (service_id, err) != 0)
        return -1;
    json_object *body = json_object_new_object ();
    if (!body)
        return qs_err_set (err, 500, "internal_error", "out of memory");
    for (int i = 0; allowed[i]; i++) {
        json_object *v;
        if (json_object_is_type (fields, json_type_object)
            && json_object_object_get_ex (fields, allowed[i], &v) && v)
            json_object_object_add (body, allowed[i], json_object_get (v));
    }
    if (json_object_object_length (body) == 0) {
        json_object_put (body);
        return qs_err_set (err, 422, "unprocessable_entity",
                           "Nothing to change: give a tier, replicas, high_availability or backup_enabled.");
    }
    snprintf (path, sizeof path, "/api/v1/services/%s", service_id);
    snprintf (what, sizeof what, "service '%s'", service_id);
    int rc = s_call (self, ctx, "PATCH", path, body, ctx ? ctx->idempotency_key : NULL, true, what, service_p, err);
    json_object_put (body);
    if (rc != 0)
        return -1;
    if (!*qs_json_str (*service_p, "id", "")) {
        json_object_put (*service_p);
        *service_p = NULL;
        return s_bad_shape (ctx, what, err);
    }
    return 0;
}

int
qs_platform_delete_service (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                            const char *service_id, qs_err_t *err)
{
    char path[256], what[160];
    if (s_check_id (service_id, err) != 0)
        return -1;
    snprintf (path, sizeof path, "/api/v1/services/%s", service_id);
    snprintf (what, sizeof what, "service '%s'", service_id);
    return s_call (self, ctx, "DELETE", path, NULL, ctx ? ctx->idempotency_key : NULL, true, what, NULL, err);
}

int
qs_platform_service_metrics (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                             const char *service_id, const char *window,
                             json_object **metrics_p, qs_err_t *err)
{
    char path[320], what[160];
    *metrics_p = NULL;
    if (s_check_id (service_id, err) != 0)
        return -1;
    const char *w = window && *window ? window : "7d";
    if (strlen (w) > 8 || strspn (w, "0123456789abcdefghijklmnopqrstuvwxyz") != strlen (w))
        return qs_err_set (err, 422, "unprocessable_entity",
                           "Unknown metrics window '%.16s' (use e.g. 1h, 24h, 7d, 30d).", w);
    snprintf (path, sizeof path, "/api/v1/services/%s/metrics?window=%s", service_id, w);
    snprintf (what, sizeof what, "service '%s'", service_id);
    return s_call (self, ctx, "GET", path, NULL, NULL, true, what, metrics_p, err);
}

int
qs_platform_service_logs (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                          const char *service_id, int tail, json_object **lines_p, qs_err_t *err)
{
    char path[320], what[160];
    json_object *obj = NULL;
    *lines_p = NULL;
    if (s_check_id (service_id, err) != 0)
        return -1;
    tail = tail < 1 ? 1 : tail > 1000 ? 1000 : tail;
    snprintf (path, sizeof path, "/api/v1/services/%s/logs?tail=%d", service_id, tail);
    snprintf (what, sizeof what, "service '%s'", service_id);
    if (s_call (self, ctx, "GET", path, NULL, NULL, true, what, &obj, err) != 0)
        return -1;
    *lines_p = s_take_array (obj, "lines", false);
    json_object_put (obj);
    return *lines_p ? 0 : qs_err_set (err, 500, "internal_error", "out of memory");
}

int
qs_platform_pricing (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                     json_object **pricing_p, qs_err_t *err)
{
    *pricing_p = NULL;
    if (s_call (self, ctx, "GET", "/api/v1/pricing", NULL, NULL, true, "pricing",
                pricing_p, err) != 0)
        return -1;
    if (!qs_json_get (*pricing_p, "tiers", json_type_object)) {
        json_object_put (*pricing_p);
        *pricing_p = NULL;
        return s_bad_shape (ctx, "pricing", err);
    }
    return 0;
}

int
qs_platform_quotas (qs_platform_t *self, const qs_platform_ctx_t *ctx,
                    json_object **quotas_p, qs_err_t *err)
{
    *quotas_p = NULL;
    return s_call (self, ctx, "GET", "/api/v1/quotas", NULL, NULL, true, "your quotas",
                   quotas_p, err);
}
