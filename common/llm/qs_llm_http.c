/*  qs_llm_http - see qs_llm_http.h */
#include "qs_llm_http.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "qs_json.h"
#include "qs_sse.h"
#include "qs_util.h"

void
qs_llm_attempt_clear (qs_llm_attempt_t *a)
{
    free (a->raw);
    qs_buf_destroy (&a->content);
    qs_buf_destroy (&a->reasoning);
    if (a->usage)
        json_object_put (a->usage);
    a->raw = NULL;
    a->raw_len = 0;
    a->usage = NULL;
    a->status = 0;
    a->fail = QS_HTTP_OK;
    a->fail_msg[0] = '\0';
    a->retry_after_ms = -1;
    a->nrl = 0;
    a->id[0] = a->finish_reason[0] = a->stream_error[0] = '\0';
    a->done = a->tokens = a->cancelled = 0;
}

/*  The headers the retry policy and the meter read: retry-after-ms,
    retry-after (seconds, fractions allowed) and x-ratelimit-remaining-*. */
static void
s_read_headers (qs_llm_attempt_t *a, const qs_http_resp_t *resp)
{
    size_t pos = 0;
    const char *name, *value;
    a->retry_after_ms = -1;
    a->nrl = 0;
    while (qs_http_resp_header_next (resp, &pos, &name, &value)) {
        char *end;
        if (strcasecmp (name, "retry-after-ms") == 0) {
            double ms = strtod (value, &end);
            if (end != value && ms >= 0)
                a->retry_after_ms = ms;
        }
        else
        if (strcasecmp (name, "retry-after") == 0) {
            double s = strtod (value, &end);
            /* an HTTP-date form is ignored: backoff applies */
            if (end != value && *end == '\0' && s >= 0 && a->retry_after_ms < 0)
                a->retry_after_ms = s * 1000.0;
        }
        else
        if (strncasecmp (name, "x-ratelimit-remaining-", 22) == 0 && name[22]
            && a->nrl < QS_LLM_MAX_RL) {
            double v = strtod (value, &end);
            if (end == value)
                continue;
            /* the kind becomes a label: keep it to a safe alphabet */
            size_t k = 0;
            for (const char *p = name + 22; *p && k < sizeof a->rl[0].kind - 1; p++)
                if (isalnum ((unsigned char) *p) || *p == '-' || *p == '_')
                    a->rl[a->nrl].kind[k++] = (char) tolower ((unsigned char) *p);
            a->rl[a->nrl].kind[k] = '\0';
            if (k) {
                a->rl[a->nrl].value = v;
                a->nrl++;
            }
        }
    }
}

/*  Append text to *buf (created on first use). 0, or -1 when too large. */
static int
s_add (qs_buf_t **buf, const char *text, size_t len)
{
    if (!*buf && !(*buf = qs_buf_new (0)))
        return -1;
    return qs_buf_append (*buf, text, len);
}

static int
s_on_event (const qs_sse_event_t *ev, void *arg)
{
    qs_llm_attempt_t *a = (qs_llm_attempt_t *) arg;
    const char *data = ev->data;
    size_t len = ev->len;
    if (a->done)
        return 0;
    if (len == 6 && memcmp (data, "[DONE]", 6) == 0) {
        a->done = 1;
        return 0;
    }
    const char *why = NULL;
    json_object *chunk = qs_json_parse (data, len, &why);
    if (!chunk || !json_object_is_type (chunk, json_type_object)) {
        snprintf (a->stream_error, sizeof a->stream_error, "stream chunk is not a JSON object");
        if (chunk)
            json_object_put (chunk);
        return 1;
    }
    int rc = 0;
    json_object *error = qs_json_get (chunk, "error", json_type_object);
    if (error) {
        snprintf (a->stream_error, sizeof a->stream_error, "stream error: %.200s",
                  qs_json_str (error, "message", "unknown"));
        rc = 1;
        goto cleanup;
    }
    if (!a->id[0])
        qs_strlcpy (a->id, qs_json_str (chunk, "id", ""), sizeof a->id);
    json_object *choice = qs_json_path (chunk, "choices.0");
    json_object *delta = qs_json_get (choice, "delta", json_type_object);
    const char *reasoning = qs_json_str (delta, "reasoning", NULL);
    if (reasoning && *reasoning && s_add (&a->reasoning, reasoning, strlen (reasoning))) {
        snprintf (a->stream_error, sizeof a->stream_error, "stream too large");
        rc = 1;
        goto cleanup;
    }
    const char *text = qs_json_str (delta, "content", NULL);
    if (text && *text) {
        size_t tlen = strlen (text);
        if (s_add (&a->content, text, tlen)) {
            snprintf (a->stream_error, sizeof a->stream_error, "stream too large");
            rc = 1;
            goto cleanup;
        }
        if (a->on_token) {
            a->tokens++;
            if (a->on_token (text, tlen, a->arg)) {
                a->cancelled = 1;
                rc = 1;
                goto cleanup;
            }
        }
    }
    const char *finish = qs_json_str (choice, "finish_reason", NULL);
    if (finish)
        qs_strlcpy (a->finish_reason, finish, sizeof a->finish_reason);
    json_object *usage = qs_json_path (chunk, "x_groq.usage");
    if (!usage || !json_object_is_type (usage, json_type_object))
        usage = qs_json_get (chunk, "usage", json_type_object);
    if (usage) {
        if (a->usage)
            json_object_put (a->usage);
        a->usage = json_object_get (usage);
    }
cleanup:
    json_object_put (chunk);
    return rc;
}

