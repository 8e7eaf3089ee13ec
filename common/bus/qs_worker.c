/*  qs_worker - see qs_worker.h and proto/bus.md ("Worker runtime").

    Every handler slot is two threads: an I/O actor that owns the DEALER
    socket to the broker (READY, heartbeats, reconnects, cancel notices) and
    a handler actor that runs the op functions. They talk over the handler
    actor's inproc pipe, so no socket is ever shared and heartbeats keep
    flowing however long a handler runs. */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "qs_curve.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker_private.h"

#define QS_WORKER_MAX_OPS 64
#define QS_WORKER_MAX_BROKERS 8

typedef struct {
    char name [QS_BUS_NAME_MAX + 1];
    qs_op_fn *fn;
    void *arg;
} s_op_t;

typedef struct {
    qs_worker_t *worker;
    int index;
    const char *endpoint;           /* the one broker of this slot, lent */
    zactor_t *actor;                /* the I/O actor */
    qs_req_flags_t flags;
} s_slot_t;

struct _qs_worker_t {
    char *endpoint;
    char service [QS_BUS_NAME_MAX + 1];
    int threads;
    int heartbeat_ms;
    int liveness;
    qs_client_retry_fn *retry;      /* for nested calls (qs_worker_config_t) */
    qs_metrics_t *metrics;
    qs_metrics_t *owned_metrics;
    /*  A plain array: handler threads only read it once started (a zhash
        lookup writes its cursor, so it cannot be shared). */
    s_op_t ops [QS_WORKER_MAX_OPS];
    size_t nops;
    s_slot_t *slots;
    bool started;
    /*  Every broker listed in the endpoint (comma-separated) gets its own
        `threads` slots: a worker registers with all of them. */
    char *brokers [QS_WORKER_MAX_BROKERS];
    int nbrokers;
    int nslots;
    qs_worker_ready_fn *ready;      /* the service's own dependencies, or NULL */
    void *ready_arg;
};

typedef struct {
    zframe_t *client;
    char call_id [QS_BUS_CALL_ID_MAX + 1];
} s_inflight_t;

static s_op_t *
s_op_find (qs_worker_t *self, const char *name)
{
    for (size_t i = 0; i < self->nops; i++)
        if (streq (self->ops [i].name, name))
            return &self->ops [i];
    return NULL;
}

static int
s_ping (qs_req_t *req, void *arg)
{
    qs_worker_t *self = (qs_worker_t *) arg;
    json_object *body = json_object_new_object ();
    qs_json_add_bool (body, "pong", true);
    qs_json_add_str (body, "service", self->service);
    //  readiness asks for the dependencies; a plain ping stays cheap
    if (self->ready && qs_json_bool (qs_req_body (req), "checks", false)) {
        json_object *checks = json_object_new_object ();
        if (checks)
            self->ready (checks, self->ready_arg);
        json_object_object_add (body, "checks", checks);
    }
    return qs_req_reply (req, &body);
}

void
qs_worker_set_ready (qs_worker_t *self, qs_worker_ready_fn *fn, void *arg)
{
    assert (self && !self->started);
    self->ready = fn;
    self->ready_arg = arg;
}

void
qs_worker_check_add (json_object *checks, const char *name, int rc, const char *detail)
{
    json_object *c = json_object_new_object ();
    if (!c)
        return;
    qs_json_add_str (c, "status", rc == 0 ? "ok" : "unavailable");
    if (rc != 0 && detail && *detail)
        qs_json_add_str (c, "detail", detail);
    json_object_object_add (checks, name, c);
}

