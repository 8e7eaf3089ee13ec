/*  qs_kb_index - chunks, BM25, vectors and hybrid search; the rank fusion
    itself is qs_kb_fusion.c. */
#include "qs_kb_index.h"
#include "qs_kb_bm25.h"
#include "qs_kb_embed.h"
#include "qs_kb_fusion.h"
#include "qs_kb_text.h"
#include "qs_kb_vecs.h"
#include "qs_util.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CANDIDATES 60     /* per ranking, before fusion */
#define S_TOPIC_BOOST 0.5   /* a named engine counts as half a first rank */

typedef struct {
    char *id, *title, *topic, *category;
    char *org;              /* the owning org; NULL = a built-in page */
    uint32_t first, n_chunks;   /* chunks of a page are contiguous */
    bool alive;
} s_page_t;

typedef struct {
    uint32_t page;
    const char *org;        /* the page's org (lent from it), read by the filter
                               without touching the page; NULL = built-in */
    char *heading;
    char *text;             /* section body, for snippets */
} s_chunk_t;

struct _qs_kb_index_t {
    pthread_rwlock_t lock;
    qs_kb_bm25_t *bm25;
    s_page_t *pages;
    uint32_t n_pages, cap_pages, n_alive_pages;
    uint32_t *slots;        /* page id -> page index + 1, open addressing */
    uint32_t n_slots;
    s_chunk_t *chunks;
    qs_kb_vecs_t *local;    /* local embeddings, numbered like the chunks */
    qs_kb_vecs_t *remote;   /* remote embeddings, once some arrived; else NULL */
    uint32_t n_chunks, cap_chunks, n_alive_chunks;
    size_t text_bytes;
    bool bulk;              /* embeddings deferred to bulk_end */
};

qs_kb_index_t *
qs_kb_index_new (void)
{
    qs_kb_index_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->n_slots = 256;
    self->slots = calloc (self->n_slots, sizeof *self->slots);
    self->bm25 = qs_kb_bm25_new ();
    self->local = qs_kb_vecs_new (QS_KB_DIM);
    if (!self->slots || !self->bm25 || !self->local
        || pthread_rwlock_init (&self->lock, NULL) != 0) {
        free (self->slots);
        qs_kb_bm25_destroy (&self->bm25);
        qs_kb_vecs_destroy (&self->local);
        free (self);
        return NULL;
    }
    return self;
}

