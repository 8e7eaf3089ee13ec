/*  qs_llm_http - see qs_llm_http.h */
#include "qs_llm_http.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "qs_json.h"
#include "qs_sse.h"
#include "qs_util.h"

#define QS_LLM_MAX_BODY (8 * 1024 * 1024)

int
qs_llm_buf_append (char **buf, size_t *len, size_t *cap, const char *bytes, size_t n)
{
    if (*len + n + 1 > QS_LLM_MAX_BODY)
        return -1;
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 1024;
        while (ncap < *len + n + 1)
            ncap *= 2;
        char *nb = (char *) realloc (*buf, ncap);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = ncap;
    }
    memcpy (*buf + *len, bytes, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

void
qs_llm_attempt_clear (qs_llm_attempt_t *a)
{
    free (a->raw);
    free (a->content);
    free (a->reasoning);
    if (a->usage)
        json_object_put (a->usage);
    a->raw = a->content = a->reasoning = NULL;
    a->raw_len = a->raw_cap = a->content_len = a->content_cap = 0;
    a->reasoning_len = a->reasoning_cap = 0;
    a->usage = NULL;
    a->status = 0;
    a->curl_rc = CURLE_OK;
    a->curl_msg[0] = '\0';
    a->retry_after_ms = -1;
    a->nrl = 0;
    a->id[0] = a->finish_reason[0] = a->stream_error[0] = '\0';
    a->done = a->tokens = a->cancelled = 0;
}

/*  "name: value\r\n" -> 1 with value trimmed into out when name matches. */
static int
s_header_is (const char *line, size_t len, const char *name, char *out, size_t size)
{
    size_t nlen = strlen (name);
    if (len <= nlen || line[nlen] != ':' || strncasecmp (line, name, nlen) != 0)
        return 0;
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t n = (size_t) (end - v) < size - 1 ? (size_t) (end - v) : size - 1;
    memcpy (out, v, n);
    out[n] = '\0';
    return 1;
}

static size_t
s_on_header (char *data, size_t size, size_t nitems, void *userdata)
{
    qs_llm_attempt_t *a = (qs_llm_attempt_t *) userdata;
    size_t len = size * nitems;
    char value[64];
    if (len > 5 && strncmp (data, "HTTP/", 5) == 0) {
        /* a new response (after 100-continue or a redirect) starts afresh */
        /* curl's header line is not terminated: parse a bounded copy */
        const char *sp = memchr (data, ' ', len);
        char code[8] = "";
        if (sp) {
            size_t n = len - (size_t) (sp + 1 - data);
            memcpy (code, sp + 1, n < sizeof code - 1 ? n : sizeof code - 1);
        }
        a->status = strtol (code, NULL, 10);
        a->retry_after_ms = -1;
        a->nrl = 0;
        return len;
    }
    if (s_header_is (data, len, "retry-after-ms", value, sizeof value)) {
        char *end;
        double ms = strtod (value, &end);
        if (end != value && ms >= 0)
            a->retry_after_ms = ms;
    }
    else
    if (s_header_is (data, len, "retry-after", value, sizeof value)) {
        char *end;
        double s = strtod (value, &end);
        /* an HTTP-date form is ignored: backoff applies */
        if (end != value && *end == '\0' && s >= 0 && a->retry_after_ms < 0)
            a->retry_after_ms = s * 1000.0;
    }
    else
    if (len > 22 && strncasecmp (data, "x-ratelimit-remaining-", 22) == 0
        && a->nrl < QS_LLM_MAX_RL) {
        const char *colon = memchr (data, ':', len);
        if (!colon)
            return len;
        char name[64];
        size_t nlen = (size_t) (colon - data);
        if (nlen >= sizeof name)
            return len;
        memcpy (name, data, nlen);
        name[nlen] = '\0';
        if (!s_header_is (data, len, name, value, sizeof value))
            return len;
        char *end;
        double v = strtod (value, &end);
        if (end == value)
            return len;
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
    return len;
}

static int
s_on_event (const char *event, const char *data, size_t len, void *arg)
{
    qs_llm_attempt_t *a = (qs_llm_attempt_t *) arg;
    (void) event;
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
    if (reasoning && *reasoning
        && qs_llm_buf_append (&a->reasoning, &a->reasoning_len, &a->reasoning_cap,
                              reasoning, strlen (reasoning))) {
        snprintf (a->stream_error, sizeof a->stream_error, "stream too large");
        rc = 1;
        goto cleanup;
    }
    const char *text = qs_json_str (delta, "content", NULL);
    if (text && *text) {
        size_t tlen = strlen (text);
        if (qs_llm_buf_append (&a->content, &a->content_len, &a->content_cap, text, tlen)) {
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
} s_write_ctx_t;

static size_t
s_on_write (char *data, size_t size, size_t nmemb, void *userdata)
{
    s_write_ctx_t *ctx = (s_write_ctx_t *) userdata;
    qs_llm_attempt_t *a = ctx->a;
    size_t len = size * nmemb;
    if (a->stream && a->status == 200) {
        int rc = qs_sse_feed (ctx->sse, data, len);
        if (rc) {
            if (rc < 0 && !a->stream_error[0])
                snprintf (a->stream_error, sizeof a->stream_error, "stream event too large");
            ctx->failed = 1;
            return 0;
        }
        return len;
    }
    if (qs_llm_buf_append (&a->raw, &a->raw_len, &a->raw_cap, data, len)) {
        ctx->failed = 1;
        return 0;
    }
    return len;
}

int
qs_llm_attempt_run (CURL *curl, qs_llm_attempt_t *a)
{
    int rc = -1;
    struct curl_slist *headers = NULL;
    char *auth = NULL;
    s_write_ctx_t ctx = {a, NULL, 0};
    qs_llm_attempt_clear (a);
    if (a->stream) {
        ctx.sse = qs_sse_new (s_on_event, a, 0);
        if (!ctx.sse) {
            snprintf (a->curl_msg, sizeof a->curl_msg, "out of memory");
            goto cleanup;
        }
    }
    headers = curl_slist_append (headers, "Content-Type: application/json");
    headers = curl_slist_append (headers, a->stream ? "Accept: text/event-stream"
                                                     : "Accept: application/json");
    if (a->api_key && *a->api_key) {
        auth = qs_strdupf ("Authorization: Bearer %s", a->api_key);
        if (auth)
            headers = curl_slist_append (headers, auth);
    }
    /* no Expect: 100-continue round trip on larger prompts */
    headers = curl_slist_append (headers, "Expect:");
    curl_easy_reset (curl);
    curl_easy_setopt (curl, CURLOPT_URL, a->url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, a->body);
    curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, (long) strlen (a->body));
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, a->timeout_ms > 0 ? a->timeout_ms : 1L);
    curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS,
                      a->connect_timeout_ms < a->timeout_ms ? a->connect_timeout_ms
                                                            : a->timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, a);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_write);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &ctx);
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, a->curl_msg);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_USERAGENT, "quickspin-ai/" QS_VERSION);
    a->curl_msg[0] = '\0';
    a->curl_rc = curl_easy_perform (curl);
    /* a stream cut off by the server is a truncation, not a transport error */
    if (a->status > 0 && (a->curl_rc == CURLE_OK || (a->stream && a->status == 200)))
        rc = 0;
    if (a->stream && a->status == 200 && !a->done && !a->stream_error[0] && !a->cancelled) {
        if (a->curl_rc == CURLE_OPERATION_TIMEDOUT)
            rc = -1;
        else
            snprintf (a->stream_error, sizeof a->stream_error,
                      "stream ended without [DONE]%s", qs_sse_pending (ctx.sse)
                      ? " (mid-event)" : "");
    }
    if (ctx.failed && !a->stream && a->status > 0)
        rc = -1;
cleanup:
    curl_slist_free_all (headers);
    if (auth)
        explicit_bzero (auth, strlen (auth));
    free (auth);
    qs_sse_destroy (&ctx.sse);
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
        res->content = a->content ? a->content : strdup ("");
        res->reasoning = a->reasoning;
        a->content = a->reasoning = NULL;
        a->content_len = a->content_cap = a->reasoning_len = a->reasoning_cap = 0;
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

