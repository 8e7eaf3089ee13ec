/*  qs_gwconfig - see qs_gwconfig.h */
#include "qs_gwconfig.h"
#include "qs_devsecret.h"
#include "qs_env.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QS_GW_KEY_FILE_MAX (64 * 1024)

static int
s_copy (char *dst, size_t size, const char *name, const char *def, qs_err_t *err)
{
    const char *v = qs_env_str (name, def);
    if (qs_strlcpy (dst, v ? v : "", size) >= size)
        return qs_err_set (err, 500, "config", "%s is too long", name);
    return 0;
}

static int
s_read_key_file (qs_gwconfig_t *cfg, const char *path, qs_err_t *err)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return qs_err_set (err, 500, "config", "cannot read QS_JWT_PUBLIC_KEY_FILE %s", path);
    char *buf = malloc (QS_GW_KEY_FILE_MAX + 1);
    size_t n = buf ? fread (buf, 1, QS_GW_KEY_FILE_MAX + 1, f) : 0;
    fclose (f);
    if (!buf || n == 0 || n > QS_GW_KEY_FILE_MAX) {
        free (buf);
        return qs_err_set (err, 500, "config", "QS_JWT_PUBLIC_KEY_FILE %s is empty or too large",
                           path);
    }
    buf[n] = '\0';
    cfg->jwt_key = buf;
    cfg->jwt_key_len = n;
    cfg->jwt_alg = qs_jwt_alg_for_pem (buf, n, err);
    return cfg->jwt_alg ? 0 : -1;
}

static int
s_load_jwt (qs_gwconfig_t *cfg, qs_err_t *err)
{
    const char *key_file = qs_env_str ("QS_JWT_PUBLIC_KEY_FILE", NULL);
    const char *secret = qs_env_str ("QS_JWT_SECRET", NULL);
    if (key_file) {
        if (secret)
            qs_warn (NULL, "config: both QS_JWT_PUBLIC_KEY_FILE and QS_JWT_SECRET are set; "
                     "only tokens signed for the public key are accepted");
        return s_read_key_file (cfg, key_file, err);
    }
    cfg->jwt_alg = QS_JWT_HS256;
    cfg->dev_secret = secret == NULL;
    cfg->jwt_key = strdup (secret ? secret : QS_DEV_JWT_SECRET);
    if (!cfg->jwt_key)
        return qs_err_set (err, 500, "config", "out of memory");
    cfg->jwt_key_len = strlen (cfg->jwt_key);
    if (!cfg->dev_secret && cfg->jwt_key_len < 32)
        qs_warn (NULL, "config: QS_JWT_SECRET is shorter than 32 bytes; use a longer random secret");
    return 0;
}

int
qs_gwconfig_load (qs_gwconfig_t *cfg, qs_err_t *err)
{
    memset (cfg, 0, sizeof *cfg);
    long port = 0, threads = 0, heartbeat = 0, liveness = 0, queue_limit = 0;
    if (s_copy (cfg->addr, sizeof cfg->addr, "QS_HTTP_ADDR", "127.0.0.1", err)
        || s_copy (cfg->broker_endpoint, sizeof cfg->broker_endpoint, "QS_BROKER_ENDPOINT",
                   qs_env_broker_endpoint (), err)
        || s_copy (cfg->jwt_issuer, sizeof cfg->jwt_issuer, "QS_JWT_ISSUER", "", err)
        || s_copy (cfg->jwt_audience, sizeof cfg->jwt_audience, "QS_JWT_AUDIENCE", "", err)
        || s_copy (cfg->web_root, sizeof cfg->web_root, "QS_WEB_ROOT", "", err)
        || s_copy (cfg->store_url, sizeof cfg->store_url, "QS_STORE_URL", "", err)
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
