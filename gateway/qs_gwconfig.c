/*  qs_gwconfig - see qs_gwconfig.h */
#include "qs_gwconfig.h"
#include "qs_jwt_env.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
s_copy (char *dst, size_t size, const char *name, const char *def, qs_err_t *err)
{
    const char *v = qs_env_str (name, def);
    if (qs_strlcpy (dst, v ? v : "", size) >= size)
        return qs_err_set (err, 500, "config", "%s is too long", name);
    return 0;
}

/*  The token settings, read like the broker reads them (qs_jwt_env). */
static int
s_load_jwt (qs_gwconfig_t *cfg, qs_err_t *err)
{
    qs_jwt_env_t env;
    int rc = qs_jwt_env_load (&env, err);
    cfg->jwt_alg = env.alg;
    cfg->jwt_key = env.key;          /* ownership moves to cfg */
    cfg->jwt_key_len = env.key_len;
    cfg->dev_secret = env.dev_secret;
    qs_strlcpy (cfg->jwt_issuer, env.issuer, sizeof cfg->jwt_issuer);
    qs_strlcpy (cfg->jwt_audience, env.audience, sizeof cfg->jwt_audience);
    return rc;
}

int
qs_gwconfig_load (qs_gwconfig_t *cfg, qs_err_t *err)
{
    memset (cfg, 0, sizeof *cfg);
    long port = 0, threads = 0, heartbeat = 0, liveness = 0, queue_limit = 0;
    if (s_copy (cfg->addr, sizeof cfg->addr, "QS_HTTP_ADDR", "127.0.0.1", err)
        || s_copy (cfg->broker_endpoint, sizeof cfg->broker_endpoint, "QS_BROKER_ENDPOINT",
                   qs_env_broker_endpoint (), err)
        || s_copy (cfg->web_root, sizeof cfg->web_root, "QS_WEB_ROOT", "", err)
        || s_copy (cfg->mcp_origins, sizeof cfg->mcp_origins, "QS_MCP_ALLOWED_ORIGINS", "", err))
        return -1;
    if (qs_env_int ("QS_HTTP_PORT", 8080, 0, 65535, &port)
        || qs_env_int ("QS_HTTP_THREADS", 32, 1, 1024, &threads)
        || qs_env_double ("QS_RATE_LIMIT_RPS", 0, 0, 1e6, &cfg->rate_rps)
        || qs_env_double ("QS_RATE_LIMIT_BURST", 0, 0, 1e6, &cfg->rate_burst)
        || qs_env_double ("QS_RATE_LIMIT_ORG_RPS", -1, 0, 1e7, &cfg->org_rate_rps)
        || qs_env_double ("QS_RATE_LIMIT_ORG_BURST", 0, 0, 1e7, &cfg->org_rate_burst)
        || qs_env_int ("QS_HTTP_IO_TIMEOUT_MS", 10000, 100, 600000, &cfg->io_timeout_ms)
        || qs_env_int ("QS_HTTP_KEEPALIVE_MS", 5000, 0, 600000, &cfg->keepalive_ms)
        || qs_env_int ("QS_HTTP_MAX_HEADER_BYTES", 16384, 1024, 1024 * 1024,
                       &cfg->max_header_bytes)
        || qs_env_int ("QS_HTTP_LINGER_MS", 0, 0, 60000, &cfg->linger_ms)
        || qs_env_int ("QS_MAX_BODY_BYTES", 1024 * 1024, 64, 64L * 1024 * 1024, &cfg->max_body)
        || qs_env_int ("QS_REQUEST_TIMEOUT_MS", 30000, 10, 3600000, &cfg->request_timeout_ms)
        || qs_env_int ("QS_SSE_KEEPALIVE_MS", 15000, 10, 600000, &cfg->sse_keepalive_ms)
        //  the embedded broker reads the same settings as quickspin-broker
        || qs_env_int ("QS_BROKER_HEARTBEAT_MS", 0, 0, 60000, &heartbeat)
        || qs_env_int ("QS_BROKER_LIVENESS", 0, 0, 100, &liveness)
        || qs_env_int ("QS_BROKER_QUEUE_LIMIT", 0, 0, 1000000, &queue_limit))
        return qs_err_set (err, 500, "config", "malformed setting (see the log line above)");
    cfg->port = (int) port;
    cfg->threads = (int) threads;
    cfg->broker_heartbeat_ms = (int) heartbeat;
    cfg->broker_liveness = (int) liveness;
    cfg->broker_queue_limit = (int) queue_limit;
    if (cfg->rate_burst < 1)
        cfg->rate_burst = cfg->rate_rps > 1 ? cfg->rate_rps : 1;
    //  An org is a team: by default it may send what ten busy users send
    if (cfg->org_rate_rps < 0)
        cfg->org_rate_rps = 10 * cfg->rate_rps;
    if (cfg->org_rate_burst < 1)
        cfg->org_rate_burst = qs_env_str ("QS_RATE_LIMIT_ORG_RPS", NULL) || cfg->rate_rps <= 0
                            ? (cfg->org_rate_rps > 1 ? cfg->org_rate_rps : 1)
                            : 10 * cfg->rate_burst;
    cfg->broker_embedded = qs_env_bool ("QS_BROKER_EMBEDDED", false);
    cfg->mcp_writes = qs_env_bool ("QS_MCP_WRITES", false);
    if (s_load_jwt (cfg, err) != 0)
        return -1;
    if (cfg->dev_secret && !qs_is_loopback_host (cfg->addr))
        return qs_err_set (err, 500, "config",
                           "refusing the built-in dev JWT secret on non-loopback address %s: "
                           "set QS_JWT_SECRET or QS_JWT_PUBLIC_KEY_FILE", cfg->addr);
    return 0;
}

void
qs_gwconfig_free (qs_gwconfig_t *cfg)
{
    if (!cfg)
        return;
    if (cfg->jwt_key) {
        explicit_bzero (cfg->jwt_key, cfg->jwt_key_len);
        free (cfg->jwt_key);
    }
    cfg->jwt_key = NULL;
    cfg->jwt_key_len = 0;
}