qs_worker_t *
qs_worker_new (const qs_worker_config_t *config)
{
    if (!config || !qs_bus_name_valid (config->service))
        return NULL;
    qs_worker_t *self = (qs_worker_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->endpoint = strdup (config->endpoint ? config->endpoint : qs_env_broker_endpoint ());
    qs_strlcpy (self->service, config->service, sizeof self->service);
    self->threads = config->threads > 0 ? config->threads : 2;
    self->heartbeat_ms = config->heartbeat_ms > 0 ? config->heartbeat_ms : 1000;
    self->liveness = config->liveness > 0 ? config->liveness : 3;
    self->metrics = config->metrics;
    self->retry = config->retry;
    if (!self->metrics)
        self->metrics = self->owned_metrics = qs_metrics_new ();
    if (!self->endpoint || !self->metrics) {
        qs_worker_destroy (&self);
        return NULL;
    }
    char list [1024];
    qs_strlcpy (list, self->endpoint, sizeof list);
    char *saveptr = NULL;
    for (char *one = strtok_r (list, ", ", &saveptr); one && self->nbrokers < QS_WORKER_MAX_BROKERS;
         one = strtok_r (NULL, ", ", &saveptr))
        if (!(self->brokers [self->nbrokers++] = strdup (one))) {
            qs_worker_destroy (&self);
            return NULL;
        }
    if (self->nbrokers == 0) {
        qs_worker_destroy (&self);
        return NULL;
    }
    qs_metrics_declare (self->metrics, "qs_worker_requests_total", QS_METRIC_COUNTER,
                        "Requests handled, by service, op and status.", NULL, 0);
    qs_metrics_declare (self->metrics, "qs_worker_errors_total", QS_METRIC_COUNTER,
                        "Requests answered with an error, by service and op.", NULL, 0);
    qs_metrics_declare (self->metrics, "qs_worker_handler_seconds", QS_METRIC_HISTOGRAM,
                        "Handler latency in seconds, by service and op.", NULL, 0);
    qs_worker_add_op (self, "ping", s_ping, self);
    return self;
}

void
qs_worker_destroy (qs_worker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_worker_t *self = *self_p;
    if (self->started)
        qs_worker_stop (self, 0);
    qs_metrics_destroy (&self->owned_metrics);
    for (int i = 0; i < self->nbrokers; i++)
        free (self->brokers [i]);
    free (self->slots);
    free (self->endpoint);
    free (self);
    *self_p = NULL;
}

int
qs_worker_add_op (qs_worker_t *self, const char *op, qs_op_fn *fn, void *arg)
{
    assert (self && fn && !self->started);
    if (!qs_bus_name_valid (op) || s_op_find (self, op) || self->nops == QS_WORKER_MAX_OPS)
        return -1;
    s_op_t *entry = &self->ops [self->nops++];
    qs_strlcpy (entry->name, op, sizeof entry->name);
    entry->fn = fn;
    entry->arg = arg;
    return 0;
}

/* ---- handler thread ---- */

static void
s_handle (s_slot_t *slot, zsock_t *pipe, zmsg_t *msg, qs_client_t **client_p)
{
    qs_worker_t *self = slot->worker;
    char seq_text [24];
    qs_req_t req;
    qs_bus_pop_str (msg, seq_text, sizeof seq_text);
    qs_req_init (&req, atoll (seq_text), pipe, &slot->flags, client_p, self->endpoint, self->retry);
    qs_err_t err;
    int64_t started = qs_mono_ms ();
    if (qs_envelope_decode (&req.env, msg, true, &err) != 0) {
        qs_req_fail_err (&req, &err);
        qs_req_fini (&req);
        return;
    }
    s_op_t *op = s_op_find (self, req.env.op);
    const char *op_label = op ? req.env.op : "unknown";
    if (!op)
        qs_req_fail (&req, 404, "not_found", "unknown op '%s'", req.env.op);
    else
    if (qs_req_cancelled (&req))
        qs_req_fail (&req, 504, "deadline_exceeded", "cancelled before it ran");
    else {
        int rc = op->fn (&req, op->arg);
        if (!req.status) {
            qs_error (req.env.request_id, "worker: op=%s returned %d without answering", req.env.op, rc);
            qs_req_fail (&req, 500, "internal", "the handler did not answer");
        }
    }
    char labels [256];
    snprintf (labels, sizeof labels, "service=\"%s\",op=\"%s\"", self->service, op_label);
    qs_metrics_observe (self->metrics, "qs_worker_handler_seconds", labels,
                        (double) (qs_mono_ms () - started) / 1000.0);
    if (req.status >= 400)
        qs_metrics_inc (self->metrics, "qs_worker_errors_total", labels, 1);
    snprintf (labels, sizeof labels, "service=\"%s\",op=\"%s\",status=\"%d\"",
              self->service, op_label, req.status);
    qs_metrics_inc (self->metrics, "qs_worker_requests_total", labels, 1);
    qs_req_fini (&req);
}

static void
s_handler_actor (zsock_t *pipe, void *args)
{
    s_slot_t *slot = (s_slot_t *) args;
    qs_client_t *client = NULL;         /* this thread's socket for nested calls */
    zsock_signal (pipe, 0);
    while (true) {
        zmsg_t *msg = zmsg_recv (pipe);
        if (!msg && zmq_errno () == EINTR)
            continue;               /* a signal landed on this thread */
        if (!msg)
            break;
        char *kind = zmsg_popstr (msg);
        bool term = !kind || streq (kind, "$TERM");
        if (!term && streq (kind, "R"))
            s_handle (slot, pipe, msg, &client);
        zstr_free (&kind);
        zmsg_destroy (&msg);
        if (term)
            break;
    }
    qs_client_destroy (&client);
}


/* ---- I/O thread: the broker connection of one slot ---- */

typedef struct {
    s_slot_t *slot;
    zsock_t *pipe;
    zsock_t *dealer;
    zactor_t *handler;
    zpoller_t *poller;
    zhash_t *inflight;          /* seq text -> s_inflight_t */
    long long seq;
    int64_t broker_expiry;      /* monotonic: reconnect when nothing heard by then */
    int64_t heartbeat_at;
} s_io_t;

static void
s_io_send (s_io_t *io, qs_bus_cmd_t cmd, zmsg_t **msg_p)
{
    zmsg_t *msg = msg_p && *msg_p ? *msg_p : zmsg_new ();
    if (msg_p)
        *msg_p = NULL;
    qs_bus_header_push (msg, QS_BUS_WORKER, cmd);
    zmsg_send (&msg, io->dealer);
    zmsg_destroy (&msg);
}

static void
s_inflight_clear (s_io_t *io)
{
    for (s_inflight_t *entry = (s_inflight_t *) zhash_first (io->inflight); entry;
         entry = (s_inflight_t *) zhash_first (io->inflight)) {
        zhash_delete (io->inflight, (const char *) zhash_cursor (io->inflight));
        zframe_destroy (&entry->client);
        free (entry);
    }
}

/*  (Re)connect: a fresh socket gets a fresh routing id, so the broker sees a
    new worker. Requests of the old connection are orphaned (cancelled). */
static void
s_io_connect (s_io_t *io)
{
    qs_worker_t *self = io->slot->worker;
    zpoller_destroy (&io->poller);
    zsock_destroy (&io->dealer);
    atomic_store (&io->slot->flags.cancel_upto, io->seq);
    s_inflight_clear (io);
    io->dealer = zsock_new (ZMQ_DEALER);
    zsock_set_linger (io->dealer, 0);
    zsock_set_sndtimeo (io->dealer, 0);
    zsock_set_reconnect_ivl (io->dealer, 100);
    zsock_set_reconnect_ivl_max (io->dealer, 1000);
    zsock_set_maxmsgsize (io->dealer, 16 * 1024 * 1024);
    qs_err_t curve_err;         /* issue 11: CURVE from the environment when set */
    if (qs_curve_apply_client (io->dealer, NULL, &curve_err) != 0)
        qs_error (NULL, "worker: %s", curve_err.message);
    if (zsock_connect (io->dealer, "%s", io->slot->endpoint) != 0)
        qs_error (NULL, "worker: cannot connect to %s", io->slot->endpoint);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, self->service);
    s_io_send (io, QS_CMD_READY, &msg);
    io->poller = zpoller_new (io->pipe, io->dealer, io->handler, NULL);
    zpoller_set_nonstop (io->poller, true);
    io->broker_expiry = qs_mono_ms () + (int64_t) self->heartbeat_ms * self->liveness;
    io->heartbeat_at = qs_mono_ms () + self->heartbeat_ms;
}

