/*  qs_client - see qs_client.h and proto/bus.md */
#include "qs_client.h"
#include <czmq.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_curve.h"
#include "qs_env.h"
#include "qs_envelope.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"

/*  How long past the deadline we wait for the broker's own 504 before
    answering 504 ourselves (broker gone): just poll granularity, so a call
    never outlives its deadline noticeably. */
#define QS_CLIENT_DEADLINE_SLACK_MS 20
/*  Several brokers (QS_BROKER_ENDPOINT="tcp://a,tcp://b"): one DEALER per
    broker, one of them current. A call in flight probes its broker with
    DISCOVER when it has heard nothing for PROBE_MS and gives the broker up
    when the connection drops or nothing came back for LIVENESS_MS. */
#define QS_CLIENT_MAX_BROKERS 8
#define QS_CLIENT_PROBE_MS 1000
#define QS_CLIENT_LIVENESS_MS 4000
#define QS_CLIENT_SLICE_MS 100
#define QS_CLIENT_MAX_ATTEMPTS 4
/*  With no broker connected, a call waits this long for one (a restart)
    before answering 503, rather than holding its caller to the deadline. */
#define QS_CLIENT_CONNECT_WAIT_MS 2000

struct _qs_client_t {
    zsock_t *dealer;            /* the current broker's socket (one of dealers) */
    char *endpoint;
    uint64_t sequence;          /* call ids: unique per socket */
    zsock_t *dealers [QS_CLIENT_MAX_BROKERS];
    int nbrokers;
    int current;
    qs_client_abort_fn *abort_fn;
    void *abort_arg;
    qs_client_retry_fn *retry_fn;   /* NULL: no call is sent twice */
};

/*  Why s_wait returned without a reply. */
typedef enum { S_WAIT_TIMEOUT = 1, S_WAIT_LOST, S_WAIT_ABORTED } s_wait_why_t;

qs_client_t *
qs_client_new (const char *endpoint)
{
    return qs_client_new_keys (endpoint, NULL);
}

qs_client_t *
qs_client_new_keys (const char *endpoint, const qs_curve_client_t *keys)
{
    qs_client_t *self = (qs_client_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->endpoint = strdup (endpoint ? endpoint : qs_env_broker_endpoint ());
    if (!self->endpoint)
        goto failed;
    char list [1024];
    qs_strlcpy (list, self->endpoint, sizeof list);
    char *saveptr = NULL;
    for (char *one = strtok_r (list, ", ", &saveptr); one && self->nbrokers < QS_CLIENT_MAX_BROKERS;
         one = strtok_r (NULL, ", ", &saveptr)) {
        zsock_t *dealer = zsock_new (ZMQ_DEALER);
        if (!dealer)
            goto failed;
        self->dealers [self->nbrokers++] = dealer;
        zsock_set_linger (dealer, 0);
        zsock_set_sndtimeo (dealer, 0);
        /*  queue only on a live connection: a send to a broker that is
            down fails at once (and we try the next) instead of waiting in
            a pipe to be delivered much later, after we gave up on it */
        zsock_set_immediate (dealer, 1);
        zsock_set_reconnect_ivl (dealer, 100);
        zsock_set_reconnect_ivl_max (dealer, 1000);
        zsock_set_maxmsgsize (dealer, 16 * 1024 * 1024);
        qs_err_t curve_err;     /* issue 11: CURVE when keys are configured */
        if (qs_curve_apply_client (dealer, keys, &curve_err) != 0) {
            qs_error (NULL, "client: %s", curve_err.message);
            goto failed;
        }
        if (zsock_connect (dealer, "%s", one) != 0) {
            qs_error (NULL, "client: cannot connect to %s", one);
            goto failed;
        }
    }
    if (self->nbrokers == 0)
        goto failed;
    /*  spread the clients of a process over the brokers, then stick */
    self->current = (int) ((((uintptr_t) self) >> 4 ^ (uintptr_t) qs_mono_ms ()) % (uintptr_t) self->nbrokers);
    self->dealer = self->dealers [self->current];
    return self;
failed:
    qs_client_destroy (&self);
    return NULL;
}

void
qs_client_destroy (qs_client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_client_t *self = *self_p;
    for (int i = 0; i < self->nbrokers; i++)
        zsock_destroy (&self->dealers [i]);
    self->dealer = NULL;
    free (self->endpoint);
    free (self);
    *self_p = NULL;
}

static int
s_send (qs_client_t *self, qs_bus_cmd_t cmd, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p ? *msg_p : zmsg_new ();
    *msg_p = NULL;
    qs_bus_header_push (msg, QS_BUS_CLIENT, cmd);
    /* the pipe queues while the broker is away; a full pipe fails at once
       (sndtimeo 0) rather than blocking past the deadline */
    int rc = zmsg_send (&msg, self->dealer);
    zmsg_destroy (&msg);
    return rc;
}

static void
s_cancel (qs_client_t *self, const char *call_id)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, call_id);
    s_send (self, QS_CMD_CANCEL, &msg);
}

