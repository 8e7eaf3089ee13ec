/*  qs_kb_embed - hashed word + sub-word n-gram embeddings. */
#include "qs_kb_embed.h"
#include "qs_kb_text.h"
#include <math.h>
#include <string.h>

typedef struct {
    const qs_kb_bm25_t *stats;
    float *out;
} s_embed_t;

static void
s_feature (float *out, const char *s, size_t len, uint64_t seed, float w)
{
    uint64_t h = qs_kb_hash (s, len, seed);
    /*  low bits pick the dimension, a high bit the sign, so collisions cancel
        on average instead of piling up */
    float sign = (h >> 63) ? -1.0f : 1.0f;
    out[h % QS_KB_DIM] += sign * w;
}

static int
s_word (const char *tok, size_t len, void *arg)
{
    s_embed_t *e = arg;
    float w = 1.0f;
    if (e->stats) {
        w = qs_kb_bm25_idf (e->stats, tok, len);
        /*  a query word the corpus never saw is most likely a typo: let its
            n-grams find the real word but do not let it dominate */
        if (!qs_kb_bm25_known (e->stats, tok, len))
            w *= 0.5f;
    }
    s_feature (e->out, tok, len, 1, w);
    char padded[QS_KB_TOKEN_MAX + 3];
    padded[0] = '<';
    memcpy (padded + 1, tok, len);
    padded[len + 1] = '>';
    size_t plen = len + 2;
    int grams = 0;
    for (size_t n = 3; n <= 4; n++)
        if (plen >= n)
            grams += (int) (plen - n + 1);
    if (grams == 0)
        return 0;
    float gw = w * 1.2f / sqrtf ((float) grams);
    for (size_t n = 3; n <= 4; n++)
        for (size_t i = 0; i + n <= plen; i++)
            s_feature (e->out, padded + i, n, 2 + n, gw);
    return 0;
}

void
qs_kb_embed_text (const char *text, const qs_kb_bm25_t *stats, float *out)
{
    memset (out, 0, QS_KB_DIM * sizeof *out);
    s_embed_t e = { stats, out };
    qs_kb_text_tokens (text, s_word, &e);
    double norm = 0;
    for (int i = 0; i < QS_KB_DIM; i++)
        norm += (double) out[i] * out[i];
    if (norm <= 0)
        return;
    float inv = (float) (1.0 / sqrt (norm));
    for (int i = 0; i < QS_KB_DIM; i++)
        out[i] *= inv;
}

/*  Independent partial sums let the compiler use SIMD lanes without
    reassociating one float sum (which it may not do at -O2). */
float
qs_kb_embed_dot (const float *a, const float *b)
{
    float s[8] = { 0 };
    for (int i = 0; i < QS_KB_DIM; i += 8)
        for (int k = 0; k < 8; k++)
            s[k] += a[i + k] * b[i + k];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}
