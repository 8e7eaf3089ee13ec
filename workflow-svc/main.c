/*  quickspin-workflow - the assistant engine worker.
    Env: QS_BROKER_ENDPOINT, QS_STORE_URL (default sqlite://$QS_DATA_DIR/quickspin.db),
    QS_PLATFORM_URL, QS_WORKER_THREADS, QS_CHECKPOINT_RETENTION_S (finished runs kept,
    default 3600), QS_CHECKPOINT_PRUNE_INTERVAL_S (300), QS_METRICS_ADDR, QS_LOG_*;
    QS_LLM_BASE_URL (with QS_LLM_API_KEY, QS_LLM_MODEL, QS_LLM_TIMEOUT_MS,
    QS_LLM_REASONING_EFFORT, QS_PROMPT_DIR) lets an LLM write the answers.
    QS_NOTIFY_ALLOW_HOSTS (webhook hosts allowed to resolve to private
    addresses), QS_TRIAGE_THREADS (alert diagnoses at once, default 2). */
#include "qs_answer_prompt.h"
#include "qs_flows.h"
#include "qs_turn.h"
#include "qs_conversations.h"
#include "qs_incident.h"
#include "qs_notifier.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_metrics.h"
#include "qs_ops_worker.h"
#include "qs_pruner.h"
#include "qs_svcops.h"
#include "qs_util.h"
#include "qs_wf.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/*  Readiness (the gateway asks over the bus): this worker's store. */
static void
s_ready (json_object *checks, void *arg)
{
    qs_err_t err = {0};
    qs_worker_check_add (checks, "store", qs_store_ping (arg, &err), err.message);
}

int
main (void)
{
    qs_log_init ("workflow");
    int rc = 1;
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_worker_t *worker = NULL;
    qs_wf_t *wf = NULL;
    qs_pruner_t *pruner = NULL;
    qs_incidents_t *incidents = NULL;
    qs_settings_t *settings = NULL;
    qs_notifier_t *notifier = NULL;
    qs_incident_t *receiver = NULL;
    qs_err_t err = {0};
    char url[1024];
    const char *data_dir = qs_env_str ("QS_DATA_DIR", "./.quickspin");
    const char *store_url = qs_env_str ("QS_STORE_URL", NULL);
    if (!store_url) {
        mkdir (data_dir, 0700);
        snprintf (url, sizeof url, "sqlite://%s/quickspin.db", data_dir);
        store_url = url;
    }
    qs_store_t *store = qs_store_new (store_url, &err);
    if (!store) {
        qs_error (NULL, "workflow: cannot open the store: %s", err.message);
        goto cleanup;
    }
    if (!(incidents = qs_incidents_new (store, &err)) || !(settings = qs_settings_new (store, &err))) {
        qs_error (NULL, "workflow: cannot open the incidents or settings: %s", err.message);
        goto cleanup;
    }
    wf = qs_wf_new (&store, qs_env_str ("QS_PLATFORM_URL", NULL));
    qs_llm_t *llm = qs_llm_new_from_env (metrics);
    char *prompt = llm ? qs_answer_prompt_load (NULL, &err) : NULL;
    if (llm && !prompt) {
        /* one clear error now beats a fallback warning on every turn */
        qs_error (NULL, "workflow: %s; answers use the templates", err.message);
        qs_llm_destroy (&llm);
        qs_err_clear (&err);
    }
    free (prompt);
    if (wf)
        qs_wf_set_llm (wf, &llm);
    qs_llm_destroy (&llm);
    long threads, triage;
    qs_env_int ("QS_WORKER_THREADS", 4, 1, 64, &threads);
    qs_env_int ("QS_TRIAGE_THREADS", 2, 1, 8, &triage);
    long cache_ms;                      /* how stale a turn's service list may be */
    qs_env_int ("QS_SERVICES_CACHE_MS", 1000, 0, 60000, &cache_ms);
    qs_svccache_t *cache = qs_svccache_new (cache_ms, 64);
    if (wf && cache)
        qs_wf_set_services_cache (wf, &cache);
    qs_svccache_destroy (&cache);
    notifier = qs_notifier_new (settings, qs_env_str ("QS_NOTIFY_ALLOW_HOSTS", ""), NULL);
    if (wf && notifier)
        qs_wf_set_notifier (wf, notifier);
    receiver = wf ? qs_incident_new (wf, incidents, notifier, (int) triage) : NULL;
    qs_worker_config_t config = {.service = "workflow", .threads = (int) threads, .metrics = metrics,
                                 .retry = qs_ops_retry_safe};
    worker = qs_worker_new (&config);
    if (!wf || !worker || !notifier || !receiver)
        goto cleanup;
    const qs_ops_handler_t handlers[] = {       /* the "workflow" rows of proto/qs_ops.c */
        { "chat", qs_turn_chat_op, wf },
        { "action_confirm", qs_turn_confirm_op, wf },
        { "action_cancel", qs_turn_cancel_op, wf },
        { "recommendations", qs_optimize_recommendations_op, wf },
        { "recommendation_apply", qs_turn_apply_op, wf },
        { "conversations_list", qs_conversations_list_op, qs_wf_store (wf) },
        { "conversation_get", qs_conversation_get_op, qs_wf_store (wf) },
        { "conversation_delete", qs_conversation_delete_op, qs_wf_store (wf) },
        { "audit_list", qs_audit_list_op, qs_wf_store (wf) },
        { "services_list", qs_svcops_list_op, wf },             /* issue 19: MCP tools */
        { "service_get", qs_svcops_get_op, wf },
        { "service_diagnose", qs_svcops_diagnose_op, wf },
        { "connection_info", qs_svcops_connection_op, wf },
        { "alert_receive", qs_incident_alert_op, receiver },
        { "incidents_list", qs_incident_list_op, receiver },
        { "notifications_get", qs_notifier_get_op, notifier },
        { "notifications_put", qs_notifier_put_op, notifier },
    };
    if (qs_ops_register (worker, "workflow", handlers, sizeof handlers / sizeof handlers[0], &err)) {
        qs_error (NULL, "workflow: %s", err.message);
        goto cleanup;
    }
    qs_worker_set_ready (worker, s_ready, qs_wf_store (wf));
    qs_info (NULL, "workflow: store=%s platform=%s threads=%ld answers=%s", qs_store_backend (qs_wf_store (wf)),
             qs_env_str ("QS_PLATFORM_URL", "default"), threads,
             qs_wf_llm (wf) ? qs_llm_model (qs_wf_llm (wf)) : "templates");
    long retention_s, interval_s;
    qs_env_int ("QS_CHECKPOINT_RETENTION_S", 3600, 60, 30L * 24 * 3600, &retention_s);
    qs_env_int ("QS_CHECKPOINT_PRUNE_INTERVAL_S", 300, 1, 24 * 3600, &interval_s);
    pruner = qs_pruner_new (qs_wf_store (wf), retention_s * 1000, (int) interval_s * 1000);
    rc = qs_worker_run (worker) == 0 ? 0 : 1;
cleanup:
    qs_pruner_destroy (&pruner);
    qs_worker_destroy (&worker);
    qs_incident_destroy (&receiver);        /* before the store its threads write to */
    qs_notifier_destroy (&notifier);
    qs_settings_destroy (&settings);
    qs_incidents_destroy (&incidents);
    qs_wf_destroy (&wf);
    qs_store_destroy (&store);
    qs_metrics_destroy (&metrics);
    return rc;
}