static bool
s_writable (zsock_t *sock)
{
    return (zsock_events (sock) & ZMQ_POLLOUT) != 0;
}

static bool
s_aborted (qs_client_t *self)
{
    return self->abort_fn && self->abort_fn (self->abort_arg);
}

/*  Make a connected broker current: the current one if it is connected,
    else the next connected one not in tried (a bit per broker). Waits for a
    connection until deadline_mono. 0, or -1 when none came up in time. */
static int
s_pick (qs_client_t *self, unsigned tried, int64_t deadline_mono)
{
    while (true) {
        zmq_pollitem_t items [QS_CLIENT_MAX_BROKERS];
        int n = 0;
        for (int k = 0; k < self->nbrokers; k++) {
            int i = (self->current + k) % self->nbrokers;
            if (tried & (1u << i))
                continue;
            if (s_writable (self->dealers [i])) {
                self->current = i;
                self->dealer = self->dealers [i];
                return 0;
            }
            items [n++] = (zmq_pollitem_t) { zsock_resolve (self->dealers [i]), 0, ZMQ_POLLOUT, 0 };
        }
        int64_t wait = deadline_mono - qs_mono_ms ();
        if (n == 0 || wait <= 0 || s_aborted (self))
            return -1;
        zmq_poll (items, n, (long) (wait > QS_CLIENT_SLICE_MS ? QS_CLIENT_SLICE_MS : wait));
    }
}

/*  Wait for a reply with the given command and call id until deadline_mono.
    Stale replies (other call ids) are dropped. Returns the message with its
    header and call id popped, or NULL with *why_p set (timeout, broker
    lost, aborted); *cmd_p gets the command (QS_CMD_DISCONNECT when the
    broker refused us). With watch, the broker's liveness is checked: its
    connection must stay up and it must answer a probe within
    QS_CLIENT_LIVENESS_MS. */