static void
s_io_from_broker (s_io_t *io, bool stopping)
{
    zmsg_t *msg = zmsg_recv (io->dealer);
    if (!msg)
        return;
    qs_worker_t *self = io->slot->worker;
    io->broker_expiry = qs_mono_ms () + (int64_t) self->heartbeat_ms * self->liveness;
    int cmd = qs_bus_header_pop (msg, QS_BUS_WORKER);
    if (cmd == QS_CMD_REQUEST && (zmsg_size (msg) == 9 || zmsg_size (msg) == 10) && !stopping) {
        s_inflight_t *entry = (s_inflight_t *) calloc (1, sizeof *entry);
        if (!entry) {
            zmsg_destroy (&msg);
            return;
        }
        entry->client = zmsg_pop (msg);
        zframe_t *call_id = zmsg_first (msg);
        if (zframe_size (call_id) < sizeof entry->call_id)
            memcpy (entry->call_id, zframe_data (call_id), zframe_size (call_id));
        char key [24];
        snprintf (key, sizeof key, "%lld", ++io->seq);
        zhash_insert (io->inflight, key, entry);
        zmsg_pushstr (msg, key);
        zmsg_pushstr (msg, "R");
        zmsg_send (&msg, io->handler);
    }
    else
    if (cmd == QS_CMD_CANCEL && zmsg_size (msg) == 2) {
        zframe_t *client = zmsg_pop (msg);
        char call_id [QS_BUS_CALL_ID_MAX + 1];
        if (qs_bus_pop_str (msg, call_id, sizeof call_id) == 0)
            for (s_inflight_t *entry = (s_inflight_t *) zhash_first (io->inflight); entry;
                 entry = (s_inflight_t *) zhash_next (io->inflight))
                if (zframe_eq (entry->client, client) && streq (entry->call_id, call_id))
                    atomic_store (&io->slot->flags.cancel_one,
                                  atoll ((const char *) zhash_cursor (io->inflight)));
        zframe_destroy (&client);
    }
    else
    if (cmd == QS_CMD_DISCONNECT) {
        qs_info (NULL, "worker: broker asked service=%s to reconnect", self->service);
        if (!stopping)
            s_io_connect (io);
    }
    /* HEARTBEAT: liveness refreshed above; anything else is dropped */
    zmsg_destroy (&msg);
}

