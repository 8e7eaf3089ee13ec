/*  qs_broker_secure - the broker's CURVE/ZAP setup, its role rules and the
    event stream (proto/client.md, "Security" and "Events"). Runs in the
    broker thread except qs_broker_secure_start/stop (owner side). */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_broker_private.h"
#include "qs_curve.h"
#include "qs_env.h"
#include "qs_events.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_zap.h"

/* ---- configuration ---- */

int
qs_broker_config_from_env (qs_broker_config_t *config, qs_broker_env_t *store, qs_err_t *err)
{
    memset (store, 0, sizeof *store);
    const char *secret_file = qs_env_str ("QS_CURVE_SERVER_SECRET_FILE", NULL);
    const char *keys = qs_env_str ("QS_CURVE_KEYS_FILE", NULL);
    if (!keys)
        keys = qs_env_str ("QS_CURVE_KEYS_DIR", NULL);
    const char *events = qs_env_str ("QS_EVENTS_ENDPOINT", NULL);
    config->allow_plaintext = qs_env_bool ("QS_BUS_ALLOW_PLAINTEXT", false);
    if (events) {
        qs_strlcpy (store->events_endpoint, events, sizeof store->events_endpoint);
        config->events_endpoint = store->events_endpoint;
    }
    if (!secret_file)
        return 0;
    qs_curve_keypair_t kp;
    if (qs_curve_keypair_load (secret_file, true, &kp, err) != 0)
        return -1;
    qs_strlcpy (store->curve_secret, kp.secret_key, sizeof store->curve_secret);
    qs_curve_keypair_wipe (&kp);
    if (!keys)
        return qs_err_set (err, 500, "bad_config",
                           "QS_CURVE_SERVER_SECRET_FILE needs QS_CURVE_KEYS_FILE or QS_CURVE_KEYS_DIR");
    qs_strlcpy (store->keys_path, keys, sizeof store->keys_path);
    config->curve_secret_key = store->curve_secret;
    config->curve_keys_path = store->keys_path;
    return 0;
}

void
qs_broker_env_wipe (qs_broker_env_t *store)
{
    if (store)
        explicit_bzero (store, sizeof *store);
}

/* ---- owner side ---- */

int
qs_broker_secure_start (qs_broker_t *owner)
{
    const qs_broker_config_t *config = &owner->config;
    bool curve = config->curve_secret_key && *config->curve_secret_key;
    if (!curve && !config->allow_plaintext
    &&  (!qs_curve_endpoint_local (config->endpoint)
         || (config->events_endpoint && !qs_curve_endpoint_local (config->events_endpoint)))) {
        qs_error (NULL, "broker: refusing plain TCP beyond loopback on %s: configure CURVE keys "
                  "(QS_CURVE_SERVER_SECRET_FILE) or set QS_BUS_ALLOW_PLAINTEXT=1", config->endpoint);
        return -1;
    }
    if (config->events_endpoint && !(owner->events_bind = strdup (config->events_endpoint)))
        return -1;
    owner->config.events_endpoint = owner->events_bind;
    const char *keys_path = config->curve_keys_path;
    owner->config.curve_keys_path = NULL;       /* lent by the caller: only the ZAP handler reads it */
    if (!curve) {
        owner->config.curve_secret_key = NULL;
        return 0;
    }
    if (!qs_curve_key_valid (config->curve_secret_key)) {
        qs_error (NULL, "broker: the CURVE server secret is not a z85 key");
        return -1;
    }
    qs_strlcpy (owner->curve_secret, config->curve_secret_key, sizeof owner->curve_secret);
    owner->config.curve_secret_key = owner->curve_secret;
    qs_err_t err;
    owner->zap = qs_zap_new (keys_path, &err);
    if (!owner->zap) {
        qs_error (NULL, "broker: %s", err.message);
        return -1;
    }
    return 0;
}

void
qs_broker_secure_stop (qs_broker_t *owner)
{
    qs_zap_destroy (&owner->zap);
    free (owner->events_bind);
    owner->events_bind = NULL;
    explicit_bzero (owner->curve_secret, sizeof owner->curve_secret);
}

/* ---- broker thread ---- */