static zmsg_t *
s_wait (qs_client_t *self, const char *call_id, int64_t deadline_mono, int *cmd_p,
        int *why_p, bool watch)
{
    char got [QS_BUS_CALL_ID_MAX + 1];
    int64_t heard = qs_mono_ms (), probed = heard;
    *why_p = S_WAIT_TIMEOUT;
    while (true) {
        int64_t now = qs_mono_ms ();
        int64_t wait = deadline_mono - now;
        if (wait < 0)
            return NULL;
        if (s_aborted (self)) {
            *why_p = S_WAIT_ABORTED;
            return NULL;
        }
        if (watch && (!s_writable (self->dealer) || now - heard > QS_CLIENT_LIVENESS_MS)) {
            *why_p = S_WAIT_LOST;
            return NULL;
        }
        if (watch && now - heard >= QS_CLIENT_PROBE_MS && now - probed >= QS_CLIENT_PROBE_MS) {
            /* any answer is a sign of life; "p" never matches a call id */
            zmsg_t *probe = zmsg_new ();
            zmsg_addstr (probe, "p");
            zmsg_addstr (probe, "_probe");
            qs_bus_header_push (probe, QS_BUS_CLIENT, QS_CMD_DISCOVER);
            zmsg_send (&probe, self->dealer);
            zmsg_destroy (&probe);
            probed = now;
        }
        if (wait > QS_CLIENT_SLICE_MS)
            wait = QS_CLIENT_SLICE_MS;
        zmq_pollitem_t item = { zsock_resolve (self->dealer), 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll (&item, 1, (long) wait);
        if (rc < 0 && zmq_errno () != EINTR)
            return NULL;
        if (rc <= 0)
            continue;
        zmsg_t *msg = zmsg_recv (self->dealer);
        if (!msg)
            continue;
        heard = qs_mono_ms ();
        int cmd = qs_bus_header_pop (msg, QS_BUS_CLIENT);
        if (cmd == QS_CMD_DISCONNECT) {
            *cmd_p = cmd;
            return msg;
        }
        if (cmd > 0 && qs_bus_pop_str (msg, got, sizeof got) == 0 && streq (got, call_id)) {
            *cmd_p = cmd;
            return msg;
        }
        zmsg_destroy (&msg);
    }
}

/*  Turn a FINAL's [status, body] into the call's result (a 2xx body as
    text in *text_p when the call asked for it). */
static int
s_final (zmsg_t *msg, json_object **reply_p, char **text_p, qs_err_t *err)
{
    char status_text [8];
    if (zmsg_size (msg) != 2 || qs_bus_pop_str (msg, status_text, sizeof status_text))
        return qs_err_set (err, 502, "bad_gateway", "malformed reply from the bus");
    int status = atoi (status_text);
    zframe_t *body_frame = zmsg_pop (msg);
    json_object *body = NULL;
    if (text_p && status >= 200 && status < 300) {
        *text_p = zframe_size (body_frame) > 0 ? zframe_strdup (body_frame) : NULL;
        zframe_destroy (&body_frame);
        return status;
    }
    if (zframe_size (body_frame) > 0) {
        const char *why = NULL;
        body = qs_json_parse ((const char *) zframe_data (body_frame), zframe_size (body_frame), &why);
    }
    zframe_destroy (&body_frame);
    if (status >= 200 && status < 300) {
        if (reply_p)
            *reply_p = body;
        else
            json_object_put (body);
        return status;
    }
    json_object *error = qs_json_get (body, "error", json_type_object);
    const char *code = qs_json_str (error, "code", NULL);
    qs_err_set (err, status >= 400 && status < 600 ? status : 502,
                code ? code : qs_err_code_for_status (status), "%s",
                qs_json_str (error, "message", "the service failed"));
    if (err && (status == 503 || status == 429))
        err->retry_after = (int) qs_json_int (error, "retry_after", 1);
    json_object_put (body);
    return -1;
}

void
qs_client_set_retry (qs_client_t *self, qs_client_retry_fn *fn)
{
    assert (self);
    self->retry_fn = fn;
}

void
qs_client_set_abort (qs_client_t *self, qs_client_abort_fn *fn, void *arg)
{
    assert (self);
    self->abort_fn = fn;
    self->abort_arg = arg;
}

/*  A 503 a broker gives before any worker saw the request (proto/bus.md,
    "Several brokers"): safe to send to another broker, whatever the op. */
static bool
s_never_ran (const qs_err_t *err)
{
    return err->status == 503
        && (streq (err->code, "overloaded")
            || strstr (err->message, "no worker serves this service")
            || strstr (err->message, "the broker is shutting down"));
}

/*  Give up the current broker for this call and make the next one current. */
static unsigned
s_drop_current (qs_client_t *self, unsigned tried)
{
    tried |= 1u << self->current;
    if (self->nbrokers > 1) {
        self->current = (self->current + 1) % self->nbrokers;
        self->dealer = self->dealers [self->current];
    }
    return tried;
}

/*  One attempt: encode with a fresh call id, send to the current broker and
    wait. Returns the status or -1 (err set); *outcome tells the caller
    what happened: 0 answered, S_WAIT_LOST broker lost (or refused the
    send), and *streamed whether a partial went out to on_partial. */
static int
s_attempt (qs_client_t *self, const qs_call_t *call, int64_t deadline_mono, json_object **reply_p,
           qs_err_t *err, qs_client_partial_fn *on_partial, void *arg, int *outcome, bool *streamed)
{
    *outcome = 0;
    qs_envelope_t env;
    memset (&env, 0, sizeof env);
    snprintf (env.call_id, sizeof env.call_id, "%" PRIu64, ++self->sequence);
    qs_strlcpy (env.request_id, call->request_id ? call->request_id : "", sizeof env.request_id);
    if (call->traceparent && qs_traceparent_valid (call->traceparent))
        qs_strlcpy (env.traceparent, call->traceparent, sizeof env.traceparent);
    else
        qs_traceparent_new (env.traceparent);
    env.deadline_ms = call->deadline_ms;
    qs_strlcpy (env.service, call->service ? call->service : "", sizeof env.service);
    qs_strlcpy (env.op, call->op ? call->op : "", sizeof env.op);
    if (call->auth)
        env.auth = *call->auth;
    env.body = call->body;              /* lent: not cleared below */
    /*  nobody reads partials: the worker does not send them (about half
        the bus messages of a chat turn) */
    env.quiet = on_partial == NULL;
    zmsg_t *msg = zmsg_new ();
    int rc = qs_envelope_encode (&env, msg);
    env.body = NULL;
    qs_envelope_clear (&env);
    if (rc != 0) {
        zmsg_destroy (&msg);
        return qs_err_set (err, 400, "bad_request", "invalid service, op or deadline");
    }
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    snprintf (call_id, sizeof call_id, "%" PRIu64, self->sequence);
    if (call->deadline_ms <= qs_now_ms ()) {
        zmsg_destroy (&msg);
        return qs_err_set (err, 504, "deadline_exceeded", "the deadline had already passed");
    }
    if (s_send (self, QS_CMD_REQUEST, &msg) != 0) {
        *outcome = S_WAIT_LOST;         /* never left: safe to send elsewhere */
        qs_err_set (err, 503, "service_unavailable", "the broker is not reachable");
        err->retry_after = 1;
        return -1;
    }
    while (true) {
        int cmd = 0, why = 0;
        zmsg_t *reply = s_wait (self, call_id, deadline_mono, &cmd, &why, true);
        if (!reply && why == S_WAIT_LOST) {
            s_cancel (self, call_id);
            *outcome = S_WAIT_LOST;
            qs_err_set (err, 503, "service_unavailable",
                        "the broker went away with the request in flight");
            err->retry_after = 1;
            return -1;
        }
        if (!reply && why == S_WAIT_ABORTED) {
            s_cancel (self, call_id);
            qs_err_set (err, 503, "service_unavailable", "the caller is shutting down");
            err->retry_after = 1;
            return -1;
        }
        if (!reply) {
            s_cancel (self, call_id);
            return qs_err_set (err, 504, "deadline_exceeded", "no reply before the deadline");
        }
        if (cmd == QS_CMD_FINAL) {
            rc = s_final (reply, reply_p, call->text_p, err);
            zmsg_destroy (&reply);
            return rc;
        }
        if (cmd == QS_CMD_PARTIAL && zmsg_size (reply) == 2) {
            *streamed = true;
            char *event = zmsg_popstr (reply);
            char *data_text = zmsg_popstr (reply);
            const char *why_text = NULL;
            json_object *data = data_text ? qs_json_parse (data_text, strlen (data_text), &why_text) : NULL;
            int go_on = on_partial && event ? on_partial (event, data, arg) : 0;
            json_object_put (data);
            zstr_free (&event);
            zstr_free (&data_text);
            zmsg_destroy (&reply);
            if (go_on != 0) {
                s_cancel (self, call_id);
                return qs_err_set (err, 499, "cancelled", "the caller cancelled the request");
            }
            continue;
        }
        zmsg_destroy (&reply);
        if (cmd == QS_CMD_DISCONNECT)
            return qs_err_set (err, 503, "service_unavailable", "the broker refused the request");
    }
}

int
qs_client_call (qs_client_t *self, const qs_call_t *call, json_object **reply_p,
                qs_err_t *err, qs_client_partial_fn *on_partial, void *arg)
{
    assert (self && call);
    if (reply_p)
        *reply_p = NULL;
    if (call->text_p)
        *call->text_p = NULL;
    /*  Failover (proto/bus.md, "Several brokers"): a broker that cannot take
        the request, or says it never ran it, is skipped for this call; a
        broker lost with the request in flight costs a retry only when the
        op is idempotent and nothing was streamed yet. */
    bool idempotent = self->retry_fn && self->retry_fn (call->service, call->op);
    int64_t deadline_mono = qs_mono_ms () + (call->deadline_ms - qs_now_ms ())
                          + QS_CLIENT_DEADLINE_SLACK_MS;
    unsigned tried = 0;
    qs_err_t last;
    qs_err_clear (&last);
    int rc = -1;
    for (int attempt = 0; attempt < QS_CLIENT_MAX_ATTEMPTS; attempt++) {
        int64_t connect_by = qs_mono_ms () + QS_CLIENT_CONNECT_WAIT_MS;
        if (s_pick (self, tried, connect_by < deadline_mono ? connect_by : deadline_mono) != 0) {
            if (!last.status) {
                qs_err_set (&last, 503, "service_unavailable", "the broker is not reachable");
                last.retry_after = 1;
            }
            break;
        }
        int outcome = 0;
        bool streamed = false;
        qs_err_t one;
        qs_err_clear (&one);
        rc = s_attempt (self, call, deadline_mono, reply_p, &one, on_partial, arg, &outcome, &streamed);
        if (rc >= 0)
            return rc;
        last = one;
        if (outcome == S_WAIT_LOST) {
            bool sent = !streq (one.message, "the broker is not reachable");
            qs_warn (call->request_id, "client: broker %d of %d lost (%s); %s", self->current + 1,
                     self->nbrokers, one.message,
                     !sent || (idempotent && !streamed) ? "trying again" : "not retried: the op is not idempotent");
            tried = s_drop_current (self, tried);
            if (sent && (!idempotent || streamed))
                break;
            if (self->nbrokers == 1)
                tried = 0;              /* wait for it to come back, within the deadline */
            continue;
        }
        if (s_never_ran (&one) && !streamed && self->nbrokers > 1) {
            tried = s_drop_current (self, tried);
            continue;
        }
        /*  the worker died holding an idempotent request: another may serve it */
        if (one.status == 503 && idempotent && !streamed && !s_never_ran (&one)
        &&  streq (one.code, "service_unavailable")
        &&  strstr (one.message, "went away")) {
            tried = 0;
            continue;
        }
        break;
    }
    if (err)
        *err = last;
    return -1;
}

/*  A request/answer exchange with the broker itself (discovery, status). */
static zmsg_t *
s_ask (qs_client_t *self, qs_bus_cmd_t cmd, const char *arg, int timeout_ms)
{
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    snprintf (call_id, sizeof call_id, "%" PRIu64, ++self->sequence);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, call_id);
    if (arg)
        zmsg_addstr (msg, arg);
    int64_t deadline_mono = qs_mono_ms () + timeout_ms;
    if (s_pick (self, 0, deadline_mono) != 0) {
        zmsg_destroy (&msg);
        return NULL;
    }
    s_send (self, cmd, &msg);
    int got = 0, why = 0;
    zmsg_t *reply = s_wait (self, call_id, deadline_mono, &got, &why, false);
    if (reply && got != (int) cmd)
        zmsg_destroy (&reply);
    if (!reply && self->nbrokers > 1)
        s_drop_current (self, 0);       /* the next question goes to another broker */
    return reply;
}

