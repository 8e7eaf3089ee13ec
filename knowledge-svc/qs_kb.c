/*  qs_kb - knowledge service logic: seeding, store sync and the ops. */
#include "qs_kb.h"
#include "qs_kb_docstore.h"
#include "qs_kb_remote.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define S_TITLE_CHARS 80        /* what the shared store accepts */

struct _qs_kb_t {
    qs_kb_index_t *index;
    qs_kb_docstore_t *docs;     /* NULL = no persistence (tests, eval) */
    pthread_mutex_t sync_lock;  /* one sync at a time; guards cursor and applied */
    qs_kb_cursor_t cursor;
    json_object *applied;       /* id -> change applied (s_mark), to skip re-reads */
    size_t chunks_at_embed;     /* chunk count when vectors were last recomputed */
    qs_kb_remote_t *remote;     /* NULL = local embeddings only */
    pthread_mutex_t remote_lock;    /* guards the two below */
    int64_t remote_down_until;  /* monotonic ms: the API failed, skip it until then */
    int64_t backfill_after;     /* monotonic ms: the next backfill pass after a failure */
    int64_t backoff_ms;
    json_object *remote_missing;    /* id -> true: pages still without remote vectors */
};

#define S_REMOTE_DOC_MS     15000
#define S_REMOTE_QUERY_MS   3000
/*  After the API is unreachable or slow, pages and queries skip it for a
    while instead of each waiting out a timeout (a 66-page seed against a
    hung API would otherwise take 66 x 15 s); the sync loop fills the gaps. */
#define S_REMOTE_BACKOFF_MS 30000
#define S_BACKFILL_PAGES    8

static bool
s_remote_up (qs_kb_t *self)
{
    pthread_mutex_lock (&self->remote_lock);
    bool up = qs_mono_ms () >= self->remote_down_until;
    pthread_mutex_unlock (&self->remote_lock);
    return up;
}

/*  Record how embedding page id went: ok, or failed with status (0 = not
    tried). A failed page moves to the back of the backfill queue, so one
    page the API keeps refusing does not hold up the others. */
static void
s_remote_note (qs_kb_t *self, const char *id, bool ok, int status)
{
    pthread_mutex_lock (&self->remote_lock);
    json_object_object_del (self->remote_missing, id);
    if (!ok) {
        json_object_object_add (self->remote_missing, id, json_object_new_boolean (1));
        if (status == 503 || status == 504)
            self->remote_down_until = qs_mono_ms () + self->backoff_ms;
    }
    pthread_mutex_unlock (&self->remote_lock);
}

/*  Embed texts (n chunks of page id) remotely and attach the vectors.
    Returns true when they were attached. */
static bool
s_embed_texts (qs_kb_t *self, const char *id, char **texts, int n)
{
    float *vecs = NULL;
    int dim = 0;
    qs_err_t err = { 0 };
    bool ok = false;
    if (!s_remote_up (self))
        err.status = 0;
    else
    if (qs_kb_remote_embed (self->remote, (const char *const *) texts, n,
                            S_REMOTE_DOC_MS, &vecs, &dim, &err) == 0) {
        ok = qs_kb_index_put_remote (self->index, id, vecs, n, dim) == 0;
        if (!ok)
            qs_warn (NULL, "knowledge: remote vectors for %s do not fit (dim %d)", id, dim);
    }
    else
        qs_warn (NULL, "knowledge: remote embeddings for %s failed: %s", id, err.message);
    free (vecs);
    s_remote_note (self, id, ok, err.status);
    return ok;
}

/*  Give a page its remote embeddings; failures leave it local-only until
    the sync loop's backfill succeeds. */
static void
s_embed_remote (qs_kb_t *self, const qs_kb_page_t *page)
{
    if (!self->remote)
        return;
    char **texts = NULL;
    int n = qs_kb_index_chunk_texts (page, &texts);
    if (n > 0)
        s_embed_texts (self, page->id, texts, n);
    qs_kb_index_texts_free (&texts, n);
}

