/*  bench_knowledge - index build time, memory and search latency (p50/p99)
    of the knowledge index at 1k, 10k and 100k chunks of a generated corpus
    (Zipf-distributed pseudo-words, pages of four sections), for hybrid
    search, vector search with the default (approximate) scan and the exact
    brute-force baseline, plus recall@10 of the approximate scan against the
    exact one. Usage: bench_knowledge [max_chunks] (default 100000). */
#include "qs_kb_index.h"
#include "qs_log.h"
#include "qs_util.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_VOCAB     30000
#define S_SECTIONS  4
#define S_QUERIES   300

typedef struct {
    uint64_t state;
    char **words;
    double *cdf;
} s_gen_t;

static uint64_t
s_rand (s_gen_t *g)
{
    g->state ^= g->state << 13;
    g->state ^= g->state >> 7;
    g->state ^= g->state << 17;
    return g->state;
}

static const char *
s_word (s_gen_t *g)
{
    double u = (double) (s_rand (g) % 1000000007ULL) / 1000000007.0;
    size_t lo = 0, hi = S_VOCAB - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return g->words[lo];
}

static int
s_gen_init (s_gen_t *g)
{
    static const char *syl[] = { "ka", "lo", "mi", "ra", "tu", "ven", "sor", "bel", "qui",
                                 "dra", "po", "nex", "ti", "gal", "mor", "xu", "fen", "hal" };
    g->state = 88172645463325252ULL;
    g->words = calloc (S_VOCAB, sizeof *g->words);
    g->cdf = calloc (S_VOCAB, sizeof *g->cdf);
    if (!g->words || !g->cdf)
        return -1;
    double total = 0;
    for (size_t i = 0; i < S_VOCAB; i++) {
        char w[32];
        size_t at = 0;
        int n = 2 + (int) (s_rand (g) % 3);
        for (int k = 0; k < n; k++)
            at += (size_t) snprintf (w + at, sizeof w - at, "%s", syl[s_rand (g) % 18]);
        snprintf (w + at, sizeof w - at, "%zu", i % 97);
        g->words[i] = strdup (w);
        if (!g->words[i])
            return -1;
        total += 1.0 / pow ((double) i + 1, 1.05);
        g->cdf[i] = total;
    }
    for (size_t i = 0; i < S_VOCAB; i++)
        g->cdf[i] /= total;
    return 0;
}

static void
s_gen_free (s_gen_t *g)
{
    for (size_t i = 0; g->words && i < S_VOCAB; i++)
        free (g->words[i]);
    free (g->words);
    free (g->cdf);
}

