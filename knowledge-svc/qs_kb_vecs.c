/*  qs_kb_vecs - float vectors plus an 8-bit column copy for fast scans. */
#include "qs_kb_vecs.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_RERANK    256     /* candidates of the 8-bit scan re-scored exactly */
#define S_SCAN_DIMS 96      /* heaviest query dimensions the 8-bit scan reads */

struct _qs_kb_vecs_t {
    int dim;
    uint32_t cap;
    float *v;               /* cap x dim */
    int8_t *cols;           /* 8-bit copy by dimension: column d at d * cap */
    float *scales;          /* per vector: 8-bit value x scale ~ float value */
};

qs_kb_vecs_t *
qs_kb_vecs_new (int dim)
{
    if (dim < 1 || dim > 4096)
        return NULL;
    qs_kb_vecs_t *self = calloc (1, sizeof *self);
    if (self)
        self->dim = dim;
    return self;
}

void
qs_kb_vecs_destroy (qs_kb_vecs_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->v);
    free ((*self_p)->cols);
    free ((*self_p)->scales);
    free (*self_p);
    *self_p = NULL;
}

int
qs_kb_vecs_dim (const qs_kb_vecs_t *self)
{
    return self->dim;
}

int
qs_kb_vecs_reserve (qs_kb_vecs_t *self, uint32_t n)
{
    if (n <= self->cap)
        return 0;
    uint32_t cap = self->cap ? self->cap : 256;
    while (cap < n)
        cap *= 2;
    size_t dim = (size_t) self->dim;
    float *v = calloc ((size_t) cap * dim, sizeof *v);
    int8_t *cols = calloc ((size_t) cap * dim, 1);
    float *scales = calloc (cap, sizeof *scales);
    if (!v || !cols || !scales) {
        free (v);
        free (cols);
        free (scales);
        return -1;
    }
    if (self->cap) {
        memcpy (v, self->v, (size_t) self->cap * dim * sizeof *v);
        memcpy (scales, self->scales, self->cap * sizeof *scales);
        /*  columns move to their new stride */
        for (size_t d = 0; d < dim; d++)
            memcpy (cols + d * cap, self->cols + d * self->cap, self->cap);
    }
    free (self->v);
    free (self->cols);
    free (self->scales);
    self->v = v;
    self->cols = cols;
    self->scales = scales;
    self->cap = cap;
    return 0;
}

/*  8-bit copy of v into out (dim values); returns the scale back. */
static float
s_quantize (const float *v, int dim, int8_t *out)
{
    float max = 0;
    for (int i = 0; i < dim; i++)
        if (fabsf (v[i]) > max)
            max = fabsf (v[i]);
    if (max == 0) {
        memset (out, 0, (size_t) dim);
        return 0;
    }
    float scale = max / 127.0f;
    for (int i = 0; i < dim; i++)
        out[i] = (int8_t) lrintf (v[i] / scale);
    return scale;
}

void
qs_kb_vecs_set (qs_kb_vecs_t *self, uint32_t i, const float *v)
{
    if (i >= self->cap)
        return;
    size_t dim = (size_t) self->dim;
    float *dst = self->v + (size_t) i * dim;
    int8_t q8[4096];
    if (v) {
        memcpy (dst, v, dim * sizeof *dst);
        self->scales[i] = s_quantize (v, self->dim, q8);
    }
    else {
        memset (dst, 0, dim * sizeof *dst);
        memset (q8, 0, dim);
        self->scales[i] = 0;
    }
    for (size_t d = 0; d < dim; d++)
        self->cols[d * self->cap + i] = q8[d];
}

const float *
qs_kb_vecs_get (const qs_kb_vecs_t *self, uint32_t i)
{
    return self->v + (size_t) i * (size_t) self->dim;
}

/*  Independent partial sums let the compiler use SIMD lanes without
    reassociating one float sum (which it may not do at -O2). */
static float
s_dot (const float *a, const float *b, int dim)
{
    float s[8] = { 0 };
    int i = 0;
    for (; i + 8 <= dim; i += 8)
        for (int k = 0; k < 8; k++)
            s[k] += a[i + k] * b[i + k];
    for (; i < dim; i++)
        s[0] += a[i] * b[i];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/*  Keep out[0..*n) sorted by score, at most max items. */
static inline void
s_keep (qs_kb_scored_t *out, int *n, int max, uint32_t i, float s)
{
    int pos = *n < max ? (*n)++ : max - 1;
    while (pos > 0 && out[pos - 1].score < s) {
        out[pos] = out[pos - 1];
        pos--;
    }
    out[pos] = (qs_kb_scored_t) { i, s };
}

static int
s_exact (const qs_kb_vecs_t *self, const float *q, uint32_t n, qs_kb_accept_fn *accept,
         void *arg, qs_kb_scored_t *out, int max)
{
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        float s = s_dot (q, self->v + (size_t) i * (size_t) self->dim, self->dim);
        if (k == max && s <= out[k - 1].score)
            continue;
        if (accept && !accept (i, arg))
            continue;
        s_keep (out, &k, max, i, s);
    }
    return k;
}

/*  acc[i] += q * col[i]: the inner loop of the approximate scan. */
__attribute__ ((optimize ("O3")))
static void
s_axpy8 (int32_t *acc, const int8_t *col, int32_t q, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        acc[i] += q * (int32_t) col[i];
}

int
qs_kb_vecs_search (const qs_kb_vecs_t *self, const float *q, uint32_t n,
                   qs_kb_accept_fn *accept, void *arg,
                   qs_kb_scored_t *out, int max, bool exact)
{
    if (max <= 0)
        return 0;
    if (n > self->cap)
        n = self->cap;
    if (exact || n <= 4 * S_RERANK || max > S_RERANK)
        return s_exact (self, q, n, accept, arg, out, max);
    int8_t q8[4096];
    if (s_quantize (q, self->dim, q8) == 0)
        return 0;
    int32_t *acc = calloc (n, sizeof *acc);
    if (!acc)
        return s_exact (self, q, n, accept, arg, out, max);
    /*  long queries light up most dimensions: read only the heaviest ones
        (the re-scoring below is exact over all of them) */
    int count[128] = { 0 };
    for (int d = 0; d < self->dim; d++)
        count[q8[d] < 0 ? -q8[d] : q8[d]]++;
    int cut = 127, taken = count[127];
    while (cut > 1 && taken + count[cut - 1] <= S_SCAN_DIMS)
        taken += count[--cut];
    for (int d = 0; d < self->dim; d++)
        if (q8[d] != 0 && (q8[d] >= cut || q8[d] <= -cut))
            s_axpy8 (acc, self->cols + (size_t) d * self->cap, q8[d], n);
    qs_kb_scored_t cand[S_RERANK];
    int k = 0;
    for (uint32_t i = 0; i < n; i++) {
        float s = (float) acc[i] * self->scales[i];
        if (k == S_RERANK && s <= cand[k - 1].score)
            continue;
        if (accept && !accept (i, arg))
            continue;
        s_keep (cand, &k, S_RERANK, i, s);
    }
    free (acc);
    int m = 0;
    for (int j = 0; j < k; j++) {
        float s = s_dot (q, self->v + (size_t) cand[j].chunk * (size_t) self->dim, self->dim);
        if (m < max || s > out[m - 1].score)
            s_keep (out, &m, max, cand[j].chunk, s);
    }
    return m;
}

size_t
qs_kb_vecs_memory (const qs_kb_vecs_t *self)
{
    return sizeof *self + (size_t) self->cap * ((size_t) self->dim * (sizeof (float) + 1)
                                                + sizeof (float));
}
