/*  qs_llm - see qs_llm.h. The retry loop and the breaker live here; one
    HTTP attempt is qs_llm_http.c, the metrics are qs_llm_meter.c. */
#include "qs_llm.h"
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_breaker.h"
#include "qs_llm_http.h"
#include "qs_llm_meter.h"
#include "qs_util.h"

#define QS_LLM_POOL 8

/* how a call ended, for the breaker: only unavailability counts against it */
enum { S_OK, S_FAILED, S_NEUTRAL };

struct _qs_llm_t {
    char *url;                  /* base_url + "/chat/completions" */
    char *api_key;
    char *model;
    char model_label[192];      /* model="..." escaped */
    qs_llm_config_t cfg;        /* ints only; strings above */
    qs_metrics_t *metrics;
    qs_breaker_t *breaker;
    pthread_mutex_t lock;       /* guards everything below */
    int schema_unsupported;
    qs_http_t *pool[QS_LLM_POOL];
    int npool;
};

#define s_breaker_now(self) qs_breaker_state ((self)->breaker, qs_mono_ms ())

void
qs_llm_config_defaults (qs_llm_config_t *cfg)
{
    memset (cfg, 0, sizeof *cfg);
    cfg->model = QS_LLM_DEFAULT_MODEL;
}

static int
s_default (int v, int def)
{
    return v > 0 ? v : def;
}

