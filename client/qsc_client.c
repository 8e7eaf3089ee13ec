/*  libquickspin-client: the calls (see quickspin-client.h). A thin public
    face over the suite's own bus client (common/bus/qs_client.c), the
    same code the gateway and the workers call through, so there is one
    implementation of the wire protocol. */
#include "quickspin-client.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "qs_client.h"
#include "qs_ops.h"
#include "qs_curve.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qsc_private.h"

#define QSC_DEFAULT_TIMEOUT_MS 30000
#define QSC_DEFAULT_RETRIES 2
#define QSC_BACKOFF_MS 100

struct _qsc_client_t {
    qs_client_t *bus;
    qs_auth_t auth;             /* only .token is set: the broker verifies it */
    int timeout_ms;
    int retries;
};

const char *
qsc_code_name (qsc_code_t code)
{
    static const char *names [] = {
        "ok", "invalid", "unauthorized", "forbidden", "not_found", "conflict", "unprocessable",
        "rate_limited", "unavailable", "overloaded", "timeout", "cancelled", "service_error", "config"
    };
    return (unsigned) code < sizeof names / sizeof names [0] ? names [code] : "unknown";
}

int
qsci_error_set (qsc_error_t *err, qsc_code_t code, int status, const char *name, const char *message)
{
    if (err) {
        err->code = code;
        err->status = status;
        qs_strlcpy (err->name, name ? name : qsc_code_name (code), sizeof err->name);
        qs_strlcpy (err->message, message ? message : "", sizeof err->message);
        err->retry_after = 0;
    }
    return -1;
}

/*  The bus error (status + snake_case code) as a library code. */
static qsc_code_t
s_code (const qs_err_t *e)
{
    switch (e->status) {
        case 400: return QSC_ERR_INVALID;
        case 401: return QSC_ERR_UNAUTHORIZED;
        case 403: return QSC_ERR_FORBIDDEN;
        case 404: return QSC_ERR_NOT_FOUND;
        case 409: return QSC_ERR_CONFLICT;
        case 422: return QSC_ERR_UNPROCESSABLE;
        case 429: return QSC_ERR_RATE_LIMITED;
        case 499: return QSC_ERR_CANCELLED;
        case 503: return streq (e->code, "overloaded") ? QSC_ERR_OVERLOADED : QSC_ERR_UNAVAILABLE;
        case 504: return QSC_ERR_TIMEOUT;
        default:  return QSC_ERR_SERVICE;
    }
}

int
qsci_keys_from_config (const qsc_config_t *config, qs_curve_client_t *keys, bool *explicit_p,
                      qsc_error_t *err)
{
    memset (keys, 0, sizeof *keys);
    *explicit_p = false;
    if (!config || !config->server_public_key)
        return 0;           /* the environment decides (qs_curve_apply_client) */
    if (!qs_curve_key_valid (config->server_public_key) || !config->public_key
    ||  !qs_curve_key_valid (config->public_key) || !config->secret_key
    ||  !qs_curve_key_valid (config->secret_key))
        return qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_keys",
                              "server_public_key needs public_key and secret_key, all 40-character z85");
    qs_strlcpy (keys->server_public, config->server_public_key, sizeof keys->server_public);
    qs_strlcpy (keys->self.public_key, config->public_key, sizeof keys->self.public_key);
    qs_strlcpy (keys->self.secret_key, config->secret_key, sizeof keys->self.secret_key);
    *explicit_p = true;
    return 0;
}

qsc_client_t *
qsc_client_new (const qsc_config_t *config, qsc_error_t *err)
{
    qsci_error_set (err, QSC_OK, 0, "ok", "");
    qs_curve_client_t keys;
    bool explicit_keys = false;
    if (qsci_keys_from_config (config, &keys, &explicit_keys, err) != 0)
        return NULL;
    if (!explicit_keys) {
        qs_err_t env_err;
        if (qs_curve_client_from_env (&keys, &env_err) < 0) {
            qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_keys", env_err.message);
            return NULL;
        }
        explicit_bzero (&keys, sizeof keys);
    }
    qsc_client_t *self = (qsc_client_t *) calloc (1, sizeof *self);
    if (!self) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "internal", "out of memory");
        goto cleanup;
    }
    self->timeout_ms = config && config->timeout_ms > 0 ? config->timeout_ms : QSC_DEFAULT_TIMEOUT_MS;
    self->retries = !config || config->retries == 0 ? QSC_DEFAULT_RETRIES
                  : config->retries < 0 ? 0 : config->retries;
    const char *token = config && config->token ? config->token : getenv ("QUICKSPIN_TOKEN");
    if (qsc_client_set_token (self, token) != 0) {
        qsci_error_set (err, QSC_ERR_INVALID, 0, "bad_token", "the token is too long");
        qsc_client_destroy (&self);
        goto cleanup;
    }
    self->bus = qs_client_new_keys (config && config->endpoint ? config->endpoint : NULL,
                                    explicit_keys ? &keys : NULL);
    if (!self->bus) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_endpoint", "cannot open a socket to the broker endpoint");
        qsc_client_destroy (&self);
    }
    else
        qs_client_set_retry (self->bus, qs_ops_retry_safe);     /* the table says what may run twice */