typedef struct {
    qs_llm_attempt_t *a;
    qs_sse_t *sse;
    int failed;
} s_stream_t;

/*  A piece of a 2xx stream: through the SSE parser into s_on_event. */
static int
s_on_data (const char *data, size_t len, void *arg)
{
    s_stream_t *st = (s_stream_t *) arg;
    int rc = qs_sse_feed (st->sse, data, len);
    if (rc) {
        if (rc < 0 && !st->a->stream_error[0])
            snprintf (st->a->stream_error, sizeof st->a->stream_error, "stream event too large");
        st->failed = 1;
    }
    return rc;
}

int
qs_llm_attempt_run (qs_http_t *http, qs_llm_attempt_t *a)
{
    int rc = -1;
    s_stream_t st = {a, NULL, 0};
    qs_http_resp_t resp = {0};
    qs_llm_attempt_clear (a);
    if (a->stream && !(st.sse = qs_sse_new (s_on_event, a, 0))) {
        a->fail = QS_HTTP_OTHER;
        snprintf (a->fail_msg, sizeof a->fail_msg, "out of memory");
        goto cleanup;
    }
    qs_http_req_t req = {
        .method = "POST", .url = a->url, .bearer = a->api_key,
        .body = a->body, .body_len = strlen (a->body),
        .accept = a->stream ? "text/event-stream" : "application/json",
        .timeout_ms = a->timeout_ms, .connect_timeout_ms = a->connect_timeout_ms,
        .on_data = a->stream ? s_on_data : NULL, .arg = &st,
    };
    int got = qs_http_perform (http, &req, &resp);
    s_read_headers (a, &resp);
    a->status = got == 0 ? resp.status : resp.broken_status;
    a->fail = resp.fail;
    qs_strlcpy (a->fail_msg, resp.detail, sizeof a->fail_msg);
    a->raw = resp.body;
    a->raw_len = resp.len;
    resp.body = NULL;
    /* a stream cut off by the server is a truncation, not a transport error */
    if (a->status > 0 && (got == 0 || (a->stream && a->status == 200)))
        rc = 0;
    if (a->stream && a->status == 200 && !a->done && !a->stream_error[0] && !a->cancelled) {
        if (a->fail == QS_HTTP_TIMEOUT)
            rc = -1;
        else
            snprintf (a->stream_error, sizeof a->stream_error,
                      "stream ended without [DONE]%s", qs_sse_pending (st.sse)
                      ? " (mid-event)" : "");
    }
cleanup:
    qs_http_resp_clear (&resp);
    qs_sse_destroy (&st.sse);
    return rc;
}

