/*  quickspin-gateway - the HTTP front door. Configured only by the
    environment (contract section 2, see qs_gwconfig.h); runs until SIGINT or
    SIGTERM, then refuses new requests (503, retryable), finishes the ones in
    flight within QS_SHUTDOWN_GRACE_MS (default 10 s) and exits 0. */
#include "qs_broker.h"
#include "qs_env.h"
#include "qs_gateway.h"
#include "qs_gwconfig.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_util.h"
#include <civetweb.h>
#include <czmq.h>
#include <libgen.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef QS_GATEWAY_WEB_DIR
#define QS_GATEWAY_WEB_DIR ""
#endif

static bool
s_has_index (const char *dir)
{
    char path[PATH_MAX];
    if ((size_t) snprintf (path, sizeof path, "%s/index.html", dir) >= sizeof path)
        return false;
    return access (path, R_OK) == 0;
}

//  QS_WEB_ROOT, else web/ next to the binary, else the source tree's folder
static void
s_find_web_root (const char *configured, char *out, size_t size)
{
    out[0] = '\0';
    if (configured && *configured) {
        qs_strlcpy (out, configured, size);
        return;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char candidate[PATH_MAX];
        snprintf (candidate, sizeof candidate, "%s/web", dirname (exe));
        if (s_has_index (candidate)) {
            qs_strlcpy (out, candidate, size);
            return;
        }
    }
    if (s_has_index (QS_GATEWAY_WEB_DIR))
        qs_strlcpy (out, QS_GATEWAY_WEB_DIR, size);
}

int
main (void)
{
    qs_log_init ("gateway");
    int rc = 1;
    qs_gwconfig_t cfg;
    qs_err_t err;
    qs_err_clear (&err);
    qs_jwt_t *jwt = NULL;
    qs_metrics_t *metrics = NULL;
    qs_broker_t *broker = NULL;
    qs_gateway_t *gateway = NULL;

    //  Signals are taken by sigwait below; block them before any thread starts
    sigset_t sigs;
    sigemptyset (&sigs);
    sigaddset (&sigs, SIGINT);
    sigaddset (&sigs, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &sigs, NULL);
    signal (SIGPIPE, SIG_IGN);
    zsys_handler_set (NULL);     /* the embedded broker's czmq must not take them */
    /* czmq's one-time set-up is not thread-safe: do it here, before the
       HTTP threads create their bus clients on the first burst */
    zsys_init ();

    if (qs_gwconfig_load (&cfg, &err) != 0) {
        qs_error (NULL, "config: %s", err.message);
        goto cleanup;
    }
    if (cfg.dev_secret)
        qs_warn (NULL, "!!! QS_JWT_SECRET is not set: using the built-in DEVELOPMENT secret. "
                 "Anyone can mint tokens for this gateway. Never run it like this in production. !!!");
    qs_jwt_config_t jcfg = {
        .alg = cfg.jwt_alg, .key = cfg.jwt_key, .key_len = cfg.jwt_key_len,
        .issuer = cfg.jwt_issuer, .audience = cfg.jwt_audience,
    };
    jwt = qs_jwt_new (&jcfg, &err);
    metrics = qs_metrics_new ();
    if (!jwt || !metrics) {
        qs_error (NULL, "startup: %s", jwt ? "out of memory" : err.message);
        goto cleanup;
    }
    const char *endpoint = cfg.broker_endpoint;
    if (cfg.broker_embedded) {
        qs_broker_config_t bcfg = {
            .endpoint = cfg.broker_endpoint, .metrics = metrics,
            .heartbeat_ms = cfg.broker_heartbeat_ms, .liveness = cfg.broker_liveness,
            .queue_limit = cfg.broker_queue_limit,
            .verify = qs_jwt_verify_bus, .verify_arg = jwt,     /* issue 11 */
            .admit = qs_ops_admit,                              /* issue 16 */
        };
        qs_broker_env_t secure;         /* issue 11: CURVE, events (qs_broker.h) */
        if (qs_broker_config_from_env (&bcfg, &secure, &err) != 0) {
            qs_error (NULL, "startup: %s", err.message);
            goto cleanup;
        }
        broker = qs_broker_new (&bcfg);
        qs_broker_env_wipe (&secure);
        if (!broker) {
            qs_error (NULL, "startup: cannot start the embedded broker on %s", cfg.broker_endpoint);
            goto cleanup;
        }
        endpoint = qs_broker_endpoint (broker);
        qs_info (NULL, "embedded broker on %s", endpoint);
    }

    char web_root[PATH_MAX];
    s_find_web_root (cfg.web_root, web_root, sizeof web_root);
    mg_init_library (0);
    qs_gateway_config_t gcfg = {
        .addr = cfg.addr, .port = cfg.port, .threads = cfg.threads,
        .broker_endpoint = endpoint, .jwt = jwt, .metrics = metrics,
        .rate_rps = cfg.rate_rps, .rate_burst = cfg.rate_burst,
        .org_rate_rps = cfg.org_rate_rps, .org_rate_burst = cfg.org_rate_burst,
        .io_timeout_ms = (int) cfg.io_timeout_ms,
        .keepalive_ms = cfg.keepalive_ms > 0 ? (int) cfg.keepalive_ms : -1,
        .max_header_bytes = (int) cfg.max_header_bytes, .linger_ms = (int) cfg.linger_ms,
        .max_body = (size_t) cfg.max_body, .request_timeout_ms = (int) cfg.request_timeout_ms,
        .sse_keepalive_ms = (int) cfg.sse_keepalive_ms,
        .web_root = web_root[0] ? web_root : NULL,
        .mcp_writes = cfg.mcp_writes, .mcp_origins = cfg.mcp_origins,
    };
    gateway = qs_gateway_new (&gcfg, &err);
    if (!gateway) {
        qs_error (NULL, "startup: %s", err.message);
        goto cleanup_lib;
    }
    qs_info (NULL, "listening on http://%s:%d (jwt %s, %d threads, broker %s)", cfg.addr,
             qs_gateway_port (gateway), qs_jwt_alg_name (cfg.jwt_alg), cfg.threads, endpoint);
    int sig = 0;
    sigwait (&sigs, &sig);
    //  graceful: refuse new work (503 + Retry-After, readiness 503), let
    //  requests in flight finish within the grace, then stop
    long grace = 10000;
    qs_env_int ("QS_SHUTDOWN_GRACE_MS", 10000, 0, 600000, &grace);
    qs_info (NULL, "signal %d: shutting down (grace %ld ms)", sig, grace);
    qs_gateway_drain (gateway, (int) grace);
    rc = 0;
    qs_gateway_destroy (&gateway);
    if (broker) {
        qs_broker_drain (broker, 1000);   /* replies already under way still pass */
        qs_broker_destroy (&broker);
    }
cleanup_lib:
    mg_exit_library ();
cleanup:
    qs_gateway_destroy (&gateway);
    qs_broker_destroy (&broker);
    qs_jwt_destroy (&jwt);
    qs_metrics_destroy (&metrics);
    qs_gwconfig_free (&cfg);
    return rc;
}
