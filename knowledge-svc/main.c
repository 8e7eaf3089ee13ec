/*  quickspin-knowledge - the "knowledge" bus service: the built-in corpus
    plus documents added by admins, searched with hybrid BM25 + embedding
    retrieval. Configured only by environment (contract section 2):
    QS_BROKER_ENDPOINT, QS_STORE_URL (default sqlite under QS_DATA_DIR),
    QS_KNOWLEDGE_CORPUS (the built-in pages; default: the source tree's
    knowledge-svc/corpus), QS_KNOWLEDGE_SYNC_MS (store poll, default 1000),
    QS_EMBEDDINGS_URL / QS_EMBEDDINGS_MODEL / QS_EMBEDDINGS_API_KEY (optional
    OpenAI-compatible embeddings, fused with the local ones),
    QS_METRICS_ADDR, QS_LOG_LEVEL/FORMAT.

    Every worker polls the store for other workers' adds and deletes, so a
    change is searchable everywhere within about one poll interval. */
#include "qs_env.h"
#include "qs_err.h"
#include "qs_http.h"
#include "qs_kb.h"
#include "qs_kb_handlers.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_metrics.h"
#include "qs_ops_worker.h"
#include "qs_util.h"
#include "qs_worker.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef QS_KB_CORPUS_DIR
#define QS_KB_CORPUS_DIR "knowledge-svc/corpus"
#endif

typedef struct {
    qs_kb_t *kb;
    long interval_ms;
    atomic_bool stop;
} s_syncer_t;

static void *
s_sync_loop (void *arg)
{
    s_syncer_t *s = arg;
    while (!atomic_load (&s->stop)) {
        /*  sleep in short steps so shutdown is prompt */
        for (long slept = 0; slept < s->interval_ms && !atomic_load (&s->stop); slept += 100) {
            struct timespec ts = { 0, 100 * 1000000L };
            nanosleep (&ts, NULL);
        }
        if (atomic_load (&s->stop))
            break;
        qs_err_t err = { 0 };
        int n = qs_kb_sync (s->kb, &err);
        if (n < 0)
            qs_warn (NULL, "knowledge: store sync failed: %s", err.message);
        else
        if (n > 0)
            qs_info (NULL, "knowledge: applied %d document change(s) from the store", n);
    }
    return NULL;
}

static double
s_gauge_pages (void *arg)
{
    return (double) qs_kb_index_pages (qs_kb_index (arg));
}

static double
s_gauge_chunks (void *arg)
{
    return (double) qs_kb_index_chunks (qs_kb_index (arg));
}

/*  Readiness (the gateway asks over the bus): this worker's document store. */
static void
s_ready (json_object *checks, void *arg)
{
    qs_err_t err = {0};
    qs_worker_check_add (checks, "store", qs_kb_ping (arg, &err), err.message);
}

int
main (void)
{
    qs_err_t err = { 0 };
    qs_metrics_t *metrics = NULL;
    qs_metrics_server_t *metrics_server = NULL;
    qs_worker_t *worker = NULL;
    qs_kb_t *kb = NULL;
    char *store_url = NULL;
    s_syncer_t syncer = { 0 };
    pthread_t sync_thread;
    bool syncing = false;
    int status = EXIT_FAILURE;

    qs_log_init ("quickspin-knowledge");
    const char *corpus = qs_env_str ("QS_KNOWLEDGE_CORPUS", QS_KB_CORPUS_DIR);
    const char *url = qs_env_str ("QS_STORE_URL", NULL);
    store_url = url ? qs_strdupf ("%s", url)
                    : qs_strdupf ("sqlite://%s/quickspin.db", qs_env_str ("QS_DATA_DIR", "./.quickspin"));
    long interval = 1000;
    if (!store_url
        || qs_env_int ("QS_KNOWLEDGE_SYNC_MS", 1000, 100, 60000, &interval) != 0)
        goto cleanup;
    qs_kb_config_t config = {
        .corpus_dir = corpus, .store_path = store_url,
        .embeddings_url = qs_env_str ("QS_EMBEDDINGS_URL", NULL),
        .embeddings_model = qs_env_str ("QS_EMBEDDINGS_MODEL", NULL),
        .embeddings_key = qs_env_str ("QS_EMBEDDINGS_API_KEY", NULL),
    };
    if (config.embeddings_url)
        qs_info (NULL, "knowledge: remote embeddings enabled (model %s)",
                 config.embeddings_model ? config.embeddings_model : "default");
    int64_t t0 = qs_mono_ms ();
    if (!(kb = qs_kb_new (&config, &err))) {
        qs_error (NULL, "knowledge: cannot start: %s", err.message);
        goto cleanup;
    }
    qs_info (NULL, "knowledge: %zu pages, %zu chunks indexed in %lld ms",
             qs_kb_index_pages (qs_kb_index (kb)), qs_kb_index_chunks (qs_kb_index (kb)),
             (long long) (qs_mono_ms () - t0));
    if (!(metrics = qs_metrics_new ()))
        goto cleanup;
    qs_metrics_gauge_fn (metrics, "qs_knowledge_pages", "Knowledge pages indexed",
                         s_gauge_pages, kb);
    qs_metrics_gauge_fn (metrics, "qs_knowledge_chunks", "Knowledge chunks indexed",
                         s_gauge_chunks, kb);
    const char *maddr = qs_env_str ("QS_METRICS_ADDR", NULL);
    if (maddr && !(metrics_server = qs_metrics_server_start (metrics, maddr))) {
        qs_error (NULL, "cannot serve metrics on %s", maddr);
        goto cleanup;
    }
    syncer.kb = kb;
    syncer.interval_ms = interval;
    atomic_init (&syncer.stop, false);
    if (pthread_create (&sync_thread, NULL, s_sync_loop, &syncer) != 0)
        goto cleanup;
    syncing = true;
    qs_worker_config_t wc = { .service = "knowledge", .metrics = metrics, .retry = qs_ops_retry_safe };
    const qs_ops_handler_t handlers[] = {       /* the "knowledge" rows of proto/qs_ops.c */
        { "search", qs_kb_handle_search, kb },
        { "add_document", qs_kb_handle_add, kb },
        { "delete_document", qs_kb_handle_delete, kb },
    };
    if (!(worker = qs_worker_new (&wc)))
        goto cleanup;
    if (qs_ops_register (worker, "knowledge", handlers, sizeof handlers / sizeof handlers[0], &err)) {
        qs_error (NULL, "knowledge: %s", err.message);
        goto cleanup;
    }
    qs_worker_set_ready (worker, s_ready, kb);
    status = qs_worker_run (worker) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
cleanup:
    if (syncing) {
        atomic_store (&syncer.stop, true);
        pthread_join (sync_thread, NULL);
    }
    qs_worker_destroy (&worker);
    qs_metrics_server_stop (&metrics_server);
    qs_metrics_destroy (&metrics);
    qs_kb_destroy (&kb);
    free (store_url);
    return status;
}