cleanup:
    explicit_bzero (&keys, sizeof keys);
    return self;
}

void
qsc_client_destroy (qsc_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qsc_client_t *self = *self_p;
    qs_client_destroy (&self->bus);
    explicit_bzero (&self->auth, sizeof self->auth);
    free (self);
    *self_p = NULL;
}

int
qsc_client_set_token (qsc_client_t *self, const char *token)
{
    if (!self)
        return -1;
    explicit_bzero (&self->auth, sizeof self->auth);
    if (token && qs_strlcpy (self->auth.token, token, sizeof self->auth.token) >= sizeof self->auth.token) {
        explicit_bzero (&self->auth, sizeof self->auth);
        return -1;
    }
    return 0;
}

int
qsc_call (qsc_client_t *self, const char *service, const char *op, json_object *body,
          bool idempotent, qsc_partial_fn *on_partial, void *arg,
          json_object **reply_p, qsc_error_t *err)
{
    if (reply_p)
        *reply_p = NULL;
    if (!self || !service || !op || !reply_p)
        return qsci_error_set (err, QSC_ERR_INVALID, 0, "bad_argument", "client, service, op and reply_p are required");
    char request_id [QS_ID_LEN + 1];
    qs_id_new (request_id);
    int64_t deadline = qs_now_ms () + self->timeout_ms;
    qs_call_t call = {
        .service = service, .op = op, .request_id = request_id, .traceparent = NULL,
        .deadline_ms = deadline, .auth = self->auth.token [0] ? &self->auth : NULL, .body = body
    };
    qs_err_t e;
    for (int attempt = 0; ; attempt++) {
        qs_err_clear (&e);
        int status = qs_client_call (self->bus, &call, reply_p, &e, on_partial, arg);
        if (status >= 0) {
            qsci_error_set (err, QSC_OK, status, "ok", "");
            return 0;
        }
        qsc_code_t code = s_code (&e);
        int64_t backoff = e.retry_after > 0 ? (int64_t) e.retry_after * 1000
                        : (int64_t) QSC_BACKOFF_MS << attempt;
        bool again = idempotent && attempt < self->retries
                     && (code == QSC_ERR_UNAVAILABLE || code == QSC_ERR_OVERLOADED)
                     && qs_now_ms () + backoff < deadline - 50;
        if (!again) {
            qsci_error_set (err, code, e.status, e.code, e.message);
            if (err)
                err->retry_after = e.retry_after;
            return -1;
        }
        struct timespec ts = { (time_t) (backoff / 1000), (long) (backoff % 1000) * 1000000L };
        nanosleep (&ts, NULL);
    }
}

int
qsc_chat (qsc_client_t *self, const char *message, const char *conversation_id,
          qsc_partial_fn *on_partial, void *arg, json_object **reply_p, qsc_error_t *err)
{
    if (!message)
        return qsci_error_set (err, QSC_ERR_INVALID, 0, "bad_argument", "message is required");
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "message", message);
    if (conversation_id && *conversation_id)
        qs_json_add_str (body, "conversation_id", conversation_id);
    int rc = qsc_call (self, "workflow", "chat", body, false, on_partial, arg, reply_p, err);
    json_object_put (body);
    return rc;
}

int
qsc_recommendations (qsc_client_t *self, json_object **reply_p, qsc_error_t *err)
{
    return qsc_call (self, "workflow", "recommendations", NULL, true, NULL, NULL, reply_p, err);
}

int
qsc_knowledge_search (qsc_client_t *self, const char *query, const char *category,
                      const char *topic, int limit, json_object **reply_p, qsc_error_t *err)
{
    if (!query || !*query)
        return qsci_error_set (err, QSC_ERR_INVALID, 0, "bad_argument", "query is required");
    json_object *body = json_object_new_object ();
    char number [16];
    qs_json_add_str (body, "q", query);
    if (category && *category)
        qs_json_add_str (body, "category", category);
    if (topic && *topic)
        qs_json_add_str (body, "topic", topic);
    if (limit > 0) {
        /* the REST query's shape: every value a string */
        snprintf (number, sizeof number, "%d", limit);
        qs_json_add_str (body, "limit", number);
    }
    int rc = qsc_call (self, "knowledge", "search", body, true, NULL, NULL, reply_p, err);
    json_object_put (body);
    return rc;
}

int
qsc_conversations (qsc_client_t *self, int limit, const char *cursor, json_object **reply_p,
                   qsc_error_t *err)
{
    json_object *body = json_object_new_object ();
    char number [16];
    if (limit > 0) {
        snprintf (number, sizeof number, "%d", limit);
        qs_json_add_str (body, "limit", number);
    }
    if (cursor && *cursor)
        qs_json_add_str (body, "cursor", cursor);
    int rc = qsc_call (self, "workflow", "conversations_list", body, true, NULL, NULL, reply_p, err);
    json_object_put (body);
    return rc;
}
