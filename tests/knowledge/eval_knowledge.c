/*  eval_knowledge - retrieval quality of the knowledge search on the dev set:
    hit@1, hit@3 and MRR (over the top 10 pages) for lexical, vector and
    hybrid search. Usage: eval_knowledge [-v] CORPUS_DIR QUERIES_TSV
    (TSV lines: query <TAB> expected page id; '#' lines are comments).
    With QS_EMBEDDINGS_URL set (an OpenAI-compatible /embeddings server),
    also remote-only and hybrid-with-remote rows. */
#include "qs_kb.h"
#include "qs_kb_index.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_QUERIES 2000
#define S_TOP 10

typedef struct {
    char q[1024];
    char expect[QS_KB_ID_MAX + 1];
} s_case_t;

static int
s_load (const char *path, s_case_t *cases, int max)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return -1;
    char line[2048];
    int n = 0;
    while (n < max && fgets (line, sizeof line, f)) {
        line[strcspn (line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr (line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        qs_strlcpy (cases[n].q, line, sizeof cases[n].q);
        qs_strlcpy (cases[n].expect, tab + 1, sizeof cases[n].expect);
        n++;
    }
    fclose (f);
    return n;
}

int
main (int argc, char **argv)
{
    int verbose = argc > 1 && strcmp (argv[1], "-v") == 0;
    if (argc - verbose != 3) {
        fprintf (stderr, "usage: %s [-v] CORPUS_DIR QUERIES_TSV\n", argv[0]);
        return 2;
    }
    qs_log_init ("eval-knowledge");
    const char *corpus = argv[1 + verbose], *tsv = argv[2 + verbose];
    static s_case_t cases[S_MAX_QUERIES];
    int n = s_load (tsv, cases, S_MAX_QUERIES);
    if (n <= 0) {
        fprintf (stderr, "no queries in %s\n", tsv);
        return 1;
    }
    qs_err_t err;
    const char *remote_url = getenv ("QS_EMBEDDINGS_URL");
    qs_kb_config_t config = { .corpus_dir = corpus, .embeddings_url = remote_url,
                              .embeddings_model = getenv ("QS_EMBEDDINGS_MODEL"),
                              .embeddings_key = getenv ("QS_EMBEDDINGS_API_KEY") };
    qs_kb_t *kb = qs_kb_new (&config, &err);
    if (!kb) {
        fprintf (stderr, "cannot load the corpus: %s\n", err.message);
        return 1;
    }
    qs_kb_index_t *index = qs_kb_index (kb);
    /*  an expected page that does not exist is a broken dev set, not a miss */
    for (int i = 0; i < n; i++)
        if (!qs_kb_index_has (index, cases[i].expect)) {
            fprintf (stderr, "dev set names an unknown page: %s\n", cases[i].expect);
            qs_kb_destroy (&kb);
            return 1;
        }
    const char *names[] = { "hybrid", "lexical", "vector", "remote", "hyb+rem" };
    qs_kb_mode_t modes[] = { QS_KB_HYBRID, QS_KB_LEXICAL, QS_KB_VECTOR, QS_KB_REMOTE,
                             QS_KB_HYBRID };
    int n_modes = remote_url && *remote_url ? 5 : 3;
    printf ("knowledge retrieval, %d queries, %zu pages, %zu chunks\n", n,
            qs_kb_index_pages (index), qs_kb_index_chunks (index));
    printf ("%-8s %7s %7s %7s\n", "mode", "hit@1", "hit@3", "MRR");
    int status = 0;
    for (int m = 0; m < n_modes; m++) {
        double hit1 = 0, hit3 = 0, mrr = 0;
        for (int i = 0; i < n; i++) {
            qs_kb_hit_t hits[S_TOP];
            qs_kb_query_t q = { .q = cases[i].q, .limit = S_TOP, .mode = modes[m] };
            /*  rows 0-2 are local only; rows 3-4 ask the remote model */
            int k = m < 3 ? qs_kb_index_search (index, &q, hits, S_TOP, &err)
                          : qs_kb_search (kb, &q, hits, S_TOP, &err);
            int rank = 0;
            for (int j = 0; j < k && !rank; j++)
                if (strcmp (hits[j].id, cases[i].expect) == 0)
                    rank = j + 1;
            hit1 += rank == 1;
            hit3 += rank >= 1 && rank <= 3;
            mrr += rank ? 1.0 / rank : 0;
            if (verbose && (rank == 0 || rank > 3) && m == 0)
                printf ("  miss (rank %d): %s -> want %s, got %s, %s, %s\n", rank, cases[i].q,
                        cases[i].expect, k > 0 ? hits[0].id : "-", k > 1 ? hits[1].id : "-",
                        k > 2 ? hits[2].id : "-");
        }
        printf ("%-8s %7.3f %7.3f %7.3f\n", names[m], hit1 / n, hit3 / n, mrr / n);
    }
    qs_kb_destroy (&kb);
    return status;
}
