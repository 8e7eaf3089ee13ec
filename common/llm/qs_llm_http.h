/*  qs_llm_http - one HTTP attempt of qs_llm (internal to common/llm): POST a
    prepared body, collect the status, the headers that matter and either the
    body or, for a 200 stream, the parsed SSE chunks. No retry logic here. */
#ifndef QS_LLM_HTTP_H
#define QS_LLM_HTTP_H

#include <json-c/json.h>
#include "qs_buf.h"
#include "qs_http.h"
#include "qs_llm.h"

#define QS_LLM_MAX_RL 4     /* x-ratelimit-remaining-* headers kept */

typedef struct {
    /* inputs, lent */
    const char *url;
    const char *api_key;            /* NULL or "" = no Authorization header */
    const char *body;
    long timeout_ms;
    long connect_timeout_ms;
    int stream;
    qs_llm_token_fn *on_token;
    void *arg;
    /* outputs */
    long status;                    /* HTTP status; 0 = no response */
    qs_http_fail_t fail;            /* the transport failure when the attempt returned -1 */
    char fail_msg[160];
    double retry_after_ms;          /* -1 = none */
    struct { char kind[32]; double value; } rl[QS_LLM_MAX_RL];
    int nrl;
    char *raw;                      /* body (non-stream or non-200), terminated */
    size_t raw_len;
    /* stream outputs */
    qs_buf_t *content;              /* the deltas so far; NULL until the first */
    qs_buf_t *reasoning;
    json_object *usage;             /* owned */
    char id[128];
    char finish_reason[32];
    int done;                       /* "data: [DONE]" seen */
    int tokens;                     /* deltas handed to on_token */
    int cancelled;                  /* on_token asked to stop */
    char stream_error[256];         /* non-JSON chunk, error event, overflow */
} qs_llm_attempt_t;

/*  Run the attempt on http. Returns 0 when an HTTP status was received
    (look at a->status), -1 on a transport failure (a->fail). */
int qs_llm_attempt_run (qs_http_t *http, qs_llm_attempt_t *a);

/*  Free the outputs and zero them (inputs are kept). */
void qs_llm_attempt_clear (qs_llm_attempt_t *a);

/*  The request body for the model, format and stream flag. Caller frees. */
char *qs_llm_http_body (const char *model, const qs_llm_request_t *req, qs_llm_format_t format,
                        int stream);

/*  Content in a JSON mode -> a new object (tolerating a ```json fence), or
    NULL when it is not a JSON object. */
json_object *qs_llm_http_content (const char *content);

/*  The API's error code and (raw, unscrubbed) message from a's body. */
void qs_llm_http_error (const qs_llm_attempt_t *a, char *code, size_t csize, char *msg,
                        size_t msize);

/*  True when a 400 message says the model refuses json_schema. */
int qs_llm_http_schema_refused (const char *msg);

/*  Fill res (content, reasoning, id, finish_reason) from a 200 attempt;
    *usage_p gets a new reference to the usage object or NULL. 0, or -1 when
    the body is not a chat completion. */
int qs_llm_http_answer (qs_llm_attempt_t *a, qs_llm_result_t *res, json_object **usage_p);

#endif