int
qs_client_discover (qs_client_t *self, const char *service, int timeout_ms)
{
    assert (self);
    if (!qs_bus_name_valid (service))
        return 0;
    zmsg_t *reply = s_ask (self, QS_CMD_DISCOVER, service, timeout_ms);
    if (!reply)
        return -1;
    char count [16];
    int rc = -1;
    if (zmsg_size (reply) == 1 && qs_bus_pop_str (reply, count, sizeof count) == 0)
        rc = atoi (count);
    zmsg_destroy (&reply);
    return rc;
}

json_object *
qs_client_broker_status (qs_client_t *self, int timeout_ms)
{
    assert (self);
    zmsg_t *reply = s_ask (self, QS_CMD_STATUS, NULL, timeout_ms);
    if (!reply)
        return NULL;
    json_object *status = NULL;
    zframe_t *frame = zmsg_pop (reply);
    if (frame) {
        const char *why = NULL;
        status = qs_json_parse ((const char *) zframe_data (frame), zframe_size (frame), &why);
    }
    zframe_destroy (&frame);
    zmsg_destroy (&reply);
    return status;
}

/*  issue 11: an event for the broker's event stream (qs_events.h), sent on
    the current broker's socket; fire and forget. */
int
qs_client_publish (qs_client_t *self, const char *topic, const char *org_id, const char *json)
{
    assert (self && topic && org_id && json);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, "QSE");
    zmsg_addmem (msg, &(uint8_t) {QS_BUS_VERSION}, 1);
    zmsg_addmem (msg, &(uint8_t) {0x01}, 1);         /* PUBLISH */
    zmsg_addstr (msg, topic);
    zmsg_addstr (msg, org_id);
    zmsg_addstr (msg, json);
    /* a fresh socket is not writable until its handshake is done */
    zmq_pollitem_t item = { zsock_resolve (self->dealer), 0, ZMQ_POLLOUT, 0 };
    zmq_poll (&item, 1, 250);
    int rc = zmsg_send (&msg, self->dealer);
    zmsg_destroy (&msg);
    return rc;
}