/*  A partial or final from the handler: route it to the caller. */
static void
s_io_from_handler (s_io_t *io)
{
    zmsg_t *msg = zmsg_recv (io->handler);
    char kind [4], key [24];
    if (!msg || zmsg_size (msg) != 4 || qs_bus_pop_str (msg, kind, sizeof kind)
    ||  qs_bus_pop_str (msg, key, sizeof key)) {
        zmsg_destroy (&msg);
        return;
    }
    s_inflight_t *entry = (s_inflight_t *) zhash_lookup (io->inflight, key);
    if (!entry) {
        zmsg_destroy (&msg);        /* orphaned by a reconnect */
        return;
    }
    zmsg_pushstr (msg, entry->call_id);
    zmsg_push (msg, zframe_dup (entry->client));
    bool final = streq (kind, "F");
    s_io_send (io, final ? QS_CMD_FINAL : QS_CMD_PARTIAL, &msg);
    if (final) {
        zhash_delete (io->inflight, key);
        zframe_destroy (&entry->client);
        free (entry);
    }
}

static void
s_io_actor (zsock_t *pipe, void *args)
{
    s_slot_t *slot = (s_slot_t *) args;
    qs_worker_t *self = slot->worker;
    s_io_t io = { .slot = slot, .pipe = pipe };
    io.inflight = zhash_new ();
    io.handler = zactor_new (s_handler_actor, slot);
    s_io_connect (&io);
    zsock_signal (pipe, 0);
    bool stopping = false, term = false;
    int64_t grace_at = 0;
    while (true) {
        int64_t now = qs_mono_ms ();
        int64_t wait = io.heartbeat_at - now;
        if (stopping && grace_at - now < wait)
            wait = grace_at - now;
        if (wait < 0)
            wait = 0;
        void *which = zpoller_wait (io.poller, (int) wait);
        if (which == pipe) {
            char *command = NULL, *grace = NULL;
            zstr_recvx (pipe, &command, &grace, NULL);
            if (!command || streq (command, "$TERM"))
                term = true;
            else
            if (streq (command, "STOP")) {
                stopping = true;
                grace_at = qs_mono_ms () + (grace ? atoll (grace) : 0);
            }
            zstr_free (&command);
            zstr_free (&grace);
            if (term)
                break;
        }
        else
        if (which == io.dealer)
            s_io_from_broker (&io, stopping);
        else
        if (which == io.handler)
            s_io_from_handler (&io);
        now = qs_mono_ms ();
        if (stopping && zhash_size (io.inflight) == 0)
            break;
        if (stopping && now >= grace_at) {
            /* grace is over: answer for the handler and tell it to stop */
            atomic_store (&slot->flags.cancel_upto, io.seq);
            for (s_inflight_t *entry = (s_inflight_t *) zhash_first (io.inflight); entry;
                 entry = (s_inflight_t *) zhash_next (io.inflight)) {
                json_object *body = qs_bus_error_body ("service_unavailable", "the worker is shutting down");
                zmsg_t *msg = zmsg_new ();
                zmsg_append (msg, &(zframe_t *) {zframe_dup (entry->client)});
                qs_bus_final_append (msg, entry->call_id, 503, qs_json_text (body));
                json_object_put (body);
                s_io_send (&io, QS_CMD_FINAL, &msg);
            }
            s_inflight_clear (&io);
            break;
        }
        if (now >= io.heartbeat_at) {
            s_io_send (&io, QS_CMD_HEARTBEAT, NULL);
            io.heartbeat_at = now + self->heartbeat_ms;
        }
        if (now > io.broker_expiry && !stopping) {
            qs_warn (NULL, "worker: broker silent for %d ms: reconnecting",
                     self->heartbeat_ms * self->liveness);
            s_io_connect (&io);
        }
    }
    /* deregister; give the DISCONNECT a moment to leave */
    s_io_send (&io, QS_CMD_DISCONNECT, NULL);
    zsock_set_linger (io.dealer, 500);
    zpoller_destroy (&io.poller);
    zsock_destroy (&io.dealer);
    atomic_store (&slot->flags.cancel_upto, io.seq);
    zactor_destroy (&io.handler);      /* waits for a running handler */
    s_inflight_clear (&io);
    zhash_destroy (&io.inflight);
    if (!term) {
        zsock_signal (pipe, 0);        /* drained: qs_worker_stop goes on */
        while (true) {
            char *command = zstr_recv (pipe);
            bool done = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (done)
                break;
        }
    }
}

