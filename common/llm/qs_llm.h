/*  qs_llm - a client for OpenAI-compatible chat-completions APIs over
    libcurl (production target: Groq, https://api.groq.com/openai/v1).

    One call = POST {base_url}/chat/completions with the messages the caller
    built, always with max_tokens and temperature, optionally reasoning_effort
    and a response_format (json_object, or json_schema with strict). Around it:
    - retries with jittered exponential backoff on transport errors, 429,
      498 capacity_exceeded, 500, 502, 503 and malformed bodies, waiting what
      retry-after / retry-after-ms says on 429/503;
    - json_schema that the model does not support (400 naming it) downgrades
      to json_object for this call and every later call of the instance;
    - 400 json_validate_failed, or content that is not a JSON object in a
      JSON mode, is retried once and then fails (code "llm_invalid_output");
    - a deadline per call: no attempt and no backoff sleep goes past it;
    - a circuit breaker: after breaker_threshold consecutive failed calls it
      opens and calls fail at once ("llm_unavailable") for breaker_cooldown_ms;
      then one trial call is let through (half-open): success closes it,
      failure opens it again;
    - streaming (SSE) with a token callback; message.reasoning / delta.reasoning
      is kept apart from the answer;
    - metrics when a registry is given (all prefixed qs_llm_): requests_total
      {model,status}, request_duration_seconds{model}, tokens_total{model,kind},
      queue_time_seconds / total_time_seconds{model} from usage,
      ratelimit_remaining{kind} from the x-ratelimit-remaining-* headers,
      retries_total{reason}, breaker_state (0 closed, 1 open, 2 half-open).

    Thread safety: one instance may be shared by any number of threads. The
    breaker and the schema downgrade are guarded by a mutex and each call
    takes its own qs_http connection from a small per-instance pool. Call
    qs_http_global_init once before threads start if libcurl is older than
    7.84 (qs_llm_new calls it too, which is then only safe single-threaded).

    Secrets: the API key is sent in the Authorization header only; it never
    appears in a log line, an error message or a metric. The API receives
    exactly the messages the caller passes: never put a user's bearer token
    in them. */
#ifndef QS_LLM_H
#define QS_LLM_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include "qs_err.h"
#include "qs_metrics.h"

#define QS_LLM_DEFAULT_MODEL "openai/gpt-oss-20b"

typedef struct _qs_llm_t qs_llm_t;

/*  Instance settings. Strings are copied by qs_llm_new. Zero / NULL fields
    take the defaults in brackets. */
typedef struct {
    const char *base_url;       /* required, e.g. "https://api.groq.com/openai/v1" */
    const char *api_key;        /* NULL or "" = no Authorization header */
    const char *model;          /* [QS_LLM_DEFAULT_MODEL] */
    int timeout_ms;             /* per-call budget when the request has no deadline [15000] */
    int connect_timeout_ms;     /* [3000] */
    int max_retries;            /* retries after the first attempt [2]; -1 = none */
    int backoff_base_ms;        /* first backoff, doubled each retry, jittered [200] */
    int backoff_max_ms;         /* [5000] */
    int breaker_threshold;      /* consecutive failed calls that open the breaker [5] */
    int breaker_cooldown_ms;    /* open time before a trial call [30000] */
    qs_metrics_t *metrics;      /* optional, lent: must outlive the instance */
} qs_llm_config_t;

typedef enum {
    QS_LLM_TEXT = 0,            /* no response_format */
    QS_LLM_JSON_OBJECT,         /* response_format {"type":"json_object"} */
    QS_LLM_JSON_SCHEMA          /* {"type":"json_schema","json_schema":{name,schema,strict:true}} */
} qs_llm_format_t;

/*  One chat request. Everything is lent for the call. */
typedef struct {
    json_object *messages;      /* required: array of {"role","content"} */
    int max_tokens;             /* [1024]; always sent */
    double temperature;         /* sent as is (0 is a valid value) */
    const char *reasoning_effort; /* NULL = not sent; "low", "medium", "high" */
    qs_llm_format_t format;
    json_object *schema;        /* the JSON schema for QS_LLM_JSON_SCHEMA */
    const char *schema_name;    /* [ "result" ] */
    int64_t deadline_ms;        /* absolute qs_mono_ms () deadline; 0 = now + timeout_ms.
                                   Either way capped at now + timeout_ms */
    const char *request_id;     /* for log lines; may be NULL */
} qs_llm_request_t;

