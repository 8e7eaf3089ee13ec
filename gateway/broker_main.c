/*  quickspin-broker - the bus broker as its own process (proto/bus.md).
    Env: QS_BROKER_ENDPOINT (bind), QS_METRICS_ADDR, QS_LOG_LEVEL/FORMAT,
    QS_BROKER_HEARTBEAT_MS, QS_BROKER_LIVENESS, QS_BROKER_QUEUE_LIMIT.
    SIGINT/SIGTERM stop it cleanly. */
#include <czmq.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "qs_broker.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_metrics.h"

int
main (void)
{
    /* block the stop signals before any thread starts; sigwait takes them */
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, SIGINT);
    sigaddset (&set, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &set, NULL);
    zsys_handler_set (NULL);
    qs_log_init ("quickspin-broker");

    int rc = EXIT_FAILURE;
    long heartbeat = 1000, liveness = 3, queue_limit = 256;
    if (qs_env_int ("QS_BROKER_HEARTBEAT_MS", 1000, 50, 60000, &heartbeat)
    ||  qs_env_int ("QS_BROKER_LIVENESS", 3, 1, 100, &liveness)
    ||  qs_env_int ("QS_BROKER_QUEUE_LIMIT", 256, 1, 1000000, &queue_limit))
        return EXIT_FAILURE;
    qs_metrics_t *metrics = qs_metrics_new ();
    qs_metrics_server_t *server = NULL;
    qs_broker_config_t config = {
        .endpoint = qs_env_broker_endpoint (),
        .heartbeat_ms = (int) heartbeat,
        .liveness = (int) liveness,
        .queue_limit = (int) queue_limit,
        .metrics = metrics
    };
    qs_broker_t *broker = qs_broker_new (&config);
    if (!broker)
        goto cleanup;
    const char *addr = qs_env_str ("QS_METRICS_ADDR", NULL);
    if (addr) {
        server = qs_metrics_server_start (metrics, addr);
        if (!server) {
            qs_error (NULL, "broker: cannot serve metrics on %s", addr);
            goto cleanup;
        }
    }
    qs_info (NULL, "broker: listening on %s (heartbeat %ld ms, liveness %ld, queue limit %ld)",
             qs_broker_endpoint (broker), heartbeat, liveness, queue_limit);
    int sig = 0;
    while (sigwait (&set, &sig) != 0)
        ;
    qs_info (NULL, "broker: signal %d: stopping", sig);
    rc = EXIT_SUCCESS;
cleanup:
    qs_metrics_server_stop (&server);
    qs_broker_destroy (&broker);
    qs_metrics_destroy (&metrics);
    return rc;
}