static void
s_text (s_gen_t *g, char *out, size_t size, int words)
{
    size_t at = 0;
    for (int i = 0; i < words && at + 40 < size; i++)
        at += (size_t) snprintf (out + at, size - at, "%s%s", i ? " " : "", s_word (g));
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
s_cpu_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*  Wall time and this thread's CPU time per query: on a shared machine the
    wall time includes waiting for a core, the CPU time does not. */
static void
s_latency (qs_kb_index_t *ix, char queries[][256], qs_kb_mode_t mode, bool exact,
           const char *name, size_t chunks)
{
    static double wall[S_QUERIES], cpu[S_QUERIES];
    qs_kb_hit_t hits[10];
    qs_err_t err;
    for (int i = 0; i < S_QUERIES; i++) {
        qs_kb_query_t q = { .q = queries[i], .limit = 10, .mode = mode, .exact = exact };
        double t0 = s_now_ms (), c0 = s_cpu_ms ();
        qs_kb_index_search (ix, &q, hits, 10, &err);
        cpu[i] = s_cpu_ms () - c0;
        wall[i] = s_now_ms () - t0;
    }
    qsort (wall, S_QUERIES, sizeof *wall, s_cmp_double);
    qsort (cpu, S_QUERIES, sizeof *cpu, s_cmp_double);
    printf ("%8zu  %-14s wall p50 %7.3f ms  p99 %7.3f ms | cpu p50 %7.3f ms  p99 %7.3f ms\n",
            chunks, name, wall[S_QUERIES / 2], wall[(S_QUERIES * 99) / 100],
            cpu[S_QUERIES / 2], cpu[(S_QUERIES * 99) / 100]);
}

static double
s_recall (qs_kb_index_t *ix, char queries[][256])
{
    double sum = 0;
    qs_err_t err;
    for (int i = 0; i < S_QUERIES; i++) {
        qs_kb_hit_t a[10], e[10];
        qs_kb_query_t q = { .q = queries[i], .limit = 10, .mode = QS_KB_VECTOR };
        int na = qs_kb_index_search (ix, &q, a, 10, &err);
        q.exact = true;
        int ne = qs_kb_index_search (ix, &q, e, 10, &err);
        int found = 0;
        for (int j = 0; j < ne; j++)
            for (int k = 0; k < na; k++)
                if (strcmp (e[j].id, a[k].id) == 0) {
                    found++;
                    break;
                }
        sum += ne ? (double) found / ne : 1.0;
    }
    return sum / S_QUERIES;
}

int
main (int argc, char **argv)
{
    long max = argc > 1 ? strtol (argv[1], NULL, 10) : 100000;
    qs_log_init ("bench-knowledge");
    s_gen_t g;
    if (s_gen_init (&g)) {
        s_gen_free (&g);
        return 1;
    }
    static char queries[S_QUERIES][256], longq[S_QUERIES][256];
    for (long size = 1000; size <= max; size *= 10) {
        qs_kb_index_t *ix = qs_kb_index_new ();
        char body[8192], section[2048], title[256], id[32];
        double t0 = s_now_ms ();
        qs_kb_index_bulk_begin (ix);
        for (long p = 0; p < size / S_SECTIONS; p++) {
            size_t at = 0;
            for (int s = 0; s < S_SECTIONS; s++) {
                s_text (&g, title, sizeof title, 3);
                s_text (&g, section, sizeof section, 60 + (int) (s_rand (&g) % 60));
                at += (size_t) snprintf (body + at, sizeof body - at, "## %s\n%s\n\n", title, section);
            }
            s_text (&g, title, sizeof title, 5);
            snprintf (id, sizeof id, "page-%ld", p);
            qs_kb_page_t page;
            qs_err_t err;
            if (qs_kb_page_set (&page, id, title, "platform", "setup", body, &err) == 0)
                qs_kb_index_put (ix, &page, &err);
            qs_kb_page_clear (&page);
        }
        qs_kb_index_bulk_end (ix);
        double build = (s_now_ms () - t0) / 1e3;
        for (int i = 0; i < S_QUERIES; i++) {
            s_text (&g, queries[i], sizeof queries[i], 3 + (int) (s_rand (&g) % 4));
            /*  like the workflow's diagnose queries: a paragraph, not a phrase */
            s_text (&g, longq[i], sizeof longq[i], 30);
        }
        size_t chunks = qs_kb_index_chunks (ix);
        printf ("%8zu  build %.2f s, index memory %.1f MB, recall@10 of the approximate vector"
                " scan vs exact: %.3f (short queries), %.3f (long queries)\n",
                chunks, build, qs_kb_index_memory (ix) / 1048576.0, s_recall (ix, queries),
                s_recall (ix, longq));
        s_latency (ix, queries, QS_KB_HYBRID, false, "hybrid", chunks);
        s_latency (ix, queries, QS_KB_LEXICAL, false, "bm25", chunks);
        s_latency (ix, queries, QS_KB_VECTOR, false, "vector approx", chunks);
        s_latency (ix, queries, QS_KB_VECTOR, true, "vector exact", chunks);
        s_latency (ix, longq, QS_KB_HYBRID, false, "hybrid long-q", chunks);
        s_latency (ix, longq, QS_KB_VECTOR, false, "vector long-q", chunks);
        s_latency (ix, longq, QS_KB_VECTOR, true, "exact long-q", chunks);
        fflush (stdout);
        qs_kb_index_destroy (&ix);
    }
    s_gen_free (&g);
    return 0;
}
