/*  qs_broker - see qs_broker.h and proto/bus.md. All state lives in the
    actor thread (qs_broker_private.h); the public handle only owns the
    actor. This file: the actor loop, the timers and the public API. */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_broker_private.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"

#define QS_BROKER_MAXMSG (16 * 1024 * 1024)
#define S_DRAIN_QUIET_MS 1000           /* see qs_broker_drain */

/* ---- timers ---- */

/*  Heartbeat the workers, drop the silent ones, answer expired requests and
    empty the queues of services that have had no worker for too long.
    Returns the epoch ms of the next request deadline (or INT64_MAX). */
static int64_t
s_housekeeping (qs_bstate_t *self, int64_t *heartbeat_at)
{
    int64_t mono = qs_mono_ms ();
    bool tick = mono >= *heartbeat_at;
    if (tick) {
        *heartbeat_at = mono + self->heartbeat_ms;
        /*  ids, not pointers: deleting one worker dispatches, and that can
            delete another dead worker of the same service */
        zlist_t *dead = zlist_new ();
        zlist_autofree (dead);
        for (qs_bworker_t *worker = (qs_bworker_t *) zhash_first (self->workers); worker;
             worker = (qs_bworker_t *) zhash_next (self->workers)) {
            /* silent too long, or its connection is already gone */
            if (worker->expiry < mono
            ||  qs_broker_send_worker (self, worker, QS_CMD_HEARTBEAT, NULL) != 0)
                zlist_append (dead, worker->id);
        }
        for (char *id = (char *) zlist_first (dead); id; id = (char *) zlist_next (dead)) {
            qs_bworker_t *worker = (qs_bworker_t *) zhash_lookup (self->workers, id);
            if (!worker)
                continue;
            qs_warn (NULL, "broker: worker %s of service=%s is silent or gone: dropped",
                     worker->id, worker->service->name);
            qs_broker_worker_delete (self, worker, false, false);
        }
        zlist_destroy (&dead);
    }
    int64_t now = qs_now_ms ();
    /*  the request scan is O(requests): only at a heartbeat tick or when
        the earliest known deadline is due (new requests lower it) */
    if (!tick && now < self->next_deadline)
        return self->next_deadline;
    int64_t next = INT64_MAX;
    zlist_t *expired = zlist_new ();
    for (qs_breq_t *req = (qs_breq_t *) zhash_first (self->requests); req;
         req = (qs_breq_t *) zhash_next (self->requests)) {
        qs_bsvc_t *service = req->service;
        bool orphaned = !req->worker && service->workers == 0
                        && mono - service->empty_since > self->grace_ms;
        if ((req->deadline_ms <= now || orphaned) && !req->answered)
            zlist_append (expired, req);
        else
        if (!req->answered && req->deadline_ms < next)
            next = req->deadline_ms;
    }
    for (qs_breq_t *req = (qs_breq_t *) zlist_first (expired); req;
         req = (qs_breq_t *) zlist_next (expired)) {
        qs_bsvc_t *service = req->service;
        if (req->deadline_ms <= now)
            qs_broker_reply_error (self, req->client, req->call_id, service->name, 504,
                           "deadline_exceeded", "the request deadline passed");
        else
            qs_broker_reply_error (self, req->client, req->call_id, service->name, 503,
                           "service_unavailable", "no worker serves this service");
        req->answered = true;
        if (req->worker) {
            /* the worker keeps it until its final: tell it to stop */
            zmsg_t *out = zmsg_new ();
            zmsg_append (out, &(zframe_t *) {zframe_dup (req->client)});
            zmsg_addstr (out, req->call_id);
            qs_broker_send_worker (self, req->worker, QS_CMD_CANCEL, &out);
        }
        else {
            qs_broker_request_destroy (self, &req);
            qs_broker_gauges (self, service);
        }
    }
    zlist_destroy (&expired);
    self->next_deadline = next;
    return next;
}

/*  Start draining: refuse new requests, fail the queued ones (they never
    reached a worker, so clients may send them to another broker). */
static void
s_drain_start (qs_bstate_t *self)
{
    self->draining = true;
    zlist_t *queued = zlist_new ();
    for (qs_breq_t *req = (qs_breq_t *) zhash_first (self->requests); req;
         req = (qs_breq_t *) zhash_next (self->requests))
        if (!req->worker)
            zlist_append (queued, req);
    for (qs_breq_t *req = (qs_breq_t *) zlist_first (queued); req;
         req = (qs_breq_t *) zlist_next (queued)) {
        qs_bsvc_t *service = req->service;
        if (!req->answered)
            qs_broker_reply_error (self, req->client, req->call_id, service->name, 503,
                                   "service_unavailable", "the broker is shutting down");
        qs_broker_request_destroy (self, &req);
        qs_broker_gauges (self, service);
    }
    zlist_destroy (&queued);
}

