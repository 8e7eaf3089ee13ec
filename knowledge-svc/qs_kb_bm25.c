/*  qs_kb_bm25 - inverted index + BM25 (k1 = 1.2, b = 0.75). */
#include "qs_kb_bm25.h"
#include "qs_kb_text.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define S_K1 1.2f
#define S_B  0.75f

typedef struct {
    uint32_t chunk;
    uint32_t tf;
} s_posting_t;

typedef struct {
    char *text;
    uint32_t len;
    uint32_t df;
    s_posting_t *post;
    uint32_t n_post, cap_post;
    uint32_t next_like;     /* the next term of its first letter and length, id + 1; 0 = none */
} s_term_t;

#define S_LIKE_LEN 42       /* longer terms share the last list */

typedef struct {
    uint32_t len;           /* tokens */
    uint32_t *terms;        /* distinct term ids, for removal */
    uint32_t n_terms;
    bool alive;
} s_chunk_t;

struct _qs_kb_bm25_t {
    s_term_t *terms;
    uint32_t n_terms, cap_terms;
    uint32_t *slots;        /* open addressing: term id + 1, 0 = empty */
    uint32_t n_slots;       /* power of two */
    s_chunk_t *chunks;
    uint32_t n_chunks, cap_chunks;
    uint32_t n_alive;
    double total_len;
    size_t bytes;
    uint32_t like[256][S_LIKE_LEN + 1];     /* heads of the next_like lists: typo guesses scan one */
};

qs_kb_bm25_t *
qs_kb_bm25_new (void)
{
    qs_kb_bm25_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->n_slots = 1024;
    self->slots = calloc (self->n_slots, sizeof *self->slots);
    if (!self->slots) {
        free (self);
        return NULL;
    }
    return self;
}

void
qs_kb_bm25_destroy (qs_kb_bm25_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_kb_bm25_t *self = *self_p;
    for (uint32_t i = 0; i < self->n_terms; i++) {
        free (self->terms[i].text);
        free (self->terms[i].post);
    }
    for (uint32_t i = 0; i < self->n_chunks; i++)
        free (self->chunks[i].terms);
    free (self->terms);
    free (self->slots);
    free (self->chunks);
    free (self);
    *self_p = NULL;
}

static int64_t
s_find (const qs_kb_bm25_t *self, const char *term, size_t len, uint32_t *slot_out)
{
    uint32_t mask = self->n_slots - 1;
    uint32_t slot = (uint32_t) qs_kb_hash (term, len, 0) & mask;
    while (self->slots[slot]) {
        const s_term_t *t = &self->terms[self->slots[slot] - 1];
        if (t->len == len && memcmp (t->text, term, len) == 0) {
            if (slot_out)
                *slot_out = slot;
            return self->slots[slot] - 1;
        }
        slot = (slot + 1) & mask;
    }
    if (slot_out)
        *slot_out = slot;
    return -1;
}

static int
s_grow_slots (qs_kb_bm25_t *self)
{
    uint32_t n = self->n_slots * 2;
    uint32_t *slots = calloc (n, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t i = 0; i < self->n_terms; i++) {
        uint32_t slot = (uint32_t) qs_kb_hash (self->terms[i].text, self->terms[i].len, 0) & (n - 1);
        while (slots[slot])
            slot = (slot + 1) & (n - 1);
        slots[slot] = i + 1;
    }
    free (self->slots);
    self->slots = slots;
    self->n_slots = n;
    return 0;
}

/*  Term id for term, created when missing; -1 on allocation failure. */
static int64_t
s_intern (qs_kb_bm25_t *self, const char *term, size_t len)
{
    uint32_t slot;
    int64_t id = s_find (self, term, len, &slot);
    if (id >= 0)
        return id;
    if ((self->n_terms + 1) * 2 > self->n_slots) {
        if (s_grow_slots (self))
            return -1;
        s_find (self, term, len, &slot);
    }
    if (self->n_terms == self->cap_terms) {
        uint32_t cap = self->cap_terms ? self->cap_terms * 2 : 1024;
        s_term_t *terms = realloc (self->terms, cap * sizeof *terms);
        if (!terms)
            return -1;
        self->bytes += (cap - self->cap_terms) * sizeof *terms;
        self->terms = terms;
        self->cap_terms = cap;
    }
    s_term_t *t = &self->terms[self->n_terms];
    memset (t, 0, sizeof *t);
    t->text = malloc (len + 1);
    if (!t->text)
        return -1;
    memcpy (t->text, term, len);
    t->text[len] = '\0';
    t->len = (uint32_t) len;
    self->bytes += len + 1;
    self->slots[slot] = self->n_terms + 1;
    uint32_t *head = &self->like[(unsigned char) term[0]][len < S_LIKE_LEN ? len : S_LIKE_LEN];
    t->next_like = *head;
    *head = self->n_terms + 1;
    return self->n_terms++;
}

