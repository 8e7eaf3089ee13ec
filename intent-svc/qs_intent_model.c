/*  qs_intent_model - see qs_intent_model.h */
#include "qs_intent_model.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*  Character n-grams are many per word; this keeps their total weight near
    that of the word features so neither group drowns the other. */
#define S_CHAR_WEIGHT 0.4f
#define S_BIGRAM_WEIGHT 0.8f
#define S_WORD_MAX 48

/*  Training needs every bucket (dense w); prediction only the few thousand
    the training set touched (rows, sorted by bucket): 0.3 MB instead of
    7.3 MB, and the built-in table is read where the binary maps it. */
struct _qs_intent_model_t {
    float *w;                        /* FEATURE_DIM x COUNT, row-major; NULL: sparse */
    const qs_intent_weight_row_t *rows;
    size_t nrows;
    qs_intent_weight_row_t *owned;   /* rows, when this model copied them */
    float bias[QS_INTENT_COUNT];
};

static const char *s_names[QS_INTENT_COUNT] = {
    "provision_service", "get_service_info", "troubleshoot",
    "optimize_costs", "get_connection_info", "general_question", "manage_service"
};

const char *
qs_intent_name (int intent)
{
    return intent >= 0 && intent < QS_INTENT_COUNT ? s_names[intent] : "general_question";
}

int
qs_intent_from_name (const char *name)
{
    for (int i = 0; name && i < QS_INTENT_COUNT; i++)
        if (strcmp (name, s_names[i]) == 0)
            return i;
    return -1;
}

static uint32_t
s_hash (char kind, const char *a, size_t alen, const char *b, size_t blen)
{
    uint32_t h = 2166136261u;
    h = (h ^ (uint8_t) kind) * 16777619u;
    for (size_t i = 0; i < alen; i++)
        h = (h ^ (uint8_t) a[i]) * 16777619u;
    if (b) {
        h = (h ^ 0x1f) * 16777619u;
        for (size_t i = 0; i < blen; i++)
            h = (h ^ (uint8_t) b[i]) * 16777619u;
    }
    h ^= h >> 15;
    h *= 0x2c1b3c6dU;
    h ^= h >> 12;
    return h & (QS_INTENT_FEATURE_DIM - 1);
}

/*  The word as the classifier sees it: digit runs collapse to '0' so
    "postgres 15" and "postgres 16" look alike; long words are cut. */
static size_t
s_word_form (const char *tok, char *out)
{
    size_t n = 0;
    for (const char *p = tok; *p && n < S_WORD_MAX - 1; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == 0 || out[n - 1] != '0')
                out[n++] = '0';
        }
        else
            out[n++] = *p;
    }
    out[n] = '\0';
    return n;
}

static int
s_push (qs_intent_feat_t *out, int n, int cap, uint32_t bucket, float value)
{
    if (n < cap) {
        out[n].bucket = bucket;
        out[n].value = value;
        n++;
    }
    return n;
}

int
qs_intent_features (const qs_intent_tokens_t *toks, qs_intent_feat_t *out, int cap)
{
    int n = 0;
    char prev[S_WORD_MAX] = "<s>";
    size_t prev_len = 3;
    for (int i = 0; i <= toks->n; i++) {
        char word[S_WORD_MAX];
        size_t len = i < toks->n ? s_word_form (toks->tok[i], word) : 0;
        if (len == 0) {
            memcpy (word, "</s>", 5);
            len = 4;
        }
        n = s_push (out, n, cap, s_hash ('b', prev, prev_len, word, len), S_BIGRAM_WEIGHT);
        if (i < toks->n) {
            n = s_push (out, n, cap, s_hash ('w', word, len, NULL, 0), 1.0f);
            char padded[S_WORD_MAX + 2];
            padded[0] = '<';
            memcpy (padded + 1, word, len);
            padded[len + 1] = '>';
            size_t plen = len + 2;
            for (size_t g = 3; g <= 4; g++)
                for (size_t k = 0; k + g <= plen; k++)
                    n = s_push (out, n, cap, s_hash ('c', padded + k, g, NULL, 0), S_CHAR_WEIGHT);
        }
        memcpy (prev, word, len + 1);
        prev_len = len;
    }
    double norm = 0;
    for (int k = 0; k < n; k++)
        norm += (double) out[k].value * out[k].value;
    if (norm > 0) {
        float inv = (float) (1.0 / sqrt (norm));
        for (int k = 0; k < n; k++)
            out[k].value *= inv;
    }
    return n;
}

