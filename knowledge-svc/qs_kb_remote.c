/*  qs_kb_remote - OpenAI-compatible embeddings client. */
#include "qs_kb_remote.h"
#include "qs_http.h"
#include "qs_json.h"
#include "qs_util.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define S_DIM_MAX 4096
/*  A long page goes out in several requests: APIs cap the inputs and tokens
    of one request (OpenAI: 2048 inputs), and a smaller body keeps one
    answer's latency and memory bounded. */
#define S_BATCH_TEXTS QS_KB_REMOTE_BATCH_TEXTS
#define S_BATCH_BYTES (256u << 10)

struct _qs_kb_remote_t {
    pthread_mutex_t lock;
    qs_http_t *http;
    char *url;
    char *model;
    char *key;
};

qs_kb_remote_t *
qs_kb_remote_new (const char *base_url, const char *model, const char *api_key)
{
    if (!base_url || (strncmp (base_url, "http://", 7) != 0 && strncmp (base_url, "https://", 8) != 0))
        return NULL;
    qs_kb_remote_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    size_t len = strlen (base_url);
    while (len > 0 && base_url[len - 1] == '/')
        len--;
    bool has_path = len >= 11 && strncmp (base_url + len - 11, "/embeddings", 11) == 0;
    self->url = qs_strdupf ("%.*s%s", (int) len, base_url, has_path ? "" : "/embeddings");
    self->model = strdup (model && *model ? model : "text-embedding-3-small");
    self->key = api_key && *api_key ? strdup (api_key) : NULL;
    self->http = qs_http_new ();
    pthread_mutex_init (&self->lock, NULL);
    if (!self->url || !self->model || !self->http || (api_key && *api_key && !self->key)) {
        qs_kb_remote_destroy (&self);
        return NULL;
    }
    return self;
}

void
qs_kb_remote_destroy (qs_kb_remote_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_kb_remote_t *self = *self_p;
    qs_http_destroy (&self->http);
    free (self->url);
    free (self->model);
    if (self->key) {
        memset (self->key, 0, strlen (self->key));
        free (self->key);
    }
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

/*  Copy the embeddings of reply into a new n x dim array, normalised. */
static int
s_parse (json_object *reply, int n, float **vecs_p, int *dim, qs_err_t *err)
{
    json_object *data = qs_json_get (reply, "data", json_type_array);
    if (!data || (int) json_object_array_length (data) != n)
        return qs_err_set (err, 502, "bad_gateway", "the embeddings API answered without %d vectors", n);
    float *vecs = NULL;
    int d = 0;
    for (int i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx (data, (size_t) i);
        json_object *emb = qs_json_get (item, "embedding", json_type_array);
        int at = (int) qs_json_int (item, "index", i);
        int len = emb ? (int) json_object_array_length (emb) : 0;
        if (i == 0) {
            d = len;
            if (d < 1 || d > S_DIM_MAX || !(vecs = calloc ((size_t) n * (size_t) d, sizeof *vecs)))
                break;
        }
        if (len != d || at < 0 || at >= n) {
            free (vecs);
            vecs = NULL;
            break;
        }
        float *v = vecs + (size_t) at * (size_t) d;
        double norm = 0;
        for (int k = 0; k < d; k++) {
            v[k] = (float) json_object_get_double (json_object_array_get_idx (emb, (size_t) k));
            norm += (double) v[k] * v[k];
        }
        if (norm > 0)
            for (int k = 0; k < d; k++)
                v[k] = (float) (v[k] / sqrt (norm));
    }
    if (!vecs)
        return qs_err_set (err, 502, "bad_gateway", "the embeddings API answered malformed vectors");
    *vecs_p = vecs;
    *dim = d;
    return 0;
}

/*  One request for texts[0..n-1]. */
static int
s_embed_batch (qs_kb_remote_t *self, const char *const *texts, int n,
               int64_t timeout_ms, float **vecs_p, int *dim, qs_err_t *err)
{
    *vecs_p = NULL;
    *dim = 0;
    json_object *body = json_object_new_object ();
    json_object *input = json_object_new_array ();
    if (!body || !input) {
        json_object_put (body);
        json_object_put (input);
        return qs_err_set (err, 500, "internal", "out of memory");
    }
    qs_json_add_str (body, "model", self->model);
    for (int i = 0; i < n; i++)
        json_object_array_add (input, json_object_new_string (texts[i]));
    json_object_object_add (body, "input", input);
    const char *text = qs_json_text (body);
    qs_http_req_t req = {
        .method = "POST", .url = self->url, .bearer = self->key, .body = text,
        .body_len = strlen (text), .timeout_ms = timeout_ms,
        .max_body = 64u << 20,
    };
    qs_http_resp_t resp;
    memset (&resp, 0, sizeof resp);
    pthread_mutex_lock (&self->lock);
    int rc = qs_http_perform (self->http, &req, &resp);
    pthread_mutex_unlock (&self->lock);
    json_object_put (body);
    if (rc != 0) {
        qs_http_fail_err (&resp, "the embeddings API", err);
        qs_http_resp_clear (&resp);
        return -1;
    }
    if (resp.status != 200) {
        long status = resp.status;
        qs_http_resp_clear (&resp);
        return qs_err_set (err, 502, "bad_gateway", "the embeddings API answered HTTP %ld", status);
    }
    const char *why = NULL;
    json_object *reply = qs_json_parse (resp.body ? resp.body : "", resp.len, &why);
    qs_http_resp_clear (&resp);
    if (!reply)
        return qs_err_set (err, 502, "bad_gateway", "the embeddings API answered invalid JSON");
    rc = s_parse (reply, n, vecs_p, dim, err);
    json_object_put (reply);
    return rc;
}

int
qs_kb_remote_embed (qs_kb_remote_t *self, const char *const *texts, int n,
                    int64_t timeout_ms, float **vecs_p, int *dim, qs_err_t *err)
{
    *vecs_p = NULL;
    *dim = 0;
    if (n <= 0)
        return qs_err_set (err, 400, "bad_request", "nothing to embed");
    int64_t deadline = qs_mono_ms () + (timeout_ms > 0 ? timeout_ms : 10000);
    float *all = NULL;
    int d = 0;
    for (int at = 0; at < n; ) {
        /*  as many texts as fit the batch limits, at least one */
        int count = 0;
        size_t bytes = 0;
        while (at + count < n && count < S_BATCH_TEXTS
               && (count == 0 || bytes + strlen (texts[at + count]) <= S_BATCH_BYTES))
            bytes += strlen (texts[at + count++]);
        int64_t left = deadline - qs_mono_ms ();
        if (left <= 0) {
            free (all);
            return qs_err_set (err, 504, "deadline_exceeded", "the embeddings API did not answer");
        }
        float *part = NULL;
        int pd = 0;
        if (s_embed_batch (self, texts + at, count, left, &part, &pd, err)) {
            free (all);
            return -1;
        }
        if (!all) {
            d = pd;
            all = calloc ((size_t) n * (size_t) d, sizeof *all);
        }
        if (!all || pd != d) {
            bool oom = !all;
            free (part);
            free (all);
            return oom ? qs_err_set (err, 500, "internal", "out of memory")
                       : qs_err_set (err, 502, "bad_gateway",
                                     "the embeddings API changed dimensions between batches");
        }
        memcpy (all + (size_t) at * (size_t) d, part, (size_t) count * (size_t) d * sizeof *all);
        free (part);
        at += count;
    }
    *vecs_p = all;
    *dim = d;
    return 0;
}