int
qs_kb_backfill_remote (qs_kb_t *self, int max_pages)
{
    if (!self->remote || !s_remote_up (self))
        return 0;
    char ids[S_BACKFILL_PAGES][QS_KB_ID_MAX + 1];
    int n_ids = 0, done = 0;
    if (max_pages > S_BACKFILL_PAGES)
        max_pages = S_BACKFILL_PAGES;
    pthread_mutex_lock (&self->remote_lock);
    if (qs_mono_ms () < self->backfill_after) {
        pthread_mutex_unlock (&self->remote_lock);
        return 0;
    }
    json_object_object_foreach (self->remote_missing, key, val) {
        (void) val;
        if (n_ids >= max_pages)
            break;
        qs_strlcpy (ids[n_ids++], key, sizeof ids[0]);
    }
    pthread_mutex_unlock (&self->remote_lock);
    for (int i = 0; i < n_ids && s_remote_up (self); i++) {
        char **texts = NULL;
        int n = qs_kb_index_page_texts (self->index, ids[i], &texts);
        if (n <= 0)     /* deleted meanwhile: nothing to fill */
            s_remote_note (self, ids[i], true, 0);
        else
        if (s_embed_texts (self, ids[i], texts, n))
            done++;
        else {
            /*  the API refuses or is away: try again later, not every sync */
            pthread_mutex_lock (&self->remote_lock);
            self->backfill_after = qs_mono_ms () + self->backoff_ms;
            pthread_mutex_unlock (&self->remote_lock);
            qs_kb_index_texts_free (&texts, n);
            break;
        }
        qs_kb_index_texts_free (&texts, n);
    }
    return done;
}

int
qs_kb_pages_without_remote (qs_kb_t *self)
{
    pthread_mutex_lock (&self->remote_lock);
    int n = json_object_object_length (self->remote_missing);
    pthread_mutex_unlock (&self->remote_lock);
    return n;
}

static int
s_seed_page (const qs_kb_page_t *page, void *arg)
{
    qs_kb_t *self = arg;
    qs_err_t err;
    if (qs_kb_index_put (self->index, page, &err))
        qs_warn (NULL, "knowledge: cannot index %s: %s", page->id, err.message);
    else
        s_embed_remote (self, page);
    return 0;
}

qs_kb_t *
qs_kb_new (const qs_kb_config_t *config, qs_err_t *err)
{
    qs_kb_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal", "out of memory");
        return NULL;
    }
    pthread_mutex_init (&self->sync_lock, NULL);
    pthread_mutex_init (&self->remote_lock, NULL);
    self->backoff_ms = config->remote_backoff_ms > 0 ? config->remote_backoff_ms
                                                     : S_REMOTE_BACKOFF_MS;
    self->index = qs_kb_index_new ();
    self->applied = json_object_new_object ();
    self->remote_missing = json_object_new_object ();
    if (!self->index || !self->applied || !self->remote_missing) {
        qs_err_set (err, 500, "internal", "out of memory");
        goto failed;
    }
    if (config->embeddings_url && *config->embeddings_url
        && !(self->remote = qs_kb_remote_new (config->embeddings_url, config->embeddings_model,
                                              config->embeddings_key))) {
        qs_err_set (err, 400, "bad_request", "QS_EMBEDDINGS_URL must be an http(s) URL");
        goto failed;
    }
    qs_kb_index_bulk_begin (self->index);
    if (config->corpus_dir) {
        int n = qs_kb_corpus_load_dir (config->corpus_dir, s_seed_page, self, err);
        if (n < 0) {
            if (err)
                qs_strlcpy (err->message + strlen (err->message),
                            " (set QS_KNOWLEDGE_CORPUS to the knowledge-svc/corpus folder)",
                            sizeof err->message - strlen (err->message));
            goto failed;
        }
        qs_info (NULL, "knowledge: seeded %d built-in pages from %s", n, config->corpus_dir);
    }
    if (config->store_path) {
        self->docs = qs_kb_docstore_new (config->store_path, err);
        if (!self->docs)
            goto failed;
        if (qs_kb_sync (self, err) < 0)
            goto failed;
    }
    qs_kb_index_bulk_end (self->index);
    self->chunks_at_embed = qs_kb_index_chunks (self->index);
    return self;
failed:
    qs_kb_destroy (&self);
    return NULL;
}

int
qs_kb_ping (qs_kb_t *self, qs_err_t *err)
{
    return self->docs ? qs_kb_docstore_ping (self->docs, err) : 0;
}