qs_intent_model_t *
qs_intent_model_new (void)
{
    qs_intent_model_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->w = calloc ((size_t) QS_INTENT_FEATURE_DIM * QS_INTENT_COUNT, sizeof (float));
    if (!self->w) {
        free (self);
        return NULL;
    }
    return self;
}

static int
s_row_cmp (const void *a, const void *b)
{
    uint32_t x = ((const qs_intent_weight_row_t *) a)->bucket, y = ((const qs_intent_weight_row_t *) b)->bucket;
    return x < y ? -1 : x > y;
}

static bool
s_sorted (const qs_intent_weight_row_t *rows, size_t nrows)
{
    for (size_t r = 0; r < nrows; r++)
        if (rows[r].bucket >= QS_INTENT_FEATURE_DIM || (r && rows[r].bucket <= rows[r - 1].bucket))
            return false;
    return true;
}

/*  A sparse model over rows: lent when they are sorted and lent_ok (the
    built-in table lives as long as the process), else copied and sorted. */
static qs_intent_model_t *
s_new_sparse (const qs_intent_weight_row_t *rows, size_t nrows, const float bias[QS_INTENT_COUNT],
              bool lent_ok)
{
    qs_intent_model_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    if (!lent_ok || !s_sorted (rows, nrows)) {
        size_t n = 0;
        if (!(self->owned = malloc ((nrows ? nrows : 1) * sizeof *rows))) {
            free (self);
            return NULL;
        }
        for (size_t r = 0; r < nrows; r++)
            if (rows[r].bucket < QS_INTENT_FEATURE_DIM)
                self->owned[n++] = rows[r];
        qsort (self->owned, n, sizeof *rows, s_row_cmp);
        rows = self->owned;
        nrows = n;
    }
    self->rows = rows;
    self->nrows = nrows;
    memcpy (self->bias, bias, sizeof self->bias);
    return self;
}

qs_intent_model_t *
qs_intent_model_new_from_rows (const qs_intent_weight_row_t *rows, size_t nrows,
                               const float bias[QS_INTENT_COUNT])
{
    return s_new_sparse (rows, nrows, bias, false);
}

qs_intent_model_t *
qs_intent_model_new_lent_rows (const qs_intent_weight_row_t *rows, size_t nrows,
                               const float bias[QS_INTENT_COUNT])
{
    return s_new_sparse (rows, nrows, bias, true);
}

void
qs_intent_model_destroy (qs_intent_model_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->w);
    free ((*self_p)->owned);
    free (*self_p);
    *self_p = NULL;
}

static void
s_scores (const qs_intent_model_t *self, const qs_intent_feat_t *f, int nf,
          float logits[QS_INTENT_COUNT])
{
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        logits[c] = self->bias[c];
    for (int k = 0; k < nf; k++) {
        const float *row = NULL;
        if (self->w)
            row = self->w + (size_t) f[k].bucket * QS_INTENT_COUNT;
        else {
            size_t lo = 0, hi = self->nrows;        /* a bucket no example had weighs 0 */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (self->rows[mid].bucket < f[k].bucket)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < self->nrows && self->rows[lo].bucket == f[k].bucket)
                row = self->rows[lo].w;
        }
        for (int c = 0; row && c < QS_INTENT_COUNT; c++)
            logits[c] += row[c] * f[k].value;
    }
}

void
qs_intent_model_logits (const qs_intent_model_t *self, const qs_intent_tokens_t *toks,
                        float logits[QS_INTENT_COUNT])
{
    qs_intent_feat_t feats[QS_INTENT_MAX_FEATURES];
    int nf = qs_intent_features (toks, feats, QS_INTENT_MAX_FEATURES);
    s_scores (self, feats, nf, logits);
}

