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
#include "qs_util.h"
#include <time.h>

#define S_DIM 512

typedef struct {
    struct mg_context *ctx;
    char url[64];
    int requests;           /* embeddings requests answered */
    int max_inputs;         /* the most texts in one request */
    bool refuse;            /* answer HTTP 500 to everything */
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
    s_server_t *server = arg;
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
              && qs_json_str (req, "model", NULL) && !server->refuse;
    if (ok) {
        server->requests++;
        if ((int) json_object_array_length (input) > server->max_inputs)
            server->max_inputs = (int) json_object_array_length (input);
    }
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
    memset (s, 0, sizeof *s);
    /*  one thread: the handler counts requests in s */
    const char *opts[] = { "listening_ports", "127.0.0.1:0", "num_threads", "1", NULL };
    struct mg_callbacks cb;
    memset (&cb, 0, sizeof cb);
    s->ctx = mg_start (&cb, NULL, opts);
    ck_assert_ptr_nonnull (s->ctx);
    struct mg_server_port ports[2];
    ck_assert_int_ge (mg_get_server_ports (s->ctx, 2, ports), 1);
    snprintf (s->url, sizeof s->url, "http://127.0.0.1:%d/v1", ports[0].port);
    mg_set_request_handler (s->ctx, "/", s_handle, s);
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
    snprintf (admin.org_id, sizeof admin.org_id, "org-otter");
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
                        .limit = 5, .mode = QS_KB_REMOTE, .org_id = "org-otter" };
    int n = qs_kb_search (kb, &q, hits, 5, &err);
    ck_assert_int_ge (n, 1);
    ck_assert_str_eq (hits[0].id, id);
    ck_assert_double_eq_tol (hits[0].score, 1.0, 1e-3);
    /*  the remote ranking keeps tenants apart too */
    q.org_id = "org-other";
    n = qs_kb_search (kb, &q, hits, 5, &err);
    for (int i = 0; i < n; i++)
        ck_assert_str_ne (hits[i].id, id);
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


/*  The vectors of texts, one request each, to compare with batched ones. */
static float *
s_embed_one (qs_kb_remote_t *r, const char *text, int *dim)
{
    float *v = NULL;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_remote_embed (r, &text, 1, 5000, &v, dim, &err), 0);
    return v;
}

START_TEST (test_batches)
{
    s_server_t s;
    s_start (&s);
    qs_kb_remote_t *r = qs_kb_remote_new (s.url, NULL, NULL);
    enum { N = 2 * QS_KB_REMOTE_BATCH_TEXTS + 7 };
    char *texts[N];
    for (int i = 0; i < N; i++)
        texts[i] = qs_strdupf ("text number%d about topic%d", i, i * 7);
    float *vecs = NULL;
    int dim = 0;
    qs_err_t err;
    ck_assert_int_eq (qs_kb_remote_embed (r, (const char *const *) texts, N, 10000, &vecs, &dim,
                                          &err), 0);
    ck_assert_int_eq (dim, S_DIM);
    ck_assert_int_eq (s.requests, 3);
    ck_assert_int_eq (s.max_inputs, QS_KB_REMOTE_BATCH_TEXTS);
    /*  every vector lands at its text's place across the batches */
    int checks[] = { 0, QS_KB_REMOTE_BATCH_TEXTS - 1, QS_KB_REMOTE_BATCH_TEXTS, N - 1 };
    for (size_t c = 0; c < sizeof checks / sizeof checks[0]; c++) {
        int one_dim = 0;
        float *one = s_embed_one (r, texts[checks[c]], &one_dim);
        ck_assert_int_eq (one_dim, dim);
        for (int k = 0; k < dim; k++)
            ck_assert_float_eq_tol (vecs[(size_t) checks[c] * (size_t) dim + (size_t) k],
                                    one[k], 1e-6f);
        free (one);
    }
    free (vecs);
    /*  big texts split by size too: two 140 KB texts cannot share one body */
    char *big[3];
    for (int i = 0; i < 3; i++) {
        big[i] = malloc (140000);
        ck_assert_ptr_nonnull (big[i]);
        memset (big[i], 'a' + i, 139999);
        big[i][139999] = '\0';
    }
    s.requests = 0;
    int rc = qs_kb_remote_embed (r, (const char *const *) big, 3, 30000, &vecs, &dim, &err);
    ck_assert_msg (rc == 0, "%s", err.message);
    ck_assert_int_eq (s.requests, 3);
    free (vecs);
    for (int i = 0; i < 3; i++)
        free (big[i]);
    for (int i = 0; i < N; i++)
        free (texts[i]);
    qs_kb_remote_destroy (&r);
    mg_stop (s.ctx);
}
END_TEST

/*  Search by remote vectors alone for the exact text of a chunk of page id:
    with the stand-in model that text scores 1 against its own chunk. */