void
qs_kb_destroy (qs_kb_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_kb_t *self = *self_p;
    qs_kb_index_destroy (&self->index);
    qs_kb_docstore_destroy (&self->docs);
    qs_kb_remote_destroy (&self->remote);
    json_object_put (self->applied);
    json_object_put (self->remote_missing);
    pthread_mutex_destroy (&self->sync_lock);
    pthread_mutex_destroy (&self->remote_lock);
    free (self);
    *self_p = NULL;
}

qs_kb_index_t *
qs_kb_index (qs_kb_t *self)
{
    return self->index;
}

typedef struct {
    qs_kb_t *self;
    int applied;
} s_sync_t;

/*  Orders the changes of one id: a delete in the same millisecond as the
    add it undoes still counts as newer. */
static int64_t
s_mark (int64_t version, bool deleted)
{
    return version * 2 + (deleted ? 1 : 0);
}

static void
s_apply_delete (qs_kb_t *self, const qs_kb_page_t *page)
{
    if (page->org_id[0]) {
        if (qs_kb_index_remove_owned (self->index, page->id, page->org_id)
            && qs_kb_index_has (self->index, page->id))
            qs_warn (NULL, "knowledge: tombstone for %s names another org; ignored", page->id);
        return;
    }
    /*  a store tombstone from before documents had owners: it may remove a
        document (the store no longer holds it), never a built-in page */
    char owner[QS_KB_ORG_MAX + 1];
    if (qs_kb_index_owner (self->index, page->id, owner, sizeof owner) == 0 && owner[0])
        qs_kb_index_remove_owned (self->index, page->id, owner);
}

static int
s_apply (const qs_kb_page_t *page, bool deleted, int64_t version, void *arg)
{
    s_sync_t *s = arg;
    qs_kb_t *self = s->self;
    json_object *seen = NULL;
    if (json_object_object_get_ex (self->applied, page->id, &seen)
        && json_object_get_int64 (seen) >= s_mark (version, deleted))
        return 0;
    char owner[QS_KB_ORG_MAX + 1];
    if (qs_kb_index_owner (self->index, page->id, owner, sizeof owner) == 0 && !owner[0])
        /*  built-in pages come from the corpus only: a store record with such
            an id (a placeholder from before documents had owners) never changes one */
        qs_debug (NULL, "knowledge: store change for built-in page %s ignored", page->id);
    else
    if (deleted)
        s_apply_delete (self, page);
    else
    if (!page->org_id[0])
        /*  stored before documents had owners: whose it is is unknown, so no
            org may see it (an operator can re-add it as an org's admin) */
        qs_warn (NULL, "knowledge: document %s has no owning org; not searchable", page->id);
    else {
        qs_err_t err;
        if (qs_kb_index_put (self->index, page, &err))
            qs_warn (NULL, "knowledge: cannot index document %s: %s", page->id, err.message);
        else
            s_embed_remote (self, page);
    }
    json_object_object_add (self->applied, page->id,
                            json_object_new_int64 (s_mark (version, deleted)));
    s->applied++;
    return 0;
}

int
qs_kb_sync (qs_kb_t *self, qs_err_t *err)
{
    qs_kb_backfill_remote (self, S_BACKFILL_PAGES);
    if (!self->docs)
        return 0;
    s_sync_t s = { self, 0 };
    pthread_mutex_lock (&self->sync_lock);
    int rc = qs_kb_docstore_changes (self->docs, &self->cursor, s_apply, &s, err);
    /*  IDF drifts as documents arrive; refresh the vectors after real growth */
    size_t chunks = qs_kb_index_chunks (self->index);
    if (rc == 0 && s.applied && self->chunks_at_embed > 0
        && chunks > self->chunks_at_embed + self->chunks_at_embed / 4 + 8) {
        qs_kb_index_reembed (self->index);
        self->chunks_at_embed = chunks;
    }
    pthread_mutex_unlock (&self->sync_lock);
    if (rc)
        return -1;
    return s.applied;
}

