/*  quickspin-broker - the bus broker as its own process (proto/bus.md).
    Env: QS_BROKER_ENDPOINT (bind), QS_METRICS_ADDR, QS_LOG_LEVEL/FORMAT,
    QS_BROKER_HEARTBEAT_MS, QS_BROKER_LIVENESS, QS_BROKER_QUEUE_LIMIT,
    QS_SHUTDOWN_GRACE_MS. SIGINT/SIGTERM drain it (qs_broker_drain), then stop. */
#include <czmq.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_broker.h"
#include "qs_jwt_env.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_metrics.h"
#include "qs_ops.h"

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
        .metrics = metrics,
        .admit = qs_ops_admit,      /* bus clients: the table of operations */
    };
    /*  issue 11: CURVE, roles and the event stream; integrations' tokens
        are checked with the gateway's JWT settings (qs_jwt_env) */
    qs_broker_env_t secure;
    qs_jwt_env_t jwt_cfg;
    memset (&jwt_cfg, 0, sizeof jwt_cfg);
    qs_jwt_t *jwt = NULL;
    qs_broker_t *broker = NULL;
    qs_err_t err;
    qs_err_clear (&err);
    if (qs_broker_config_from_env (&config, &secure, &err) != 0) {
        qs_error (NULL, "broker: %s", err.message);
        goto cleanup;
    }
    if (qs_jwt_env_load (&jwt_cfg, &err) == 0) {
        qs_jwt_config_t jcfg = {
            .alg = jwt_cfg.alg, .key = jwt_cfg.key, .key_len = jwt_cfg.key_len,
            .issuer = jwt_cfg.issuer, .audience = jwt_cfg.audience,
        };
        jwt = qs_jwt_new (&jcfg, &err);
    }
    if (!jwt && config.curve_secret_key) {
        qs_error (NULL, "broker: %s", err.message);
        goto cleanup;
    }
    if (!jwt)       /* a plain bus still runs; bare bus tokens are then refused 401 */
        qs_warn (NULL, "broker: cannot verify bus tokens: %s", err.message);
    else {
        config.verify = qs_jwt_verify_bus;
        config.verify_arg = jwt;
        if (jwt_cfg.dev_secret && config.curve_secret_key)
            qs_warn (NULL, "!!! QS_JWT_SECRET is not set: bus tokens are checked against the built-in "
                     "DEVELOPMENT secret. Never run it like this in production. !!!");
    }
    broker = qs_broker_new (&config);
    if (!broker) {
        qs_broker_env_wipe (&secure);
        goto cleanup;
    }
    if (config.curve_secret_key || config.events_endpoint)
        qs_info (NULL, "broker: %s%s%s", config.curve_secret_key ? "CURVE on, keys from " : "plain TCP",
                 config.curve_secret_key ? secure.keys_path : "",
                 config.events_endpoint ? ", event stream bound" : "");
    qs_broker_env_wipe (&secure);
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
    /*  graceful: refuse new requests (clients fail over to another
        broker), let replies already under way pass, then go */
    long grace = 10000;
    qs_env_int ("QS_SHUTDOWN_GRACE_MS", 10000, 0, 600000, &grace);
    qs_info (NULL, "broker: signal %d: draining (grace %ld ms)", sig, grace);
    qs_broker_drain (broker, (int) grace);
    qs_info (NULL, "broker: drained: stopping");
    rc = EXIT_SUCCESS;
cleanup:
    qs_metrics_server_stop (&server);
    qs_broker_destroy (&broker);
    qs_jwt_destroy (&jwt);
    qs_jwt_env_free (&jwt_cfg);
    qs_broker_env_wipe (&secure);
    qs_metrics_destroy (&metrics);
    return rc;
}