/*  Requests a worker holds whose caller still waits for the answer. */
static size_t
s_in_flight (qs_bstate_t *self)
{
    size_t n = 0;
    for (qs_breq_t *req = (qs_breq_t *) zhash_first (self->requests); req;
         req = (qs_breq_t *) zhash_next (self->requests))
        if (req->worker && !req->answered)
            n++;
    return n;
}

static void
s_broker_actor (zsock_t *pipe, void *args)
{
    qs_broker_t *owner = (qs_broker_t *) args;
    qs_bstate_t self = {0};
    self.pipe = pipe;
    self.heartbeat_ms = owner->config.heartbeat_ms > 0 ? owner->config.heartbeat_ms : 1000;
    self.liveness = owner->config.liveness > 0 ? owner->config.liveness : 3;
    self.queue_limit = owner->config.queue_limit > 0 ? (size_t) owner->config.queue_limit : 256;
    self.grace_ms = owner->config.no_worker_grace_ms > 0 ? owner->config.no_worker_grace_ms
                  : (int64_t) self.heartbeat_ms * self.liveness;
    self.metrics = owner->config.metrics;
    self.next_deadline = INT64_MAX;
    self.services = zhash_new ();
    self.workers = zhash_new ();
    self.requests = zhash_new ();
    self.router = zsock_new (ZMQ_ROUTER);
    zsock_set_linger (self.router, 0);
    zsock_set_maxmsgsize (self.router, QS_BROKER_MAXMSG);
    /*  mandatory routing: a send to a peer whose connection is gone fails
        (and a full pipe fails at once, sndtimeo 0) instead of dropping
        silently, so a killed worker is noticed on the next dispatch */
    zsock_set_router_mandatory (self.router, 1);
    zsock_set_sndtimeo (self.router, 0);
    zsock_signal (pipe, 0);
    if (qs_broker_secure_sockets (&self, owner) != 0) {     /* issue 11: CURVE, events */
        zstr_send (pipe, "");
        goto wait_term;
    }
    if (zsock_bind (self.router, "%s", owner->bind) < 0) {
        qs_error (NULL, "broker: cannot bind %s: %s", owner->bind, zmq_strerror (zmq_errno ()));
        zstr_send (pipe, "");
        goto wait_term;
    }
    char *endpoint = zsock_last_endpoint (self.router);
    zstr_send (pipe, endpoint ? endpoint : owner->bind);
    zstr_free (&endpoint);
    if (self.metrics) {
        qs_metrics_declare (self.metrics, "qs_broker_requests_total", QS_METRIC_COUNTER,
                            "Requests received by the broker, by service.", NULL, 0);
        qs_metrics_declare (self.metrics, "qs_broker_errors_total", QS_METRIC_COUNTER,
                            "Error replies passing the broker, by service and code.", NULL, 0);
        qs_metrics_declare (self.metrics, "qs_broker_queue_depth", QS_METRIC_GAUGE,
                            "Requests waiting for a worker, by service.", NULL, 0);
        qs_metrics_declare (self.metrics, "qs_broker_workers", QS_METRIC_GAUGE,
                            "Live workers, by service.", NULL, 0);
    }
    self.poller = zpoller_new (pipe, self.router, NULL);
    zpoller_set_nonstop (self.poller, true);
    int64_t heartbeat_at = qs_mono_ms () + self.heartbeat_ms;
    int64_t next_deadline = INT64_MAX;
    int64_t drain_until = 0;            /* draining: signal the owner by then */
    int64_t quiet_until = 0;            /* ... and not before this */
    bool drained = false;
    while (true) {
        int64_t wait = heartbeat_at - qs_mono_ms ();
        if (next_deadline != INT64_MAX && next_deadline - qs_now_ms () < wait)
            wait = next_deadline - qs_now_ms ();
        if (self.draining && !drained && wait > 50)
            wait = 50;
        if (wait < 0)
            wait = 0;
        void *which = zpoller_wait (self.poller, (int) wait);
        if (which == pipe) {
            char *command = NULL, *grace = NULL;
            zstr_recvx (pipe, &command, &grace, NULL);
            bool term = !command || streq (command, "$TERM");
            if (!term && streq (command, "DRAIN") && !self.draining) {
                int64_t ms = grace ? atoll (grace) : 0;
                drain_until = qs_mono_ms () + ms;
                /*  keep refusing for a moment even when nothing is in
                    flight: clients still pointed at us learn to go
                    elsewhere instead of losing a request in our buffers
                    when the socket closes */
                quiet_until = qs_mono_ms () + (ms < S_DRAIN_QUIET_MS ? ms : S_DRAIN_QUIET_MS);
                s_drain_start (&self);
            }
            zstr_free (&command);
            zstr_free (&grace);
            if (term)
                break;
        }
        else
        if (which == self.router) {
            /* drain what is there, then do the timers once */
            for (int i = 0; i < 256; i++) {
                zmsg_t *msg = zmsg_recv_nowait (self.router);
                if (!msg)
                    break;
                qs_broker_router_message (&self, &msg);
            }
        }
        next_deadline = s_housekeeping (&self, &heartbeat_at);
        if (self.draining && !drained
        &&  ((s_in_flight (&self) == 0 && qs_mono_ms () >= quiet_until)
             || qs_mono_ms () >= drain_until)) {
            drained = true;
            zsock_signal (pipe, 0);     /* qs_broker_drain returns */
        }
    }
    zpoller_destroy (&self.poller);
    /* tell the workers we are going so they reconnect at once */
    for (qs_bworker_t *worker = (qs_bworker_t *) zhash_first (self.workers); worker;
         worker = (qs_bworker_t *) zhash_next (self.workers))
        qs_broker_send_worker (&self, worker, QS_CMD_DISCONNECT, NULL);
    zsock_destroy (&self.router);
wait_term:
    if (self.router) {
        /* bind failed: wait for $TERM from qs_broker_destroy */
        while (true) {
            char *command = zstr_recv (pipe);
            bool term = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (term)
                break;
        }
        zsock_destroy (&self.router);
    }
    qs_broker_secure_close (&self);
    for (qs_breq_t *req = (qs_breq_t *) zhash_first (self.requests); req;
         req = (qs_breq_t *) zhash_first (self.requests))
        qs_broker_request_destroy (&self, &req);
    for (qs_bworker_t *worker = (qs_bworker_t *) zhash_first (self.workers); worker;
         worker = (qs_bworker_t *) zhash_first (self.workers)) {
        zhash_delete (self.workers, worker->id);
        zframe_destroy (&worker->identity);
        free (worker);
    }
    for (qs_bsvc_t *service = (qs_bsvc_t *) zhash_first (self.services); service;
         service = (qs_bsvc_t *) zhash_first (self.services)) {
        zhash_delete (self.services, service->name);
        qs_broker_service_free (service);
    }
    zhash_destroy (&self.requests);
    zhash_destroy (&self.workers);
    zhash_destroy (&self.services);
}