int
qs_kb_search (qs_kb_t *self, const qs_kb_query_t *query, qs_kb_hit_t *hits, int max,
              qs_err_t *err)
{
    qs_kb_query_t q = *query;
    float *qv = NULL;
    if (self->remote && !q.remote_q && q.mode != QS_KB_LEXICAL && q.mode != QS_KB_VECTOR
        && s_remote_up (self)) {
        qs_err_t rerr;
        if (qs_kb_remote_embed (self->remote, &q.q, 1, S_REMOTE_QUERY_MS, &qv, &q.remote_dim,
                                &rerr) == 0)
            q.remote_q = qv;
        else {
            qs_warn (NULL, "knowledge: remote query embedding failed, searching locally: %s",
                     rerr.message);
            if (rerr.status == 503 || rerr.status == 504) {
                pthread_mutex_lock (&self->remote_lock);
                self->remote_down_until = qs_mono_ms () + self->backoff_ms;
                pthread_mutex_unlock (&self->remote_lock);
            }
        }
    }
    int n = qs_kb_index_search (self->index, &q, hits, max, err);
    free (qv);
    return n;
}

/*  An optional string member: NULL when absent, null or "" (any); -1 when of
    another type. */
static int
s_opt_str (json_object *body, const char *key, const char **out, qs_err_t *err)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex (body, key, &v) || v == NULL)
        return 0;
    if (!json_object_is_type (v, json_type_string))
        return qs_err_set (err, 400, "bad_request", "%s must be a string", key);
    const char *s = json_object_get_string (v);
    *out = *s ? s : NULL;
    return 0;
}

static int
s_limit (json_object *body, int *limit, qs_err_t *err)
{
    json_object *v = NULL;
    *limit = QS_KB_LIMIT_DEF;
    if (!json_object_object_get_ex (body, "limit", &v) || v == NULL)
        return 0;
    long n = -1;
    if (json_object_is_type (v, json_type_int))
        n = (long) json_object_get_int64 (v);
    else
    if (json_object_is_type (v, json_type_string)) {
        /*  the gateway may pass query parameters through as text */
        const char *s = json_object_get_string (v);
        char *end = NULL;
        if (*s == '\0')
            return 0;
        n = strtol (s, &end, 10);
        if (*end != '\0')
            n = -1;
    }
    if (n < 1 || n > QS_KB_LIMIT_MAX)
        return qs_err_set (err, 400, "bad_request", "limit must be an integer from 1 to %d",
                           QS_KB_LIMIT_MAX);
    *limit = (int) n;
    return 0;
}

int
qs_kb_op_search (qs_kb_t *self, json_object *body, const qs_auth_t *auth,
                 json_object **reply_p, qs_err_t *err)
{
    *reply_p = NULL;
    const char *q = qs_json_str (body, "q", NULL);
    if (!q)
        return qs_err_set (err, 400, "bad_request", "q (the search text) is required");
    long chars = qs_utf8_length (q, strlen (q));
    if (chars < 0)
        return qs_err_set (err, 400, "bad_request", "q must be valid UTF-8 text");
    bool blank = true;
    for (const char *p = q; *p && blank; p++)
        blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
    if (chars < 1 || chars > QS_KB_Q_MAX || blank)
        return qs_err_set (err, 400, "bad_request", "q must be 1 to %d characters of text",
                           QS_KB_Q_MAX);
    qs_kb_query_t query = { .q = q, .mode = QS_KB_HYBRID,
                            .org_id = auth && auth->org_id[0] ? auth->org_id : NULL };
    if (s_opt_str (body, "category", &query.category, err)
        || s_opt_str (body, "topic", &query.topic, err)
        || s_limit (body, &query.limit, err))
        return -1;
    if (query.category && !qs_kb_category_valid (query.category))
        return qs_err_set (err, 400, "bad_request",
                           "unknown category: use setup, common_issues or best_practices");
    if (query.topic && !qs_kb_topic_valid (query.topic))
        return qs_err_set (err, 400, "bad_request",
                           "unknown topic: use a service type (redis, rabbitmq, postgresql,"
                           " mongodb, mysql, kafka, elasticsearch) or platform");
    qs_kb_hit_t hits[QS_KB_LIMIT_MAX];
    int n = qs_kb_search (self, &query, hits, query.limit, err);
    if (n < 0)
        return -1;
    json_object *reply = json_object_new_object ();
    json_object *results = json_object_new_array ();
    if (!reply || !results) {
        json_object_put (reply);
        json_object_put (results);
        return qs_err_set (err, 500, "internal", "out of memory");
    }
    for (int i = 0; i < n; i++) {
        json_object *r = json_object_new_object ();
        if (!r)
            continue;
        qs_json_add_str (r, "id", hits[i].id);
        qs_json_add_str (r, "title", hits[i].title);
        qs_json_add_str (r, "topic", hits[i].topic);
        qs_json_add_str (r, "category", hits[i].category);
        /*  four decimals on the wire, not json-c's seventeen digits */
        char score[32];
        snprintf (score, sizeof score, "%.4f", hits[i].score);
        json_object_object_add (r, "score", json_object_new_double_s (hits[i].score, score));
        qs_json_add_str (r, "snippet", hits[i].snippet);
        json_object_array_add (results, r);
    }
    json_object_object_add (reply, "results", results);
    *reply_p = reply;
    return 0;
}