void
qs_kb_index_destroy (qs_kb_index_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_kb_index_t *self = *self_p;
    for (uint32_t i = 0; i < self->n_pages; i++) {
        free (self->pages[i].id);
        free (self->pages[i].title);
        free (self->pages[i].topic);
        free (self->pages[i].category);
        free (self->pages[i].org);
    }
    for (uint32_t i = 0; i < self->n_chunks; i++) {
        free (self->chunks[i].heading);
        free (self->chunks[i].text);
    }
    free (self->pages);
    free (self->slots);
    free (self->chunks);
    qs_kb_vecs_destroy (&self->local);
    qs_kb_vecs_destroy (&self->remote);
    qs_kb_bm25_destroy (&self->bm25);
    pthread_rwlock_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

/*  Slot of id: holding it, or the empty slot where it would go. */
static uint32_t
s_slot (const qs_kb_index_t *self, const char *id)
{
    uint32_t mask = self->n_slots - 1;
    uint32_t slot = (uint32_t) qs_kb_hash (id, strlen (id), 7) & mask;
    while (self->slots[slot] && strcmp (self->pages[self->slots[slot] - 1].id, id) != 0)
        slot = (slot + 1) & mask;
    return slot;
}

static int64_t
s_page_find (const qs_kb_index_t *self, const char *id)
{
    uint32_t slot = s_slot (self, id);
    if (!self->slots[slot])
        return -1;
    uint32_t p = self->slots[slot] - 1;
    return self->pages[p].alive ? (int64_t) p : -1;
}

static int
s_grow (void **ptr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
    if (need <= *cap)
        return 0;
    uint32_t n = *cap ? *cap : first;
    while (n < need)
        n *= 2;
    void *grown = realloc (*ptr, (size_t) n * elem);
    if (!grown)
        return -1;
    *ptr = grown;
    *cap = n;
    return 0;
}

static int
s_rehash (qs_kb_index_t *self)
{
    uint32_t n = self->n_slots * 2;
    uint32_t *slots = calloc (n, sizeof *slots);
    if (!slots)
        return -1;
    free (self->slots);
    self->slots = slots;
    self->n_slots = n;
    /*  re-insert the newest page per id (removed pages stay addressable by
        index only) */
    for (uint32_t i = 0; i < self->n_pages; i++) {
        uint32_t slot = s_slot (self, self->pages[i].id);
        self->slots[slot] = i + 1;
    }
    return 0;
}

/*  The local embedding of a chunk. Remote vectors are left alone: a new
    chunk's slot is cleared by put, and re-embedding (bulk end, IDF refresh)
    must keep the remote vectors that arrived meanwhile. */
static void
s_embed (qs_kb_index_t *self, uint32_t chunk, const char *text)
{
    float v[QS_KB_DIM];
    if (!self->bulk)
        qs_kb_embed_text (text, self->bm25, v);
    qs_kb_vecs_set (self->local, chunk, self->bulk ? NULL : v);
}

static void
s_remove_locked (qs_kb_index_t *self, uint32_t p)
{
    s_page_t *page = &self->pages[p];
    if (!page->alive)
        return;
    for (uint32_t c = page->first; c < page->first + page->n_chunks; c++) {
        qs_kb_bm25_remove (self->bm25, c);
        free (self->chunks[c].text);
        free (self->chunks[c].heading);
        self->chunks[c].text = NULL;
        self->chunks[c].heading = NULL;
    }
    page->alive = false;
    self->n_alive_pages--;
    self->n_alive_chunks -= page->n_chunks;
}

/*  What a chunk is indexed and embedded from: the page title stays with
    every chunk. New string or NULL. */
static char *
s_chunk_text (const char *title, const char *heading, const char *body)
{
    return qs_strdupf ("%s\n%s\n%s", title, heading, body);
}

int
qs_kb_index_chunk_texts (const qs_kb_page_t *page, char ***texts_p)
{
    *texts_p = NULL;
    qs_kb_section_t *sections = NULL;
    int n = qs_kb_page_sections (page, &sections);
    if (n < 0)
        return -1;
    int count = n ? n : 1;
    char **texts = calloc ((size_t) count, sizeof *texts);
    for (int i = 0; texts && i < count; i++) {
        texts[i] = s_chunk_text (page->title, n ? sections[i].heading : "",
                                 n ? sections[i].text : "");
        if (!texts[i]) {
            qs_kb_index_texts_free (&texts, i);
            break;
        }
    }
    qs_kb_sections_free (&sections, n);
    if (!texts)
        return -1;
    *texts_p = texts;
    return count;
}

int
qs_kb_index_page_texts (qs_kb_index_t *self, const char *id, char ***texts_p)
{
    *texts_p = NULL;
    int n = -1;
    pthread_rwlock_rdlock (&self->lock);
    int64_t p = s_page_find (self, id);
    if (p < 0)
        goto cleanup;
    const s_page_t *pg = &self->pages[p];
    char **texts = calloc (pg->n_chunks ? pg->n_chunks : 1, sizeof *texts);
    if (!texts)
        goto cleanup;
    for (uint32_t i = 0; i < pg->n_chunks; i++) {
        const s_chunk_t *ch = &self->chunks[pg->first + i];
        if (!(texts[i] = s_chunk_text (pg->title, ch->heading, ch->text))) {
            qs_kb_index_texts_free (&texts, (int) i);
            goto cleanup;
        }
    }
    *texts_p = texts;
    n = (int) pg->n_chunks;
cleanup:
    pthread_rwlock_unlock (&self->lock);
    return n;
}

void
qs_kb_index_texts_free (char ***texts_p, int n)
{
    if (!texts_p || !*texts_p)
        return;
    for (int i = 0; i < n; i++)
        free ((*texts_p)[i]);
    free (*texts_p);
    *texts_p = NULL;
}

int
qs_kb_index_put_remote (qs_kb_index_t *self, const char *id, const float *vecs, int n, int dim)
{
    int rc = -1;
    pthread_rwlock_wrlock (&self->lock);
    int64_t p = s_page_find (self, id);
    if (p < 0 || (int) self->pages[p].n_chunks != n)
        goto cleanup;
    if (!self->remote && !(self->remote = qs_kb_vecs_new (dim)))
        goto cleanup;
    if (qs_kb_vecs_dim (self->remote) != dim
        || qs_kb_vecs_reserve (self->remote, self->cap_chunks))
        goto cleanup;
    for (int i = 0; i < n; i++)
        qs_kb_vecs_set (self->remote, self->pages[p].first + (uint32_t) i,
                        vecs + (size_t) i * (size_t) dim);
    rc = 0;
cleanup:
    pthread_rwlock_unlock (&self->lock);
    return rc;
}

int
qs_kb_index_put (qs_kb_index_t *self, const qs_kb_page_t *page, qs_err_t *err)
{
    qs_kb_section_t *sections = NULL;
    int n_sections = qs_kb_page_sections (page, &sections);
    if (n_sections < 0)
        return qs_err_set (err, 500, "internal", "out of memory");
    int rc = -1;
    char *text = NULL;
    pthread_rwlock_wrlock (&self->lock);
    int64_t old = s_page_find (self, page->id);
    if (old >= 0)
        s_remove_locked (self, (uint32_t) old);
    if ((self->n_pages + 1) * 2 > self->n_slots && s_rehash (self))
        goto cleanup;
    if (s_grow ((void **) &self->pages, &self->cap_pages, self->n_pages + 1,
                sizeof *self->pages, 64))
        goto cleanup;
    uint32_t need = self->n_chunks + (uint32_t) (n_sections ? n_sections : 1);
    if (s_grow ((void **) &self->chunks, &self->cap_chunks, need, sizeof *self->chunks, 256)
        || qs_kb_vecs_reserve (self->local, self->cap_chunks)
        || (self->remote && qs_kb_vecs_reserve (self->remote, self->cap_chunks)))
        goto cleanup;
    uint32_t p = self->n_pages;
    s_page_t *pg = &self->pages[p];
    memset (pg, 0, sizeof *pg);
    pg->id = strdup (page->id);
    pg->title = strdup (page->title);
    pg->topic = strdup (page->topic);
    pg->category = strdup (page->category);
    pg->org = page->org_id[0] ? strdup (page->org_id) : NULL;
    if (!pg->id || !pg->title || !pg->topic || !pg->category
        || (page->org_id[0] && !pg->org)) {
        free (pg->id);
        free (pg->title);
        free (pg->topic);
        free (pg->category);
        free (pg->org);
        goto cleanup;
    }
    pg->first = self->n_chunks;
    pg->alive = true;
    self->n_pages++;
    self->n_alive_pages++;
    self->slots[s_slot (self, page->id)] = p + 1;
    /*  a page with no body still gets one chunk so its title is searchable */
    for (int i = 0; i < (n_sections ? n_sections : 1); i++) {
        const char *heading = n_sections ? sections[i].heading : "";
        const char *body = n_sections ? sections[i].text : "";
        free (text);
        text = s_chunk_text (page->title, heading, body);
        s_chunk_t *ch = &self->chunks[self->n_chunks];
        ch->page = p;
        ch->org = pg->org;
        ch->heading = strdup (heading);
        ch->text = strdup (body);
        int64_t id = text && ch->heading && ch->text ? qs_kb_bm25_add (self->bm25, text) : -1;
        if (id < 0) {
            free (ch->heading);
            free (ch->text);
            ch->heading = ch->text = NULL;
            s_remove_locked (self, p);
            goto cleanup;
        }
        /*  BM25 numbers chunks in the same order as we do */
        s_embed (self, self->n_chunks, text);
        if (self->remote)
            qs_kb_vecs_set (self->remote, self->n_chunks, NULL);
        self->text_bytes += strlen (body) + strlen (heading) + 2;
        self->n_chunks++;
        self->n_alive_chunks++;
        pg->n_chunks++;
    }
    rc = 0;
cleanup:
    pthread_rwlock_unlock (&self->lock);
    free (text);
    qs_kb_sections_free (&sections, n_sections);
    if (rc)
        qs_err_set (err, 500, "internal", "out of memory while indexing");
    return rc;
}

int
qs_kb_index_remove (qs_kb_index_t *self, const char *id)
{
    pthread_rwlock_wrlock (&self->lock);
    int64_t p = s_page_find (self, id);
    if (p >= 0)
        s_remove_locked (self, (uint32_t) p);
    pthread_rwlock_unlock (&self->lock);
    return p >= 0 ? 0 : -1;
}

int
qs_kb_index_remove_owned (qs_kb_index_t *self, const char *id, const char *org_id)
{
    if (!org_id || !*org_id)
        return -1;
    pthread_rwlock_wrlock (&self->lock);
    int64_t p = s_page_find (self, id);
    bool owned = p >= 0 && self->pages[p].org && strcmp (self->pages[p].org, org_id) == 0;
    if (owned)
        s_remove_locked (self, (uint32_t) p);
    pthread_rwlock_unlock (&self->lock);
    return owned ? 0 : -1;
}

int
qs_kb_index_owner (qs_kb_index_t *self, const char *id, char *org, size_t size)
{
    pthread_rwlock_rdlock (&self->lock);
    int64_t p = s_page_find (self, id);
    if (p >= 0)
        qs_strlcpy (org, self->pages[p].org ? self->pages[p].org : "", size);
    pthread_rwlock_unlock (&self->lock);
    return p >= 0 ? 0 : -1;
}

bool
qs_kb_index_has (qs_kb_index_t *self, const char *id)
{
    pthread_rwlock_rdlock (&self->lock);
    bool has = s_page_find (self, id) >= 0;
    pthread_rwlock_unlock (&self->lock);
    return has;
}

void
qs_kb_index_bulk_begin (qs_kb_index_t *self)
{
    pthread_rwlock_wrlock (&self->lock);
    self->bulk = true;
    pthread_rwlock_unlock (&self->lock);
}

void
qs_kb_index_bulk_end (qs_kb_index_t *self)
{
    qs_kb_index_reembed (self);
}

void
qs_kb_index_reembed (qs_kb_index_t *self)
{
    pthread_rwlock_wrlock (&self->lock);
    self->bulk = false;
    for (uint32_t c = 0; c < self->n_chunks; c++) {
        s_chunk_t *ch = &self->chunks[c];
        if (!ch->text)
            continue;
        char *text = s_chunk_text (self->pages[ch->page].title, ch->heading, ch->text);
        if (text)
            s_embed (self, c, text);
        free (text);
    }
    pthread_rwlock_unlock (&self->lock);
}

typedef struct {
    const qs_kb_index_t *self;
    const char *category, *topic;
    const char *org;        /* NULL = built-in pages only */
} s_filter_t;

/*  Every ranking asks this before a chunk may become a candidate: another
    org's pages must never be scored into the top lists. */
static bool
s_accept (uint32_t chunk, void *arg)
{
    s_filter_t *f = arg;
    const s_chunk_t *ch = &f->self->chunks[chunk];
    if (!ch->text)
        return false;
    if (ch->org && (!f->org || strcmp (ch->org, f->org) != 0))
        return false;
    const s_page_t *pg = &f->self->pages[ch->page];
    if (f->category && strcmp (pg->category, f->category) != 0)
        return false;
    if (f->topic && strcmp (pg->topic, f->topic) != 0)
        return false;
    return true;
}

int
qs_kb_index_search (qs_kb_index_t *self, const qs_kb_query_t *query,
                    qs_kb_hit_t *hits, int max, qs_err_t *err)
{
    if (max <= 0 || !query->q)
        return 0;
    qs_kb_scored_t lex[S_CANDIDATES], vec[S_CANDIDATES], rem[S_CANDIDATES];
    qs_kb_fused_t fused[3 * S_CANDIDATES];
    int n_lex = 0, n_vec = 0, n_rem = 0, n_fused = 0, n_hits = 0;
    float qv[QS_KB_DIM];
    pthread_rwlock_rdlock (&self->lock);
    s_filter_t filter = { self, query->category, query->topic,
                          query->org_id && *query->org_id ? query->org_id : NULL };
    bool remote = query->remote_q && self->remote
        && qs_kb_vecs_dim (self->remote) == query->remote_dim
        && (query->mode == QS_KB_HYBRID || query->mode == QS_KB_REMOTE);
    if (remote)
        n_rem = qs_kb_vecs_search (self->remote, query->remote_q, self->n_chunks, s_accept,
                                   &filter, rem, S_CANDIDATES, query->exact);
    if (query->mode == QS_KB_HYBRID || query->mode == QS_KB_LEXICAL) {
        n_lex = qs_kb_bm25_search (self->bm25, query->q, s_accept, &filter, lex, S_CANDIDATES);
        if (n_lex < 0) {
            pthread_rwlock_unlock (&self->lock);
            return qs_err_set (err, 500, "internal", "out of memory while searching");
        }
    }
    if (query->mode == QS_KB_HYBRID || query->mode == QS_KB_VECTOR) {
        qs_kb_embed_text (query->q, self->bm25, qv);
        n_vec = qs_kb_vecs_search (self->local, qv, self->n_chunks, s_accept, &filter,
                                   vec, S_CANDIDATES, query->exact);
    }
    double top = 1.0;
    if (query->mode == QS_KB_HYBRID) {
        qs_kb_fusion_add (fused, &n_fused, lex, n_lex, 1.0);
        qs_kb_fusion_add (fused, &n_fused, vec, n_vec, 1.0);
        qs_kb_fusion_add (fused, &n_fused, rem, n_rem, 1.0);
        qs_kb_topics_t topics;
        qs_kb_fusion_topics (query->q, &topics);
        top = (remote ? 3.0 : 2.0) / (QS_KB_RRF_K + 1);
        if (topics.any && !query->topic) {
            for (int i = 0; i < n_fused; i++)
                if (qs_kb_fusion_names (&topics,
                                        self->pages[self->chunks[fused[i].chunk].page].topic))
                    fused[i].score += S_TOPIC_BOOST / (QS_KB_RRF_K + 1);
            top += S_TOPIC_BOOST / (QS_KB_RRF_K + 1);
        }
        qs_kb_fusion_sort (fused, n_fused);
    }
    else {
        const qs_kb_scored_t *list = query->mode == QS_KB_LEXICAL ? lex
                                   : query->mode == QS_KB_REMOTE ? rem : vec;
        int n = query->mode == QS_KB_LEXICAL ? n_lex : query->mode == QS_KB_REMOTE ? n_rem : n_vec;
        for (int i = 0; i < n; i++)
            fused[n_fused++] = (qs_kb_fused_t) { list[i].chunk, list[i].score };
    }
    /*  one result per page: the page's best chunk, in fused order */
    for (int i = 0; i < n_fused && n_hits < max; i++) {
        uint32_t page = self->chunks[fused[i].chunk].page;
        bool dup = false;
        for (int j = 0; j < i && !dup; j++)
            dup = self->chunks[fused[j].chunk].page == page;
        if (dup)
            continue;
        const s_page_t *pg = &self->pages[page];
        const s_chunk_t *ch = &self->chunks[fused[i].chunk];
        qs_kb_hit_t *h = &hits[n_hits++];
        qs_strlcpy (h->id, pg->id, sizeof h->id);
        qs_strlcpy (h->title, pg->title, sizeof h->title);
        qs_strlcpy (h->topic, pg->topic, sizeof h->topic);
        qs_strlcpy (h->category, pg->category, sizeof h->category);
        qs_strlcpy (h->heading, ch->heading, sizeof h->heading);
        h->score = fused[i].score / top;
        qs_kb_text_snippet (ch->text, query->q, QS_KB_SNIPPET_MAX, h->snippet, sizeof h->snippet);
    }
    pthread_rwlock_unlock (&self->lock);
    return n_hits;
}

size_t
qs_kb_index_pages (qs_kb_index_t *self)
{
    pthread_rwlock_rdlock (&self->lock);
    size_t n = self->n_alive_pages;
    pthread_rwlock_unlock (&self->lock);
    return n;
}

size_t
qs_kb_index_chunks (qs_kb_index_t *self)
{
    pthread_rwlock_rdlock (&self->lock);
    size_t n = self->n_alive_chunks;
    pthread_rwlock_unlock (&self->lock);
    return n;
}

size_t
qs_kb_index_memory (qs_kb_index_t *self)
{
    pthread_rwlock_rdlock (&self->lock);
    size_t bytes = sizeof *self + qs_kb_bm25_memory (self->bm25)
        + (size_t) self->cap_pages * sizeof *self->pages
        + (size_t) self->n_slots * sizeof *self->slots
        + (size_t) self->cap_chunks * sizeof *self->chunks + qs_kb_vecs_memory (self->local)
        + (self->remote ? qs_kb_vecs_memory (self->remote) : 0)
        + self->text_bytes;
    pthread_rwlock_unlock (&self->lock);
    return bytes;
}
