/*  Remote embeddings against a stand-in OpenAI-compatible /embeddings server
    (civetweb on loopback) whose "model" is a bag of hashed words. */
#include "../qs_test.h"
#include <civetweb.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_kb.h"
#include "qs_kb_remote.h"

#define S_DIM 512

typedef struct {
    struct mg_context *ctx;
    char url[64];
} s_server_t;

static void
s_fake_embed (const char *text, json_object *out)
{
    float v[S_DIM] = { 0 };
    const char *p = text;
    while (*p) {
        while (*p && !isalnum ((unsigned char) *p))
            p++;
        unsigned h = 2166136261u;
        int len = 0;
        while (isalnum ((unsigned char) *p)) {
            h = (h ^ (unsigned) tolower ((unsigned char) *p++)) * 16777619u;
            len++;
        }
        if (len > 2)
            v[h % S_DIM] += 1;
    }
    for (int i = 0; i < S_DIM; i++)
        json_object_array_add (out, json_object_new_double (v[i]));
}

static int
s_handle (struct mg_connection *conn, void *arg)
{
    (void) arg;
    const struct mg_request_info *ri = mg_get_request_info (conn);
    static char body[1 << 20];
    int blen = 0, r;
    while (blen < (int) sizeof body - 1
           && (r = mg_read (conn, body + blen, sizeof body - 1 - (size_t) blen)) > 0)
        blen += r;
    body[blen] = '\0';
    json_object *req = json_tokener_parse (body);
    json_object *input = qs_json_get (req, "input", json_type_array);
    bool ok = strcmp (ri->local_uri, "/v1/embeddings") == 0 && input
              && qs_json_str (req, "model", NULL);
    json_object *reply = json_object_new_object ();
    if (ok) {
        json_object *data = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (input); i++) {
            json_object *item = json_object_new_object (), *emb = json_object_new_array ();
            s_fake_embed (json_object_get_string (json_object_array_get_idx (input, i)), emb);
            qs_json_add_int (item, "index", (int64_t) i);
            json_object_object_add (item, "embedding", emb);
            json_object_array_add (data, item);
        }
        json_object_object_add (reply, "data", data);
    }
    const char *text = qs_json_text (reply);
    mg_printf (conn, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
               ok ? 200 : 500, strlen (text));
    mg_write (conn, text, strlen (text));
    json_object_put (reply);
    json_object_put (req);
    return ok ? 200 : 500;
}

static void
s_start (s_server_t *s)
{
    const char *opts[] = { "listening_ports", "127.0.0.1:0", "num_threads", "2", NULL };
    struct mg_callbacks cb;
    memset (&cb, 0, sizeof cb);
    s->ctx = mg_start (&cb, NULL, opts);
    ck_assert_ptr_nonnull (s->ctx);
    struct mg_server_port ports[2];
    ck_assert_int_ge (mg_get_server_ports (s->ctx, 2, ports), 1);
    snprintf (s->url, sizeof s->url, "http://127.0.0.1:%d/v1", ports[0].port);
    mg_set_request_handler (s->ctx, "/", s_handle, NULL);
}

START_TEST (test_client)
{
    s_server_t s;
    s_start (&s);
    qs_kb_remote_t *r = qs_kb_remote_new (s.url, "fake-model", "secret-key");
    ck_assert_ptr_nonnull (r);
    const char *texts[] = { "redis memory eviction", "kafka consumer lag" };
    float *vecs = NULL;
    int dim = 0;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_remote_embed (r, texts, 2, 5000, &vecs, &dim, &err), 0);
    ck_assert_int_eq (dim, S_DIM);
    for (int i = 0; i < 2; i++) {
        double norm = 0;
        for (int k = 0; k < dim; k++)
            norm += (double) vecs[i * dim + k] * vecs[i * dim + k];
        ck_assert_double_eq_tol (norm, 1.0, 1e-4);
    }
    free (vecs);
    qs_kb_remote_destroy (&r);
    ck_assert_ptr_null (r);
    /*  a server that answers an error, and one that is not there */
    char bad[96];
    snprintf (bad, sizeof bad, "%s/nope", s.url);
    r = qs_kb_remote_new (bad, NULL, NULL);
    ck_assert_int_eq (qs_kb_remote_embed (r, texts, 1, 5000, &vecs, &dim, &err), -1);
    ck_assert_int_eq (err.status, 502);
    ck_assert (strstr (err.message, "secret") == NULL);
    qs_kb_remote_destroy (&r);
    mg_stop (s.ctx);
    r = qs_kb_remote_new (s.url, NULL, NULL);
    ck_assert_int_eq (qs_kb_remote_embed (r, texts, 1, 2000, &vecs, &dim, &err), -1);
    ck_assert (err.status == 503 || err.status == 504);
    qs_kb_remote_destroy (&r);
    ck_assert_ptr_null (qs_kb_remote_new ("ftp://x", NULL, NULL));
}
END_TEST

START_TEST (test_search_with_remote)
{
    s_server_t s;
    s_start (&s);
    qs_err_t err;
    qs_kb_config_t config = { .corpus_dir = getenv ("QS_KB_TEST_CORPUS"),
                              .embeddings_url = s.url, .embeddings_model = "fake" };
    qs_kb_t *kb = qs_kb_new (&config, &err);
    ck_assert_msg (kb != NULL, "%s", err.message);
    /*  plumbing: a chunk's own text finds it first by remote vectors alone */
    qs_auth_t admin;
    memset (&admin, 0, sizeof admin);
    admin.roles = QS_ROLE_ADMIN;
    json_object *body = json_tokener_parse ("{\"title\":\"Otter pools\",\"content\":"
        "\"Otter pools hold warm otters near quiet rivers.\",\"topic\":\"platform\","
        "\"category\":\"setup\"}"), *reply = NULL;
    ck_assert_int_eq (qs_kb_op_add (kb, body, &admin, &reply, &err), 0);
    char id[64];
    snprintf (id, sizeof id, "%s", qs_json_str (reply, "id", ""));
    json_object_put (body);
    json_object_put (reply);
    qs_kb_hit_t hits[5];
    qs_kb_query_t q = { .q = "Otter pools\n\nOtter pools hold warm otters near quiet rivers.",
                        .limit = 5, .mode = QS_KB_REMOTE };
    int n = qs_kb_search (kb, &q, hits, 5, &err);
    ck_assert_int_ge (n, 1);
    ck_assert_str_eq (hits[0].id, id);
    ck_assert_double_eq_tol (hits[0].score, 1.0, 1e-3);
    q.q = "CommitFailedException rebalanced max.poll.interval.ms";
    q.mode = QS_KB_HYBRID;
    n = qs_kb_search (kb, &q, hits, 5, &err);
    ck_assert_int_ge (n, 1);
    ck_assert_str_eq (hits[0].id, "kafka-rebalance-commit-failed");
    ck_assert (hits[0].score > 0 && hits[0].score <= 1.0 + 1e-9);
    /*  the API goes away: search still answers from the local index */
    mg_stop (s.ctx);
    n = qs_kb_search (kb, &q, hits, 5, &err);
    ck_assert_int_ge (n, 1);
    ck_assert_str_eq (hits[0].id, "kafka-rebalance-commit-failed");
    qs_kb_destroy (&kb);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_kb_remote");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_client);
    tcase_add_test (tc, test_search_with_remote);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