static int
s_req_str (json_object *body, const char *key, const char **out, qs_err_t *err)
{
    *out = qs_json_str (body, key, NULL);
    if (!*out)
        return qs_err_set (err, 400, "bad_request", "%s is required (a string)", key);
    if (qs_utf8_length (*out, strlen (*out)) < 0)
        return qs_err_set (err, 400, "bad_request", "%s must be valid UTF-8 text", key);
    return 0;
}

int
qs_kb_op_add (qs_kb_t *self, json_object *body, const qs_auth_t *auth,
              json_object **reply_p, qs_err_t *err)
{
    *reply_p = NULL;
    if (!auth || !qs_auth_is_admin (auth) || !auth->org_id[0])
        return qs_err_set (err, 403, "forbidden", "only an admin can manage the knowledge base");
    const char *title, *content, *topic, *category;
    if (s_req_str (body, "title", &title, err) || s_req_str (body, "content", &content, err)
        || s_req_str (body, "topic", &topic, err) || s_req_str (body, "category", &category, err))
        return -1;
    if (qs_utf8_length (title, strlen (title)) > S_TITLE_CHARS)
        return qs_err_set (err, 400, "bad_request", "title must be at most %d characters",
                           S_TITLE_CHARS);
    char id[QS_ID_LEN + 1];
    if (qs_id_new (id))
        return qs_err_set (err, 500, "internal", "no randomness for a new id");
    qs_kb_page_t page;
    if (qs_kb_page_set (&page, id, title, topic, category, content, err))
        return -1;
    qs_strlcpy (page.org_id, auth->org_id, sizeof page.org_id);
    int rc = -1;
    if (self->docs && qs_kb_docstore_put (self->docs, &page, err))
        goto cleanup;
    if (qs_kb_index_put (self->index, &page, err))
        goto cleanup;
    s_embed_remote (self, &page);
    json_object *reply = json_object_new_object ();
    if (!reply || qs_json_add_str (reply, "id", id)) {
        json_object_put (reply);
        qs_err_set (err, 500, "internal", "out of memory");
        goto cleanup;
    }
    *reply_p = reply;
    rc = 0;
cleanup:
    qs_kb_page_clear (&page);
    return rc;
}

int
qs_kb_op_delete (qs_kb_t *self, json_object *body, const qs_auth_t *auth, qs_err_t *err)
{
    if (!auth || !qs_auth_is_admin (auth) || !auth->org_id[0])
        return qs_err_set (err, 403, "forbidden", "only an admin can manage the knowledge base");
    const char *id = qs_json_str (body, "id", NULL);
    if (!id || !*id || strlen (id) > QS_KB_ID_MAX)
        return qs_err_set (err, 404, "not_found", "no such document");
    /*  this worker's index, or the store for a document another worker added
        and this one has not synced yet */
    char owner[QS_KB_ORG_MAX + 1];
    if (qs_kb_index_owner (self->index, id, owner, sizeof owner) == 0) {
        if (!owner[0])
            return qs_err_set (err, 403, "forbidden", "built-in pages cannot be deleted");
    }
    else
    if (!self->docs || qs_kb_docstore_owner (self->docs, id, owner, sizeof owner) != 0)
        owner[0] = '\0';
    /*  another org's document answers exactly like a missing one */
    if (strcmp (owner, auth->org_id) != 0)
        return qs_err_set (err, 404, "not_found", "no such document");
    if (self->docs && qs_kb_docstore_delete (self->docs, id, auth->org_id, err))
        return -1;
    qs_kb_index_remove_owned (self->index, id, auth->org_id);
    return 0;
}