typedef struct {
    qs_kb_bm25_t *self;
    uint32_t *ids;
    uint32_t n, cap;
    int failed;
} s_collect_t;

static int
s_collect (const char *tok, size_t len, void *arg)
{
    s_collect_t *c = arg;
    int64_t id = s_intern (c->self, tok, len);
    if (id < 0) {
        c->failed = 1;
        return 1;
    }
    if (c->n == c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 64;
        uint32_t *ids = realloc (c->ids, cap * sizeof *ids);
        if (!ids) {
            c->failed = 1;
            return 1;
        }
        c->ids = ids;
        c->cap = cap;
    }
    c->ids[c->n++] = (uint32_t) id;
    return 0;
}

static int
s_cmp_u32 (const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

int64_t
qs_kb_bm25_add (qs_kb_bm25_t *self, const char *text)
{
    s_collect_t c = { .self = self };
    int64_t result = -1;
    if (self->n_chunks == self->cap_chunks) {
        uint32_t cap = self->cap_chunks ? self->cap_chunks * 2 : 256;
        s_chunk_t *chunks = realloc (self->chunks, cap * sizeof *chunks);
        if (!chunks)
            goto cleanup;
        self->bytes += (cap - self->cap_chunks) * sizeof *chunks;
        self->chunks = chunks;
        self->cap_chunks = cap;
    }
    qs_kb_text_tokens (text, s_collect, &c);
    if (c.failed)
        goto cleanup;
    uint32_t chunk = self->n_chunks;
    uint32_t n_tokens = c.n;
    qsort (c.ids, c.n, sizeof *c.ids, s_cmp_u32);
    uint32_t distinct = 0;
    for (uint32_t i = 0; i < c.n;) {
        uint32_t j = i;
        while (j < c.n && c.ids[j] == c.ids[i])
            j++;
        s_term_t *t = &self->terms[c.ids[i]];
        if (t->n_post == t->cap_post) {
            uint32_t cap = t->cap_post ? t->cap_post * 2 : 4;
            s_posting_t *post = realloc (t->post, cap * sizeof *post);
            if (!post)
                goto cleanup;
            self->bytes += (cap - t->cap_post) * sizeof *post;
            t->post = post;
            t->cap_post = cap;
        }
        t->post[t->n_post++] = (s_posting_t) { chunk, j - i };
        t->df++;
        c.ids[distinct++] = c.ids[i];
        i = j;
    }
    s_chunk_t *ch = &self->chunks[chunk];
    ch->len = n_tokens;
    ch->n_terms = distinct;
    ch->terms = distinct ? realloc (c.ids, distinct * sizeof *c.ids) : NULL;
    if (distinct && !ch->terms)
        goto cleanup;
    if (!distinct)
        free (c.ids);
    c.ids = NULL;
    self->bytes += distinct * sizeof (uint32_t);
    ch->alive = true;
    self->n_chunks++;
    self->n_alive++;
    self->total_len += n_tokens;
    result = chunk;
cleanup:
    free (c.ids);
    return result;
}

void
qs_kb_bm25_remove (qs_kb_bm25_t *self, uint32_t chunk)
{
    if (chunk >= self->n_chunks || !self->chunks[chunk].alive)
        return;
    s_chunk_t *ch = &self->chunks[chunk];
    for (uint32_t i = 0; i < ch->n_terms; i++)
        self->terms[ch->terms[i]].df--;
    ch->alive = false;
    self->n_alive--;
    self->total_len -= ch->len;
}

static float
s_idf (uint32_t n, uint32_t df)
{
    return logf (1.0f + ((float) n - (float) df + 0.5f) / ((float) df + 0.5f));
}

float
qs_kb_bm25_idf (const qs_kb_bm25_t *self, const char *term, size_t len)
{
    int64_t id = s_find (self, term, len, NULL);
    uint32_t df = id >= 0 ? self->terms[id].df : 0;
    return s_idf (self->n_alive, df);
}

bool
qs_kb_bm25_known (const qs_kb_bm25_t *self, const char *term, size_t len)
{
    int64_t id = s_find (self, term, len, NULL);
    return id >= 0 && self->terms[id].df > 0;
}

typedef struct {
    const qs_kb_bm25_t *self;
    int64_t ids[64];
    float weight[64];       /* 1, or less for a term read through a typo */
    int n;
    int guesses;            /* typo guesses made: a long query (a log excerpt) is not all typos */
} s_query_t;

/*  A term of the index a misspelt query word stands for ("memroy",
    "autovacum", "postgress"): the same first letter, within one edit (two
    from 6 letters: a swap of two letters is two), the commonest of the
    closest; -1 when none. Words under 5 letters are never guessed: too many
    are one edit apart. */
static int64_t
s_nearest (const qs_kb_bm25_t *self, const char *tok, size_t len)
{
    if (len < 5 || len > 40)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (tok[i] >= '0' && tok[i] <= '9')
            return -1;              /* ids, versions, hex: never a misspelt word */
    char word[48];
    memcpy (word, tok, len);
    word[len] = '\0';
    int max = len >= 6 ? 2 : 1, best_d = max + 1;
    int64_t best = -1;
    for (size_t l = len - 2; l <= len + 2 && l <= S_LIKE_LEN; l++)
        for (uint32_t id = self->like[(unsigned char) word[0]][l]; id; id = self->terms[id - 1].next_like) {
            const s_term_t *t = &self->terms[id - 1];
            if (t->df == 0)
                continue;
            int d = qs_edit_distance (word, t->text, max);
            if (d < best_d || (d == best_d && best >= 0 && t->df > self->terms[best].df)) {
                best_d = d;
                best = id - 1;
            }
        }
    return best;
}

static int
s_query_term (const char *tok, size_t len, void *arg)
{
    s_query_t *q = arg;
    float weight = 1.0f;
    int64_t id = s_find (q->self, tok, len, NULL);
    if ((id < 0 || q->self->terms[id].df == 0) && q->guesses < 4) {
        q->guesses++;
        id = s_nearest (q->self, tok, len);
        weight = 0.7f;              /* a guess counts less than the word itself */
    }
    else if (id >= 0 && q->self->terms[id].df == 0)
        id = -1;
    if (id < 0)
        return 0;
    for (int i = 0; i < q->n; i++)
        if (q->ids[i] == id)
            return 0;
    q->weight[q->n] = weight;
    q->ids[q->n++] = id;
    return q->n == 64;
}

static int
s_cmp_scored (const void *a, const void *b)
{
    const qs_kb_scored_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

void
qs_kb_scored_sort (qs_kb_scored_t *items, size_t n)
{
    qsort (items, n, sizeof *items, s_cmp_scored);
}

int
qs_kb_bm25_search (const qs_kb_bm25_t *self, const char *query,
                   qs_kb_accept_fn *accept, void *arg,
                   qs_kb_scored_t *out, int max)
{
    if (max <= 0 || self->n_alive == 0)
        return 0;
    s_query_t q = { .self = self };
    qs_kb_text_tokens (query, s_query_term, &q);
    if (q.n == 0)
        return 0;
    float *acc = calloc (self->n_chunks, sizeof *acc);
    uint32_t *touched = NULL;
    uint32_t n_touched = 0, cap_touched = 0;
    int result = -1;
    if (!acc)
        goto cleanup;
    float avg = (float) (self->total_len / self->n_alive);
    if (avg <= 0)
        avg = 1;
    for (int i = 0; i < q.n; i++) {
        const s_term_t *t = &self->terms[q.ids[i]];
        if (t->df == 0)
            continue;
        float idf = s_idf (self->n_alive, t->df) * q.weight[i];
        for (uint32_t p = 0; p < t->n_post; p++) {
            uint32_t c = t->post[p].chunk;
            const s_chunk_t *ch = &self->chunks[c];
            if (!ch->alive)
                continue;
            float tf = (float) t->post[p].tf;
            float s = idf * tf * (S_K1 + 1) / (tf + S_K1 * (1 - S_B + S_B * ch->len / avg));
            if (acc[c] == 0) {
                if (n_touched == cap_touched) {
                    cap_touched = cap_touched ? cap_touched * 2 : 256;
                    uint32_t *tt = realloc (touched, cap_touched * sizeof *tt);
                    if (!tt)
                        goto cleanup;
                    touched = tt;
                }
                touched[n_touched++] = c;
            }
            acc[c] += s;
        }
    }
    /*  keep the best max: a small insertion-sorted array is enough for max <= a few hundred */
    int n = 0;
    for (uint32_t i = 0; i < n_touched; i++) {
        uint32_t c = touched[i];
        float s = acc[c];
        if (s <= 0 || (n == max && s <= out[n - 1].score))
            continue;
        if (accept && !accept (c, arg))
            continue;
        int pos = n < max ? n++ : max - 1;
        while (pos > 0 && (out[pos - 1].score < s
                           || (out[pos - 1].score == s && out[pos - 1].chunk > c))) {
            out[pos] = out[pos - 1];
            pos--;
        }
        out[pos] = (qs_kb_scored_t) { c, s };
    }
    result = n;
cleanup:
    free (acc);
    free (touched);
    return result;
}

size_t
qs_kb_bm25_size (const qs_kb_bm25_t *self)
{
    return self->n_alive;
}

size_t
qs_kb_bm25_memory (const qs_kb_bm25_t *self)
{
    return sizeof *self + self->bytes + self->n_slots * sizeof (uint32_t);
}