int
qs_broker_secure_sockets (qs_bstate_t *self, qs_broker_t *owner)
{
    const char *secret = owner->config.curve_secret_key;
    self->secure = secret != NULL;
    self->verify = owner->config.verify;
    self->verify_arg = owner->config.verify_arg;
    self->admit = owner->config.admit;
    self->admit_arg = owner->config.admit_arg;
    if (secret)
        qs_curve_apply_server (self->router, secret, QS_ZAP_DOMAIN_BUS);
    if (!owner->config.events_endpoint)
        return 0;
    self->events = zsock_new (ZMQ_PUB);
    if (!self->events)
        return -1;
    zsock_set_linger (self->events, 0);
    zsock_set_sndhwm (self->events, 10000);
    if (secret)
        qs_curve_apply_server (self->events, secret, QS_ZAP_DOMAIN_EVENTS);
    if (zsock_bind (self->events, "%s", owner->config.events_endpoint) < 0) {
        qs_error (NULL, "broker: cannot bind the event stream on %s: %s",
                  owner->config.events_endpoint, zmq_strerror (zmq_errno ()));
        zsock_destroy (&self->events);
        return -1;
    }
    return 0;
}

/*  Frame i of msg (0-based), or NULL. */
static zframe_t *
s_frame (zmsg_t *msg, size_t index)
{
    zframe_t *frame = zmsg_first (msg);
    for (size_t i = 0; frame && i < index; i++)
        frame = zmsg_next (msg);
    return frame;
}

static bool
s_frame_str (zframe_t *frame, char *buf, size_t size)
{
    if (!frame || zframe_size (frame) >= size || memchr (zframe_data (frame), 0, zframe_size (frame)))
        return false;
    memcpy (buf, zframe_data (frame), zframe_size (frame));
    buf [zframe_size (frame)] = 0;
    return true;
}

/*  An event from a worker: [QSE, version, PUBLISH, topic, org id, data]. */
static void
s_event (qs_bstate_t *self, const char *role, zmsg_t *msg)
{
    char topic [QS_EVENTS_TOPIC_MAX + 1], org [QS_EVENTS_ORG_MAX + 1];
    zframe_t *version = s_frame (msg, 1), *cmd = s_frame (msg, 2);
    bool ok = zmsg_size (msg) == 6 && version && zframe_size (version) == 1
              && *zframe_data (version) == QS_BUS_VERSION && cmd && zframe_size (cmd) == 1
              && *zframe_data (cmd) == QS_EVENTS_CMD_PUBLISH
              && s_frame_str (s_frame (msg, 3), topic, sizeof topic) && qs_events_topic_valid (topic)
              && s_frame_str (s_frame (msg, 4), org, sizeof org) && qs_events_org_valid (org);
    if (self->secure && (!role || (!streq (role, "worker") && !streq (role, "gateway")))) {
        qs_warn (NULL, "broker: an event from a %s peer was dropped (only workers publish)",
                 role ? role : "unknown");
        return;
    }
    if (!ok) {
        qs_warn (NULL, "broker: a malformed event was dropped");
        return;
    }
    if (!self->events)
        return;
    zframe_t *data = s_frame (msg, 5);
    zmsg_t *out = zmsg_new ();
    zmsg_addstrf (out, "%s %s", topic, org);
    zmsg_append (out, &(zframe_t *) {zframe_dup (data)});
    zmsg_send (&out, self->events);        /* PUB never blocks: slow subscribers lose events */
    zmsg_destroy (&out);
}

/*  A REQUEST's auth frame (header 3 frames + envelope: call id 3, service 7,
    op 8, auth 9, body 10). A bearer token alone, {"token":"<JWT>"}, is
    verified here with the gateway's rules and the frame replaced by the
    verified context. strict (client and integration keys): nothing else is
    accepted, and only what the admission callback admits (or ping). */