/*  What a successful call produced. Owned by the struct: free with
    qs_llm_result_free. */
typedef struct {
    char *content;              /* the answer text (never the reasoning) */
    char *reasoning;            /* message.reasoning / joined delta.reasoning, or NULL */
    json_object *json;          /* parsed content (an object) in the JSON modes, else NULL */
    char finish_reason[32];
    char id[128];               /* the completion id */
    int64_t prompt_tokens;      /* -1 when the API gave no usage */
    int64_t completion_tokens;
    double queue_time;          /* seconds, from usage; -1 when absent */
    double total_time;
    int attempts;               /* HTTP attempts made, retries included */
    int schema_downgraded;      /* json_schema was refused and json_object used */
} qs_llm_result_t;

/*  Fill cfg with the defaults (all zero, model default). */
void qs_llm_config_defaults (qs_llm_config_t *cfg);

/*  New client, NULL on a missing base_url or allocation failure. */
qs_llm_t *qs_llm_new (const qs_llm_config_t *cfg);

/*  New client from QS_LLM_BASE_URL, QS_LLM_API_KEY, QS_LLM_MODEL and the
    optional QS_LLM_TIMEOUT_MS; metrics may be NULL. NULL when QS_LLM_BASE_URL
    is unset or empty (the LLM is off), or on failure. */
qs_llm_t *qs_llm_new_from_env (qs_metrics_t *metrics);

/*  Free the client and null the pointer; accepts NULL. No call may be in
    flight. */
void qs_llm_destroy (qs_llm_t **self_p);

/*  The model id the client sends. Lent. */
const char *qs_llm_model (qs_llm_t *self);

/*  Declare this client's metric families in metrics and use it from now on.
    Call before the instance is shared between threads. 0 or -1. */
int qs_llm_set_metrics (qs_llm_t *self, qs_metrics_t *metrics);

/*  Breaker state: 0 closed, 1 open, 2 half-open. */
int qs_llm_breaker_state (qs_llm_t *self);

/*  One non-streaming chat completion. On success returns 0 and fills *res
    (which the caller frees with qs_llm_result_free); on failure returns -1,
    leaves *res empty and sets err: status 504 "deadline_exceeded", 503
    "llm_unavailable" (breaker open, transport or server errors after the
    retries, or a retry that would pass the deadline; retry_after set when
    the API gave one), 429 "rate_limited" (same, when the last answer was a
    429), 502 "llm_invalid_output" (no valid JSON after one retry), 502
    "llm_bad_response" (a stream cut short or an error event after tokens
    went out), 502 "llm_rejected" (another 4xx, e.g. a bad key; the API's
    message, scrubbed), 499 "cancelled" (on_token stopped it), 500
    "internal". res->attempts is kept on failure too. Only unavailability
    (transport, timeouts, 429/498/5xx, malformed bodies) counts against the
    breaker; a 4xx or invalid JSON proves the API is up. */
int qs_llm_chat (qs_llm_t *self, const qs_llm_request_t *req, qs_llm_result_t *res,
                 qs_err_t *err);

/*  Token callback for streaming: text is a delta of the answer (not the
    reasoning), len bytes, terminated; lent for the call. Return 0 to go on,
    non-zero to cancel the call (it then fails with "cancelled"). */
typedef int (qs_llm_token_fn) (const char *text, size_t len, void *arg);

/*  The general API: a chat completion with "stream": true. Tokens reach
    on_token (may be NULL) in order as they arrive; *res gets the whole
    answer, the usage of the final chunk (x_groq.usage or usage) and, in the
    JSON modes, the parsed object. The stream must end with "data: [DONE]":
    a stream cut short fails with 502 "llm_bad_response". Retries happen only
    before the first token reached on_token, so the callback never sees a
    token twice. Same errors as qs_llm_chat. */
int qs_llm_chat_stream (qs_llm_t *self, const qs_llm_request_t *req,
                        qs_llm_token_fn *on_token, void *arg, qs_llm_result_t *res,
                        qs_err_t *err);

/*  Free what a result holds and zero it; accepts NULL and empty results. */
void qs_llm_result_free (qs_llm_result_t *res);

/*  Helper: append {"role": role, "content": content} to a messages array.
    0 or -1. */
int qs_llm_messages_add (json_object *messages, const char *role, const char *content);

#endif