int
qs_worker_start (qs_worker_t *self)
{
    assert (self);
    if (self->started)
        return -1;
    self->nslots = self->threads * self->nbrokers;
    self->slots = (s_slot_t *) calloc ((size_t) self->nslots, sizeof *self->slots);
    if (!self->slots)
        return -1;
    self->started = true;
    for (int i = 0; i < self->nslots; i++) {
        s_slot_t *slot = &self->slots [i];
        slot->worker = self;
        slot->index = i;
        slot->endpoint = self->brokers [i % self->nbrokers];
        atomic_init (&slot->flags.cancel_one, -1);
        atomic_init (&slot->flags.cancel_upto, 0);
        slot->actor = zactor_new (s_io_actor, slot);
        if (!slot->actor) {
            qs_worker_stop (self, 0);
            return -1;
        }
    }
    qs_info (NULL, "worker: service=%s started %d handler threads for each of %d broker(s): %s",
             self->service, self->threads, self->nbrokers, self->endpoint);
    return 0;
}

void
qs_worker_stop (qs_worker_t *self, int grace_ms)
{
    if (!self || !self->started)
        return;
    char grace [16];
    snprintf (grace, sizeof grace, "%d", grace_ms > 0 ? grace_ms : 0);
    /* every slot drains at the same time */
    for (int i = 0; i < self->nslots; i++)
        if (self->slots [i].actor)
            zstr_sendx (self->slots [i].actor, "STOP", grace, NULL);
    for (int i = 0; i < self->nslots; i++)
        if (self->slots [i].actor) {
            zsock_wait (self->slots [i].actor);
            zactor_destroy (&self->slots [i].actor);
        }
    free (self->slots);
    self->slots = NULL;
    self->started = false;
    qs_info (NULL, "worker: service=%s stopped", self->service);
}

/*  The one mutable global of the runtime: a signal handler can only talk
    to the rest of the process through an async-signal-safe flag. */
static volatile sig_atomic_t s_stop_signal = 0;

static void
s_on_signal (int sig)
{
    s_stop_signal = sig;
}

int
qs_worker_run (qs_worker_t *self)
{
    assert (self);
    /*  A handler (not sigwait with a blocked mask): services may have
        started threads of their own (civetweb, mongoc) before calling us,
        and a process signal can land on any of them. czmq's own handler is
        switched off so it does not replace ours. */
    zsys_handler_set (NULL);
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_on_signal;
    sigemptyset (&action.sa_mask);
    s_stop_signal = 0;
    sigaction (SIGINT, &action, NULL);
    sigaction (SIGTERM, &action, NULL);
    long grace = 10000;
    qs_env_int ("QS_SHUTDOWN_GRACE_MS", 10000, 0, 600000, &grace);
    int rc = qs_worker_start (self);
    qs_metrics_server_t *server = NULL;
    const char *addr = qs_env_str ("QS_METRICS_ADDR", NULL);
    if (rc == 0 && addr) {
        server = qs_metrics_server_start (self->metrics, addr);
        if (!server)
            qs_warn (NULL, "worker: cannot listen on QS_METRICS_ADDR=%s (already served by "
                     "this service?): the runtime's listener is skipped", addr);
    }
    /*  a signal that came while czmq's handler was still installed (from
        its first socket until zsys_handler_set above) set zsys_interrupted */
    while (rc == 0 && !s_stop_signal && !zsys_interrupted)
        usleep (50000);
    if (!s_stop_signal && zsys_interrupted)
        s_stop_signal = SIGINT;
    if (rc == 0)
        qs_info (NULL, "worker: service=%s got signal %d: stopping (grace %ld ms)",
                 self->service, (int) s_stop_signal, grace);
    qs_worker_stop (self, (int) grace);
    qs_metrics_server_stop (&server);
    /*  our handlers stay: a second SIGTERM during the caller's teardown
        must not kill the process half-way (SIGKILL still does) */
    return rc;
}
