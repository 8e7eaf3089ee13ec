/*  quickspin-k8s - the "k8s" bus service: reads a caller's service pods,
    logs, events and metrics from Kubernetes, and restarts or scales them
    for members. Configured only by environment (contract section 2):
    QS_BROKER_ENDPOINT, QS_PLATFORM_URL, QS_K8S_API_URL / QS_K8S_TOKEN_FILE /
    QS_K8S_CA_FILE (or in-cluster), QS_METRICS_ADDR, QS_LOG_LEVEL/FORMAT. */
#include "qs_env.h"
#include "qs_err.h"
#include "qs_http.h"
#include "qs_k8s_api.h"
#include "qs_k8s_ops.h"
#include "qs_k8s_svc.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_metrics.h"
#include "qs_platform.h"
#include "qs_util.h"
#include "qs_worker.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main (void)
{
    qs_k8s_config_t k8s;
    qs_err_t err = {0};
    qs_metrics_t *metrics = NULL;
    qs_metrics_server_t *metrics_server = NULL;
    qs_k8s_ops_t *ops = NULL;
    qs_worker_t *worker = NULL;
    int status = EXIT_FAILURE;

    qs_log_init ("quickspin-k8s");
    /* without any Kubernetes configuration the bundled sandbox serves it */
    const char *platform_url = qs_env_str ("QS_PLATFORM_URL", QS_PLATFORM_DEFAULT_URL);
    if (qs_k8s_config_resolve (&k8s, NULL, platform_url, &err) != 0) {
        qs_error (NULL, "%s", err.message);
        goto cleanup;
    }
    qs_info (NULL, "kubernetes api %s (%s)%s; platform %s", k8s.url, k8s.source,
             k8s.token_file[0] ? " with token file" : "", platform_url);
    if (strcmp (k8s.source, "default") == 0)
        qs_warn (NULL, "no QS_K8S_API_URL and not in a cluster: using the bundled SANDBOX "
                 "Kubernetes API at %s (never do this in production)", k8s.url);
    if (!(metrics = qs_metrics_new ()))
        goto cleanup;
    const char *maddr = qs_env_str ("QS_METRICS_ADDR", NULL);
    if (maddr && !(metrics_server = qs_metrics_server_start (metrics, maddr))) {
        qs_error (NULL, "cannot serve metrics on %s", maddr);
        goto cleanup;
    }
    if (!(ops = qs_k8s_ops_new (platform_url, &k8s, metrics))) {
        qs_error (NULL, "QS_PLATFORM_URL must start with http:// or https://");
        goto cleanup;
    }
    qs_worker_config_t wc = {.service = "k8s", .metrics = metrics, .retry = qs_ops_retry_safe};
    if (!(worker = qs_worker_new (&wc)))
        goto cleanup;
    if (qs_k8s_svc_register (worker, ops, &err) != 0) {
        qs_error (NULL, "k8s: %s", err.message);
        goto cleanup;
    }
    status = qs_worker_run (worker) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
cleanup:
    qs_worker_destroy (&worker);
    qs_k8s_ops_destroy (&ops);
    qs_metrics_server_stop (&metrics_server);
    qs_metrics_destroy (&metrics);
    return status;
}