/* ---- public API ---- */

qs_broker_t *
qs_broker_new (const qs_broker_config_t *config)
{
    if (!config || !config->endpoint)
        return NULL;
    qs_broker_t *self = (qs_broker_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->config = *config;
    self->bind = strdup (config->endpoint);
    self->config.endpoint = self->bind;
    if (!self->bind || qs_broker_secure_start (self) != 0)  /* issue 11 */
        goto failed;
    self->actor = zactor_new (s_broker_actor, self);
    if (!self->actor)
        goto failed;
    self->endpoint = zstr_recv (self->actor);
    if (!self->endpoint || !*self->endpoint)
        goto failed;
    return self;
failed:
    qs_broker_destroy (&self);
    return NULL;
}

void
qs_broker_destroy (qs_broker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_broker_t *self = *self_p;
    zactor_destroy (&self->actor);
    qs_broker_secure_stop (self);
    zstr_free (&self->endpoint);
    free (self->bind);
    free (self);
    *self_p = NULL;
}

void
qs_broker_drain (qs_broker_t *self, int grace_ms)
{
    if (!self || !self->actor)
        return;
    char grace [16];
    snprintf (grace, sizeof grace, "%d", grace_ms > 0 ? grace_ms : 0);
    zstr_sendx (self->actor, "DRAIN", grace, NULL);
    zsock_wait (self->actor);
}

const char *
qs_broker_endpoint (qs_broker_t *self)
{
    return self ? self->endpoint : NULL;
}
