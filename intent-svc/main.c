/*  quickspin-intent - the intent worker: registers "classify" and "extract"
    with the broker (QS_BROKER_ENDPOINT) as service "intent" with
    QS_WORKER_THREADS handler threads (default 2). qs_worker_run
    serves Prometheus metrics on QS_METRICS_ADDR when set, our qs_intent_*
    series included. The local engine is always there; the LLM engine is
    added when QS_LLM_BASE_URL is set. */
#include <stdlib.h>
#include "qs_env.h"
#include "qs_intent_handlers.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_metrics.h"
#include "qs_ops_worker.h"
#include "qs_worker.h"

int
main (void)
{
    int status = EXIT_FAILURE;
    qs_log_init ("quickspin-intent");
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_intent_service_t *service = NULL;
    qs_worker_t *worker = NULL;
    qs_intent_classifier_t *classifier = qs_intent_classifier_new ();
    qs_intent_llm_t *llm = NULL;
    if (!metrics || !classifier) {
        qs_error (NULL, "intent: cannot load the local model (out of memory)");
        goto cleanup;
    }
#ifdef QS_INTENT_HAVE_LLM
    /* NULL: the engine's own default prompt directory (QS_PROMPT_DIR, then
       the one compiled in) */
    llm = qs_intent_llm_new (NULL);
    if (qs_env_str ("QS_LLM_BASE_URL", NULL) && !llm)
        qs_warn (NULL, "intent: QS_LLM_BASE_URL is set but the LLM engine did not start; "
                       "local engine only");
    if (llm && qs_intent_llm_set_metrics (llm, metrics))
        qs_warn (NULL, "intent: LLM metrics unavailable");
#endif
    qs_info (NULL, "intent: engines local%s", llm ? " + llm" : "");
    service = qs_intent_service_new (&classifier, &llm, metrics);
    if (!service)
        goto cleanup;
    /* classification is CPU-bound and fast: a couple of threads per process,
       more processes for more capacity */
    long threads = 2;
    qs_env_int ("QS_WORKER_THREADS", 2, 1, 64, &threads);
    qs_worker_config_t config = { .service = "intent", .threads = (int) threads, .retry = qs_ops_retry_safe,
                                  .metrics = metrics };
    worker = qs_worker_new (&config);
    const qs_ops_handler_t handlers[] = {       /* the "intent" rows of proto/qs_ops.c */
        { "classify", qs_intent_op_classify, service },
        { "extract", qs_intent_op_extract, service },
        { "understand", qs_intent_op_understand, service },
    };
    qs_err_t err;
    if (!worker)
        goto cleanup;
    if (qs_ops_register (worker, "intent", handlers, sizeof handlers / sizeof handlers[0], &err)) {
        qs_error (NULL, "intent: %s", err.message);
        goto cleanup;
    }
    qs_info (NULL, "intent: worker for service \"intent\" on %s", qs_env_broker_endpoint ());
    status = qs_worker_run (worker) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
cleanup:
    qs_worker_destroy (&worker);
    qs_intent_service_destroy (&service);
    qs_intent_classifier_destroy (&classifier);
    qs_metrics_destroy (&metrics);
    return status;
}