static void
s_assert_remote_finds (qs_kb_t *kb, const char *id)
{
    char **texts = NULL;
    int n = qs_kb_index_page_texts (qs_kb_index (kb), id, &texts);
    ck_assert_int_ge (n, 1);
    qs_kb_hit_t hits[5];
    qs_err_t err;
    qs_kb_query_t q = { .q = texts[n - 1], .limit = 5, .mode = QS_KB_REMOTE };
    int k = qs_kb_search (kb, &q, hits, 5, &err);
    ck_assert_int_ge (k, 1);
    ck_assert_str_eq (hits[0].id, id);
    ck_assert_double_eq_tol (hits[0].score, 1.0, 1e-3);
    qs_kb_index_texts_free (&texts, n);
}

START_TEST (test_seeded_pages_keep_remote_vectors)
{
    s_server_t s;
    s_start (&s);
    qs_err_t err;
    qs_kb_config_t config = { .corpus_dir = getenv ("QS_KB_TEST_CORPUS"),
                              .embeddings_url = s.url };
    qs_kb_t *kb = qs_kb_new (&config, &err);
    ck_assert_msg (kb != NULL, "%s", err.message);
    ck_assert_int_eq (qs_kb_pages_without_remote (kb), 0);
    /*  the bulk load's final local pass must not wipe the remote vectors */
    s_assert_remote_finds (kb, "kafka-rebalance-commit-failed");
    s_assert_remote_finds (kb, "redis-oom-maxmemory");
    /*  nor a later IDF refresh */
    qs_kb_index_reembed (qs_kb_index (kb));
    s_assert_remote_finds (kb, "redis-oom-maxmemory");
    char **none = NULL;
    ck_assert_int_eq (qs_kb_index_page_texts (qs_kb_index (kb), "no-such-page", &none), -1);
    ck_assert_ptr_null (none);
    qs_kb_destroy (&kb);
    mg_stop (s.ctx);
}
END_TEST

START_TEST (test_backfill_after_failures)
{
    s_server_t s;
    s_start (&s);
    s.refuse = true;
    qs_err_t err;
    qs_kb_config_t config = { .corpus_dir = getenv ("QS_KB_TEST_CORPUS"),
                              .embeddings_url = s.url, .remote_backoff_ms = 300 };
    qs_kb_t *kb = qs_kb_new (&config, &err);
    ck_assert_msg (kb != NULL, "%s", err.message);
    int pages = (int) qs_kb_index_pages (qs_kb_index (kb));
    ck_assert_int_eq (qs_kb_pages_without_remote (kb), pages);
    /*  still refused: one failed try, then a pause */
    ck_assert_int_eq (qs_kb_backfill_remote (kb, 8), 0);
    ck_assert_int_eq (qs_kb_backfill_remote (kb, 8), 0);
    ck_assert_int_eq (qs_kb_pages_without_remote (kb), pages);
    s.refuse = false;
    int64_t until = qs_mono_ms () + 20000;
    while (qs_kb_pages_without_remote (kb) > 0 && qs_mono_ms () < until) {
        qs_err_t serr;
        ck_assert_int_ge (qs_kb_sync (kb, &serr), 0);   /* sync runs the backfill */
        struct timespec ts = { 0, 20 * 1000000L };
        nanosleep (&ts, NULL);
    }
    ck_assert_int_eq (qs_kb_pages_without_remote (kb), 0);
    s_assert_remote_finds (kb, "redis-oom-maxmemory");
    qs_kb_destroy (&kb);
    mg_stop (s.ctx);
}
END_TEST

START_TEST (test_unreachable_api_backs_off)
{
    s_server_t s;
    s_start (&s);
    char url[64];
    qs_strlcpy (url, s.url, sizeof url);
    mg_stop (s.ctx);
    qs_err_t err;
    qs_kb_config_t config = { .corpus_dir = getenv ("QS_KB_TEST_CORPUS"), .embeddings_url = url };
    int64_t t0 = qs_mono_ms ();
    qs_kb_t *kb = qs_kb_new (&config, &err);
    ck_assert_msg (kb != NULL, "%s", err.message);
    ck_assert_int_eq (qs_kb_pages_without_remote (kb), (int) qs_kb_index_pages (qs_kb_index (kb)));
    /*  backing off: searches answer locally without asking again */
    qs_kb_hit_t hits[5];
    qs_kb_query_t q = { .q = "CommitFailedException rebalanced", .limit = 5 };
    ck_assert_int_ge (qs_kb_search (kb, &q, hits, 5, &err), 1);
    ck_assert_str_eq (hits[0].id, "kafka-rebalance-commit-failed");
    ck_assert_int_eq (qs_kb_backfill_remote (kb, 8), 0);
    ck_assert_int_lt (qs_mono_ms () - t0, 20000);
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
    tcase_add_test (tc, test_batches);
    tcase_add_test (tc, test_seeded_pages_keep_remote_vectors);
    tcase_add_test (tc, test_backfill_after_failures);
    tcase_add_test (tc, test_unreachable_api_backs_off);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