char *
qs_llm_http_body (const char *model, const qs_llm_request_t *req, qs_llm_format_t format,
                  int stream)
{
    char *text = NULL;
    json_object *body = json_object_new_object ();
    if (!body)
        return NULL;
    qs_json_add_str (body, "model", model);
    json_object_object_add (body, "messages", json_object_get (req->messages));
    qs_json_add_int (body, "max_tokens", req->max_tokens > 0 ? req->max_tokens : 1024);
    qs_json_add_double (body, "temperature", req->temperature);
    if (req->reasoning_effort && *req->reasoning_effort)
        qs_json_add_str (body, "reasoning_effort", req->reasoning_effort);
    if (stream)
        qs_json_add_bool (body, "stream", true);
    if (format != QS_LLM_TEXT) {
        json_object *rf = json_object_new_object ();
        if (format == QS_LLM_JSON_SCHEMA) {
            qs_json_add_str (rf, "type", "json_schema");
            json_object *js = json_object_new_object ();
            qs_json_add_str (js, "name", req->schema_name ? req->schema_name : "result");
            json_object_object_add (js, "schema", json_object_get (req->schema));
            qs_json_add_bool (js, "strict", true);
            json_object_object_add (rf, "json_schema", js);
        }
        else
            qs_json_add_str (rf, "type", "json_object");
        json_object_object_add (body, "response_format", rf);
    }
    text = strdup (qs_json_text (body));
    json_object_put (body);
    return text;
}

/*  Content in a JSON mode -> an object, tolerating a ```json fence. */
json_object *
qs_llm_http_content (const char *content)
{
    if (!content)
        return NULL;
    const char *p = content;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    size_t len = strlen (p);
    if (strncmp (p, "```", 3) == 0) {
        const char *nl = strchr (p, '\n');
        if (!nl)
            return NULL;
        p = nl + 1;
        len = strlen (p);
        while (len > 0 && strchr (" \n\r\t", p[len - 1]))
            len--;
        if (len >= 3 && strncmp (p + len - 3, "```", 3) == 0)
            len -= 3;
    }
    const char *why;
    json_object *obj = qs_json_parse (p, len, &why);
    if (obj && !json_object_is_type (obj, json_type_object)) {
        json_object_put (obj);
        obj = NULL;
    }
    return obj;
}

/*  The API's error message and code from an error body. */
void
qs_llm_http_error (const qs_llm_attempt_t *a, char *code, size_t csize, char *msg, size_t msize)
{
    const char *why;
    json_object *body = a->raw ? qs_json_parse (a->raw, a->raw_len, &why) : NULL;
    json_object *error = qs_json_get (body, "error", json_type_object);
    qs_strlcpy (code, qs_json_str (error, "code", ""), csize);
    qs_strlcpy (msg, qs_json_str (error, "message", error ? "" : "unreadable body"), msize);
    if (body)
        json_object_put (body);
}

int
qs_llm_http_schema_refused (const char *msg)
{
    return strcasestr (msg, "json_schema") && (strcasestr (msg, "support")
                                               || strcasestr (msg, "not available")
                                               || strcasestr (msg, "invalid"));
}

/*  Fill res from a 200 attempt. 0, or -1 when the body is unusable. */
int
qs_llm_http_answer (qs_llm_attempt_t *a, qs_llm_result_t *res, json_object **usage_p)
{
    if (a->stream) {
        res->content = a->content ? qs_buf_steal (a->content) : strdup ("");
        res->reasoning = a->reasoning ? qs_buf_steal (a->reasoning) : NULL;
        qs_strlcpy (res->id, a->id, sizeof res->id);
        qs_strlcpy (res->finish_reason, a->finish_reason, sizeof res->finish_reason);
        *usage_p = a->usage ? json_object_get (a->usage) : NULL;
        return res->content ? 0 : -1;
    }
    const char *why;
    int rc = -1;
    *usage_p = NULL;
    json_object *body = a->raw ? qs_json_parse (a->raw, a->raw_len, &why) : NULL;
    json_object *message = qs_json_get (qs_json_path (body, "choices.0"), "message",
                                        json_type_object);
    if (!message)
        goto cleanup;
    const char *content = qs_json_str (message, "content", "");
    const char *reasoning = qs_json_str (message, "reasoning", NULL);
    res->content = strdup (content);
    res->reasoning = reasoning ? strdup (reasoning) : NULL;
    qs_strlcpy (res->id, qs_json_str (body, "id", ""), sizeof res->id);
    qs_strlcpy (res->finish_reason,
                qs_json_str (qs_json_path (body, "choices.0"), "finish_reason", ""),
                sizeof res->finish_reason);
    json_object *usage = qs_json_get (body, "usage", json_type_object);
    *usage_p = usage ? json_object_get (usage) : NULL;
    rc = res->content ? 0 : -1;
cleanup:
    if (body)
        json_object_put (body);
    return rc;
}