static int
s_request_auth (qs_bstate_t *self, zframe_t *identity, const char *role, zmsg_t *msg, bool strict)
{
    char call_id [QS_BUS_CALL_ID_MAX + 1], service [QS_BUS_NAME_MAX + 1], op [QS_BUS_NAME_MAX + 1];
    zframe_t *auth_frame = s_frame (msg, 9);
    if ((zmsg_size (msg) != 11 && zmsg_size (msg) != 12) || !s_frame_str (s_frame (msg, 3), call_id, sizeof call_id)
    ||  !call_id [0] || !s_frame_str (s_frame (msg, 7), service, sizeof service)
    ||  !s_frame_str (s_frame (msg, 8), op, sizeof op))
        return 0;           /* malformed: the normal path answers it */
    /*  a trusted peer's verified context is passed on untouched (and not
        parsed: the gateway's every request carries one) */
    if (!strict && (zframe_size (auth_frame) == 0
                    || memmem (zframe_data (auth_frame), zframe_size (auth_frame), "\"sub\"", 5)))
        return 0;
    int status = 403;
    const char *code = "forbidden";
    const char *message = "a client key may not forward an auth context: send {\"token\"}";
    qs_auth_t auth;
    memset (&auth, 0, sizeof auth);
    if (zframe_size (auth_frame) == 0) {
        status = streq (op, "ping") ? 0 : 401;
        code = "unauthorized";
        message = "a bearer token is required";
    }
    else {
        const char *why = NULL;
        json_object *auth_json = qs_json_parse ((const char *) zframe_data (auth_frame),
                                                zframe_size (auth_frame), &why);
        json_object *token = qs_json_get (auth_json, "token", json_type_string);
        if (auth_json && json_object_is_type (auth_json, json_type_object)
        &&  json_object_object_length (auth_json) == 1 && token) {
            qs_err_t err;
            qs_err_clear (&err);
            status = 401;
            code = "unauthorized";
            if (!self->verify)
                message = "this broker cannot verify bearer tokens";
            else
            if (self->verify (self->verify_arg, json_object_get_string (token), &auth, &err) != 0) {
                message = "the bearer token was rejected";
                qs_warn (NULL, "broker: a %s peer's token was rejected: %s", role, err.message);
            }
            else
                status = 0;
        }
        json_object_put (auth_json);
    }
    if (status == 403 && !strict)
        return 0;           /* not a bare token: the worker parses it as before */
    qs_err_t refused;
    qs_err_clear (&refused);
    if (status == 0 && strict && !streq (op, "ping")) {
        zframe_t *body = s_frame (msg, 10);
        int admitted = self->admit ? self->admit (self->admit_arg, service, op, auth.roles,
                                                  (const char *) zframe_data (body),
                                                  zframe_size (body), &refused)
                                   : -1;
        if (admitted != 0) {
            //  a policy refuses with a 4xx; no policy (or a broken one) closes the op
            if (!self->admit || refused.status < 400 || refused.status > 499)
                qs_err_set (&refused, 403, "forbidden", "this operation is not open to bus clients");
            status = refused.status;
            code = refused.code;
            message = refused.message;
        }
    }
    if (status == 0 && auth.sub [0]) {
        json_object *verified = qs_auth_to_json (&auth, true);
        const char *text = qs_json_text (verified);
        zframe_reset (auth_frame, text, strlen (text));
        json_object_put (verified);
    }
    explicit_bzero (&auth, sizeof auth);
    if (status == 0)
        return 0;
    if (status == 403)
        qs_warn (NULL, "broker: %s.%s from a %s peer refused: %s", service, op, role, message);
    qs_broker_reply_error (self, identity, call_id, service, status, code, message);
    return -1;
}

int
qs_broker_secure_admit (qs_bstate_t *self, zframe_t *identity, zmsg_t *msg)
{
    zframe_t *proto = zmsg_first (msg);
    if (!proto)
        return 0;
    const char *role = qs_zap_frame_role (proto);
    if (zframe_streq (proto, QS_EVENTS_PROTO)) {
        s_event (self, role, msg);
        return -1;
    }
    zframe_t *cmd = s_frame (msg, 2);
    bool request = zframe_streq (proto, QS_BUS_CLIENT) && cmd && zframe_size (cmd) == 1
                   && *zframe_data (cmd) == QS_CMD_REQUEST;
    if (!self->secure)      /* plain bus (loopback): every peer is trusted, as in v1 */
        return request ? s_request_auth (self, identity, "plain", msg, false) : 0;
    if (zframe_streq (proto, QS_BUS_WORKER)) {
        if (role && streq (role, "worker"))
            return 0;
        /*  dropped without an answer: a DISCONNECT would make a
            misconfigured worker reconnect in a hot loop; silence makes it
            retry once per liveness period */
        if (cmd && zframe_size (cmd) == 1 && *zframe_data (cmd) == QS_CMD_READY)
            qs_warn (NULL, "broker: a %s key tried to register as a worker: ignored",
                     role ? role : "unknown");
        return -1;
    }
    bool untrusted = !role || streq (role, "client") || streq (role, "integration");
    if (request && untrusted)
        return s_request_auth (self, identity, role ? role : "unknown", msg, true);
    return 0;
}

void
qs_broker_secure_close (qs_bstate_t *self)
{
    zsock_destroy (&self->events);
    if (self->verify)
        self->verify (self->verify_arg, NULL, NULL, NULL);     /* this thread ends */
}