qs_llm_t *
qs_llm_new (const qs_llm_config_t *cfg)
{
    if (!cfg || !cfg->base_url || !*cfg->base_url)
        return NULL;
    qs_llm_t *self = (qs_llm_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    size_t blen = strlen (cfg->base_url);
    while (blen > 0 && cfg->base_url[blen - 1] == '/')
        blen--;
    self->url = qs_strdupf ("%.*s/chat/completions", (int) blen, cfg->base_url);
    self->api_key = strdup (cfg->api_key ? cfg->api_key : "");
    self->model = strdup (cfg->model && *cfg->model ? cfg->model : QS_LLM_DEFAULT_MODEL);
    pthread_mutex_init (&self->lock, NULL);
    if (!self->url || !self->api_key || !self->model) {
        qs_llm_destroy (&self);
        return NULL;
    }
    char esc[160];
    snprintf (self->model_label, sizeof self->model_label, "model=\"%s\"",
              qs_metrics_label_escape (esc, sizeof esc, self->model));
    self->cfg.timeout_ms = s_default (cfg->timeout_ms, 15000);
    self->cfg.connect_timeout_ms = s_default (cfg->connect_timeout_ms, 3000);
    self->cfg.max_retries = cfg->max_retries < 0 ? 0 : cfg->max_retries == 0 ? 2
                                                                             : cfg->max_retries;
    self->cfg.backoff_base_ms = s_default (cfg->backoff_base_ms, 200);
    self->cfg.backoff_max_ms = s_default (cfg->backoff_max_ms, 5000);
    self->cfg.breaker_threshold = s_default (cfg->breaker_threshold, 5);
    self->cfg.breaker_cooldown_ms = s_default (cfg->breaker_cooldown_ms, 30000);
    self->breaker = qs_breaker_new (self->cfg.breaker_threshold, self->cfg.breaker_cooldown_ms);
    if (!self->breaker) {
        qs_llm_destroy (&self);
        return NULL;
    }
    if (cfg->metrics && qs_llm_set_metrics (self, cfg->metrics)) {
        qs_llm_destroy (&self);
        return NULL;
    }
    return self;
}

qs_llm_t *
qs_llm_new_from_env (qs_metrics_t *metrics)
{
    const char *base = qs_env_str ("QS_LLM_BASE_URL", NULL);
    if (!base)
        return NULL;
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = base;
    cfg.api_key = qs_env_str ("QS_LLM_API_KEY", NULL);
    cfg.model = qs_env_str ("QS_LLM_MODEL", QS_LLM_DEFAULT_MODEL);
    long timeout = 0;
    qs_env_int ("QS_LLM_TIMEOUT_MS", 15000, 100, 600000, &timeout);
    cfg.timeout_ms = (int) timeout;
    cfg.metrics = metrics;
    qs_llm_t *self = qs_llm_new (&cfg);
    if (!self)
        qs_error (NULL, "llm: cannot create the client for QS_LLM_BASE_URL");
    return self;
}

void
qs_llm_destroy (qs_llm_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_llm_t *self = *self_p;
    for (int i = 0; i < self->npool; i++)
        qs_http_destroy (&self->pool[i]);
    if (self->api_key) {
        explicit_bzero (self->api_key, strlen (self->api_key));
        free (self->api_key);
    }
    free (self->url);
    free (self->model);
    qs_breaker_destroy (&self->breaker);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

const char *
qs_llm_model (qs_llm_t *self)
{
    return self->model;
}

int
qs_llm_set_metrics (qs_llm_t *self, qs_metrics_t *m)
{
    if (!m)
        return -1;
    if (qs_llm_meter_declare (m))
        return -1;
    self->metrics = m;
    return 0;
}

int
qs_llm_breaker_state (qs_llm_t *self)
{
    return (int) s_breaker_now (self);
}

/*  Admit a call: 0 (and *trial when it is the half-open probe) or -1 with
    the seconds left before a probe in *wait_s. */
static int
s_breaker_admit (qs_llm_t *self, int *trial, int *wait_s)
{
    int rc = qs_breaker_admit (self->breaker, qs_mono_ms (), trial, wait_s);
    if (self->metrics)
        qs_metrics_set (self->metrics, "qs_llm_breaker_state", NULL,
                        s_breaker_now (self));
    return rc;
}

static void
s_breaker_report (qs_llm_t *self, int outcome, int trial, const char *rid)
{
    int changed = 0;
    qs_breaker_state_t after = qs_breaker_report (self->breaker, qs_mono_ms (),
                                                      outcome == S_FAILED, trial, &changed);
    if (changed) {
        if (after == QS_BREAKER_OPEN)
            qs_warn (rid, "llm: circuit breaker open for %d ms", self->cfg.breaker_cooldown_ms);
        else
            qs_info (rid, "llm: circuit breaker closed");
    }
    if (self->metrics)
        qs_metrics_set (self->metrics, "qs_llm_breaker_state", NULL, after);
}

static qs_http_t *
s_take_handle (qs_llm_t *self)
{
    qs_http_t *http = NULL;
    pthread_mutex_lock (&self->lock);
    if (self->npool > 0)
        http = self->pool[--self->npool];
    pthread_mutex_unlock (&self->lock);
    return http ? http : qs_http_new ();
}

static void
s_give_handle (qs_llm_t *self, qs_http_t *http)
{
    if (!http)
        return;
    pthread_mutex_lock (&self->lock);
    if (self->npool < QS_LLM_POOL) {
        self->pool[self->npool++] = http;
        http = NULL;
    }
    pthread_mutex_unlock (&self->lock);
    qs_http_destroy (&http);
}

/*  Text from outside (API error messages, curl messages) made safe: known
    secret shapes masked and the API key itself cut out. */
static void
s_scrub (qs_llm_t *self, char *dst, size_t size, const char *src)
{
    qs_redact (dst, size, src ? src : "");
    size_t klen = strlen (self->api_key);
    if (klen < 4)
        return;
    char *hit;
    while ((hit = strstr (dst, self->api_key)) != NULL) {
        memset (hit, '*', klen);
    }
}

/*  The API's error code and message, the message scrubbed. */
static void
s_api_error (qs_llm_t *self, const qs_llm_attempt_t *a, char *code, size_t csize, char *msg,
             size_t msize)
{
    char raw[512];
    qs_llm_http_error (a, code, csize, raw, sizeof raw);
    s_scrub (self, msg, msize, raw);
}

static void
s_take_usage (qs_llm_t *self, json_object *usage, qs_llm_result_t *res)
{
    if (!usage)
        return;
    res->prompt_tokens = qs_json_int (usage, "prompt_tokens", -1);
    res->completion_tokens = qs_json_int (usage, "completion_tokens", -1);
    res->queue_time = qs_json_double (usage, "queue_time", -1);
    res->total_time = qs_json_double (usage, "total_time", -1);
    qs_llm_meter_usage (self->metrics, self->model_label, res);
}

static void
s_sleep_ms (int64_t ms)
{
    struct timespec ts = {(time_t) (ms / 1000), (long) (ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep (&ts, &ts) == -1 && errno == EINTR)
        ;
}

/*  Backoff before retry n (0-based): half fixed, half random, capped. */
static int64_t
s_backoff_ms (qs_llm_t *self, int n)
{
    int64_t delay = self->cfg.backoff_base_ms;
    for (int i = 0; i < n && delay < self->cfg.backoff_max_ms; i++)
        delay *= 2;
    if (delay > self->cfg.backoff_max_ms)
        delay = self->cfg.backoff_max_ms;
    uint32_t r = 0;
    if (qs_random_bytes (&r, sizeof r))
        r = (uint32_t) qs_mono_ms ();
    return delay / 2 + (int64_t) (r % (uint32_t) (delay / 2 + 1));
}

static void s_result_reset (qs_llm_result_t *res);

/*  Fill res from a 200 attempt and count its usage. 0 or -1. */
static int
s_take_answer (qs_llm_t *self, qs_llm_attempt_t *a, qs_llm_result_t *res)
{
    json_object *usage = NULL;
    int rc = qs_llm_http_answer (a, res, &usage);
    s_take_usage (self, usage, res);
    if (usage)
        json_object_put (usage);
    return rc;
}

/*  Drop a failed attempt's partial answer but keep the counters. */
static void
s_result_keep_attempts (qs_llm_result_t *res)
{
    int attempts = res->attempts, downgraded = res->schema_downgraded;
    s_result_reset (res);
    res->attempts = attempts;
    res->schema_downgraded = downgraded;
}

static void
s_result_reset (qs_llm_result_t *res)
{
    free (res->content);
    free (res->reasoning);
    if (res->json)
        json_object_put (res->json);
    memset (res, 0, sizeof *res);
    res->prompt_tokens = res->completion_tokens = -1;
    res->queue_time = res->total_time = -1;
}

void
qs_llm_result_free (qs_llm_result_t *res)
{
    if (res)
        s_result_reset (res);
}

int
qs_llm_messages_add (json_object *messages, const char *role, const char *content)
{
    json_object *m = json_object_new_object ();
    if (!m || qs_json_add_str (m, "role", role) || qs_json_add_str (m, "content", content)
        || json_object_array_add (messages, m)) {
        json_object_put (m);
        return -1;
    }
    return 0;
}

/*  The call: attempts, retries, downgrades and the breaker around them. */
static int
s_call (qs_llm_t *self, const qs_llm_request_t *req, int stream, qs_llm_token_fn *on_token,
        void *arg, qs_llm_result_t *res, qs_err_t *err)
{
    assert (self && req && req->messages && res);
    memset (res, 0, sizeof *res);
    s_result_reset (res);
    const char *rid = req->request_id;
    int64_t start = qs_mono_ms ();
    int64_t deadline = start + self->cfg.timeout_ms;
    if (req->deadline_ms > 0 && req->deadline_ms < deadline)
        deadline = req->deadline_ms;
    if (deadline <= start)
        return qs_err_set (err, 504, "deadline_exceeded", "no time left for the LLM call");
    int trial = 0, wait_s = 0;
    if (s_breaker_admit (self, &trial, &wait_s)) {
        if (self->metrics) {
            char labels[256];
            snprintf (labels, sizeof labels, "%s,status=\"breaker_open\"", self->model_label);
            qs_metrics_inc (self->metrics, "qs_llm_requests_total", labels, 1);
        }
        qs_err_set (err, 503, "llm_unavailable", "the LLM is unavailable (circuit open)");
        if (err)
            err->retry_after = wait_s;
        return -1;
    }
    qs_llm_format_t format = req->format;
    pthread_mutex_lock (&self->lock);
    if (format == QS_LLM_JSON_SCHEMA && (self->schema_unsupported || !req->schema)) {
        format = QS_LLM_JSON_OBJECT;
        res->schema_downgraded = 1;
    }
    pthread_mutex_unlock (&self->lock);

    int rc = -1, outcome = S_FAILED, retries = 0, invalid_left = 1;
    char *body = NULL;
    qs_http_t *http = s_take_handle (self);
    qs_llm_attempt_t a;
    memset (&a, 0, sizeof a);
    a.url = self->url;
    a.api_key = self->api_key;
    a.connect_timeout_ms = self->cfg.connect_timeout_ms;
    a.stream = stream;
    a.on_token = on_token;
    a.arg = arg;
    if (!http) {
        qs_err_set (err, 500, "internal", "cannot create an HTTP handle");
        outcome = S_NEUTRAL;
        goto cleanup;
    }
    while (1) {
        free (body);
        body = qs_llm_http_body (self->model, req, format, stream);
        if (!body) {
            qs_err_set (err, 500, "internal", "out of memory");
            outcome = S_NEUTRAL;
            goto cleanup;
        }
        int64_t left = deadline - qs_mono_ms ();
        if (left <= 0) {
            qs_err_set (err, 504, "deadline_exceeded", "the LLM call ran out of time");
            goto cleanup;
        }
        a.body = body;
        a.timeout_ms = (long) left;
        res->attempts++;
        int run = qs_llm_attempt_run (http, &a);
        qs_llm_meter_attempt (self->metrics, self->model_label, &a, run != 0);
        const char *reason = NULL;      /* set = retryable */
        char msg[400] = "";
        if (a.cancelled) {
            qs_err_set (err, 499, "cancelled", "the caller stopped the stream");
            outcome = S_NEUTRAL;
            goto cleanup;
        }
        if (run != 0) {
            if (a.fail == QS_HTTP_TIMEOUT && qs_mono_ms () >= deadline - 5) {
                qs_err_set (err, 504, "deadline_exceeded", "the LLM did not answer in time");
                goto cleanup;
            }
            reason = a.fail == QS_HTTP_TIMEOUT ? "timeout" : "transport";
            s_scrub (self, msg, sizeof msg, a.fail_msg);
        }
        else
        if (a.status == 200) {
            if (a.stream_error[0]) {
                if (a.tokens > 0) {
                    /* tokens already went out: a retry would repeat them */
                    qs_err_set (err, 502, "llm_bad_response", "%s", a.stream_error);
                    goto cleanup;
                }
                reason = "bad_response";
                qs_strlcpy (msg, a.stream_error, sizeof msg);
            }
            else
            if (s_take_answer (self, &a, res)) {
                reason = "bad_response";
                qs_strlcpy (msg, "the response body is not a chat completion", sizeof msg);
            }
            else
            if (format == QS_LLM_TEXT || (res->json = qs_llm_http_content (res->content))) {
                rc = 0;
                outcome = S_OK;
                goto cleanup;
            }
            else {
                if (invalid_left-- > 0 && a.tokens == 0) {
                    qs_warn (rid, "llm: content is not a JSON object, retrying once");
                    qs_llm_meter_retry (self->metrics, "invalid_json");
                    s_result_keep_attempts (res);
                    continue;
                }
                qs_err_set (err, 502, "llm_invalid_output", "the LLM answered invalid JSON");
                outcome = S_NEUTRAL;
                goto cleanup;
            }
        }
        else
        if (a.status == 400) {
            char code[64];
            s_api_error (self, &a, code, sizeof code, msg, sizeof msg);
            if (strcmp (code, "json_validate_failed") == 0) {
                if (invalid_left-- > 0) {
                    qs_warn (rid, "llm: json_validate_failed, retrying once");
                    qs_llm_meter_retry (self->metrics, "json_validate_failed");
                    continue;
                }
                qs_err_set (err, 502, "llm_invalid_output",
                            "the LLM could not produce valid JSON");
                outcome = S_NEUTRAL;
                goto cleanup;
            }
            if (format == QS_LLM_JSON_SCHEMA && qs_llm_http_schema_refused (msg)) {
                qs_warn (rid, "llm: model %s refuses json_schema, using json_object",
                         self->model);
                pthread_mutex_lock (&self->lock);
                self->schema_unsupported = 1;
                pthread_mutex_unlock (&self->lock);
                format = QS_LLM_JSON_OBJECT;
                res->schema_downgraded = 1;
                qs_llm_meter_retry (self->metrics, "schema_unsupported");
                continue;
            }
            qs_err_set (err, 502, "llm_rejected", "the LLM API refused the request: %s", msg);
            outcome = S_NEUTRAL;
            goto cleanup;
        }
        else
        if (a.status == 429 || a.status == 498 || a.status >= 500) {
            reason = a.status == 429 ? "rate_limited" : a.status == 498 ? "capacity_exceeded"
                                                                        : "server_error";
            char code[64];
            s_api_error (self, &a, code, sizeof code, msg, sizeof msg);
        }
        else {
            char code[64];
            s_api_error (self, &a, code, sizeof code, msg, sizeof msg);
            qs_err_set (err, 502, "llm_rejected", "the LLM API answered %ld: %s", a.status, msg);
            outcome = S_NEUTRAL;
            goto cleanup;
        }
        /* retryable */
        int64_t wait = s_backoff_ms (self, retries);
        if (a.retry_after_ms >= 0 && a.retry_after_ms > wait)
            wait = (int64_t) ceil (a.retry_after_ms);
        int exhausted = retries >= self->cfg.max_retries;
        int too_late = qs_mono_ms () + wait >= deadline;
        if (exhausted || too_late) {
            int status = a.status == 429 ? 429 : 503;
            qs_err_set (err, status, status == 429 ? "rate_limited" : "llm_unavailable",
                        "the LLM is unavailable (%s%s%s)%s", reason, msg[0] ? ": " : "", msg,
                        exhausted ? "" : "; a retry would pass the deadline");
            if (err && a.retry_after_ms >= 0)
                err->retry_after = (int) ceil (a.retry_after_ms / 1000.0);
            goto cleanup;
        }
        qs_info (rid, "llm: attempt %d failed (%s), retrying in %lld ms", res->attempts, reason,
                 (long long) wait);
        qs_llm_meter_retry (self->metrics, reason);
        s_sleep_ms (wait);
        retries++;
        s_result_keep_attempts (res);
    }
cleanup:
    if (rc != 0) {
        int attempts = res->attempts, downgraded = res->schema_downgraded;
        s_result_reset (res);
        res->attempts = attempts;
        res->schema_downgraded = downgraded;
        qs_warn (rid, "llm: call failed after %d attempt(s): %s", attempts,
                 err ? err->message : "");
    }
    if (self->metrics)
        qs_metrics_observe (self->metrics, "qs_llm_request_duration_seconds", self->model_label,
                            (double) (qs_mono_ms () - start) / 1000.0);
    s_breaker_report (self, outcome, trial, rid);
    qs_llm_attempt_clear (&a);
    s_give_handle (self, http);
    free (body);
    return rc;
}

int
qs_llm_chat (qs_llm_t *self, const qs_llm_request_t *req, qs_llm_result_t *res, qs_err_t *err)
{
    return s_call (self, req, 0, NULL, NULL, res, err);
}

int
qs_llm_chat_stream (qs_llm_t *self, const qs_llm_request_t *req, qs_llm_token_fn *on_token,
                    void *arg, qs_llm_result_t *res, qs_err_t *err)
{
    return s_call (self, req, 1, on_token, arg, res, err);
}
