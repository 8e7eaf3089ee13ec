/*  fake_llm_proc - start tests/fakes/fake_llm.py for a test and talk to its
    control endpoints. One per test (the fixture runs in the forked child). */
#ifndef FAKE_LLM_PROC_H
#define FAKE_LLM_PROC_H

#include <json-c/json.h>
#include <sys/types.h>
#include "qs_llm.h"
#include "qs_metrics.h"

typedef struct {
    pid_t pid;
    int stdin_fd;           /* closing it stops the server */
    int port;
    char base_url[96];      /* http://127.0.0.1:<port>/openai/v1 */
    char root[64];          /* http://127.0.0.1:<port> */
} fake_llm_t;

/*  Start the server (api_key NULL = no key check). 0 or -1. */
int fake_llm_start (fake_llm_t *f, const char *api_key);
/*  Stop it and reap the process. */
void fake_llm_stop (fake_llm_t *f);
/*  POST /control/script {"steps":[...]} from a NULL-terminated list. 0 or -1. */
int fake_llm_script (fake_llm_t *f, const char **steps);
/*  POST /control/replies {"contents":[...]}. 0 or -1. */
int fake_llm_replies (fake_llm_t *f, const char **contents);
/*  GET /control/stats as a new object (caller puts), NULL on failure. */
json_object *fake_llm_stats (fake_llm_t *f);
/*  Number of chat requests the server received, -1 on failure. */
int fake_llm_requests (fake_llm_t *f);

/*  A qs_llm client on the fake with api_key and model (may be
    "fake/<steps>"; both lent), fast backoff, a 5 s budget and the optional
    metrics registry (lent). NULL on failure; the caller destroys it. */
qs_llm_t *fake_llm_client (fake_llm_t *f, const char *api_key, const char *model,
                           qs_metrics_t *metrics);
/*  A new messages array: a terse system message and user (lent). The
    caller puts it. */
json_object *fake_llm_messages (const char *user);
/*  The i-th request body in a stats object (lent from stats), or NULL. */
json_object *fake_llm_body (json_object *stats, int i);

#endif
