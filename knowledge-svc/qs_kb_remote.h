/*  qs_kb_remote - embeddings from an OpenAI-compatible API
    (QS_EMBEDDINGS_URL + "/embeddings", model QS_EMBEDDINGS_MODEL): POST
    {"model","input":[texts]} -> {"data":[{"index","embedding":[...]}]}.
    Vectors come back L2-normalised. Thread-safe (one connection, locked).
    The API key is a secret: it never reaches a log line or an error. */
#ifndef QS_KB_REMOTE_H
#define QS_KB_REMOTE_H

#include <stdint.h>
#include "qs_err.h"

typedef struct _qs_kb_remote_t qs_kb_remote_t;

/*  base_url: e.g. "http://127.0.0.1:8090/v1" (a trailing "/embeddings" is
    accepted too); model and api_key may be NULL. Strings are copied. NULL on
    a bad URL or allocation failure. */
qs_kb_remote_t *qs_kb_remote_new (const char *base_url, const char *model, const char *api_key);
void qs_kb_remote_destroy (qs_kb_remote_t **self_p);

/*  Texts per request: more are sent in several requests (also split to keep
    one request body near 256 KiB), all within the one timeout. */
#define QS_KB_REMOTE_BATCH_TEXTS 64

/*  Embed n texts (lent) within timeout_ms (the whole call, every batch).
    On success *vecs_p is a new array of n x *dim floats (caller frees).
    0, or -1 with err (502 bad answer or dimensions that change between
    batches, 503 unreachable, 504 timeout). */
int qs_kb_remote_embed (qs_kb_remote_t *self, const char *const *texts, int n,
                        int64_t timeout_ms, float **vecs_p, int *dim, qs_err_t *err);

#endif