void
qs_intent_softmax (const float logits[QS_INTENT_COUNT], float probs[QS_INTENT_COUNT])
{
    float mx = logits[0];
    for (int c = 1; c < QS_INTENT_COUNT; c++)
        if (logits[c] > mx)
            mx = logits[c];
    float e[QS_INTENT_COUNT], sum = 0;
    for (int c = 0; c < QS_INTENT_COUNT; c++) {
        e[c] = expf (logits[c] - mx);
        sum += e[c];
    }
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        probs[c] = e[c] / sum;
}

static uint64_t
s_rand (uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

int
qs_intent_model_train (qs_intent_model_t *self, const qs_intent_example_t *examples,
                       size_t n, int epochs, float rate, float l2)
{
    int rc = -1;
    if (!self->w)
        return -1;                      /* a sparse (loaded) model is not trained further */
    size_t dim = (size_t) QS_INTENT_FEATURE_DIM * QS_INTENT_COUNT;
    float *g2 = calloc (dim, sizeof (float));
    size_t *order = calloc (n ? n : 1, sizeof (size_t));
    float bias_g2[QS_INTENT_COUNT] = { 0 };
    if (!g2 || !order)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int ep = 0; ep < epochs; ep++) {
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t) (s_rand (&seed) % i);
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t i = 0; i < n; i++) {
            const qs_intent_example_t *ex = &examples[order[i]];
            float logits[QS_INTENT_COUNT], p[QS_INTENT_COUNT];
            s_scores (self, ex->feats, ex->nfeats, logits);
            qs_intent_softmax (logits, p);
            for (int c = 0; c < QS_INTENT_COUNT; c++) {
                float g = p[c] - (c == ex->label ? 1.0f : 0.0f);
                bias_g2[c] += g * g;
                self->bias[c] -= rate * g / sqrtf (bias_g2[c] + 1e-8f);
                for (int k = 0; k < ex->nfeats; k++) {
                    size_t at = (size_t) ex->feats[k].bucket * QS_INTENT_COUNT + (size_t) c;
                    float gw = g * ex->feats[k].value + l2 * self->w[at];
                    g2[at] += gw * gw;
                    self->w[at] -= rate * gw / sqrtf (g2[at] + 1e-8f);
                }
            }
        }
    }
    rc = 0;
cleanup:
    free (g2);
    free (order);
    return rc;
}

int
qs_intent_model_write_c (const qs_intent_model_t *self, FILE *out)
{
    size_t nrows = 0;
    if (!self->w)
        return -1;                      /* only a trained (dense) model is written */
    fprintf (out, "/* Generated by intent-train from intent-svc/data/train.tsv. Do not edit. */\n"
                  "#include \"qs_intent_model.h\"\n\n"
                  "const qs_intent_weight_row_t qs_intent_model_rows[] = {\n");
    for (uint32_t b = 0; b < QS_INTENT_FEATURE_DIM; b++) {
        const float *row = self->w + (size_t) b * QS_INTENT_COUNT;
        int any = 0;
        for (int c = 0; c < QS_INTENT_COUNT; c++)
            if (fabsf (row[c]) > 1e-5f)
                any = 1;
        if (!any)
            continue;
        fprintf (out, "{%u,{", b);
        for (int c = 0; c < QS_INTENT_COUNT; c++)
            fprintf (out, "%s%.6ef", c ? "," : "", (double) row[c]);
        fprintf (out, "}},\n");
        nrows++;
    }
    if (nrows == 0)
        fprintf (out, "{0,{0,0,0,0,0,0}},\n");
    fprintf (out, "};\nconst size_t qs_intent_model_nrows = %zu;\n", nrows ? nrows : 1);
    fprintf (out, "const float qs_intent_model_bias[QS_INTENT_COUNT] = {");
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        fprintf (out, "%s%.6ef", c ? "," : "", (double) self->bias[c]);
    fprintf (out, "};\n");
    return ferror (out) ? -1 : 0;
}
