/*  qs_broker_peer - the broker's answers to what clients and workers say
    (see proto/bus.md). Runs in the broker thread only. */
#include "qs_broker_private.h"
#include <czmq.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_envelope.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"

/* ---- sending ---- */

/*  Send msg to the peer with this routing id; always consumes msg. The
    ROUTER is in mandatory mode with a zero send timeout, so a peer whose
    connection is gone (a killed worker) fails here at once with
    EHOSTUNREACH instead of the message vanishing: -1. */
int
qs_broker_route (qs_bstate_t *self, zframe_t *identity, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p;
    *msg_p = NULL;
    int rc = zmq_send (zsock_resolve (self->router), zframe_data (identity), zframe_size (identity),
                       ZMQ_SNDMORE | ZMQ_DONTWAIT);
    if (rc >= 0)
        rc = zmsg_send (&msg, self->router);
    zmsg_destroy (&msg);
    return rc < 0 ? -1 : 0;
}

void
qs_broker_send_client (qs_bstate_t *self, zframe_t *client, qs_bus_cmd_t cmd, zmsg_t **body_p)
{
    zmsg_t *msg = body_p && *body_p ? *body_p : zmsg_new ();
    if (body_p)
        *body_p = NULL;
    qs_bus_header_push (msg, QS_BUS_CLIENT, cmd);
    qs_broker_route (self, client, &msg);          /* a gone client: nothing to do */
}

int
qs_broker_send_worker (qs_bstate_t *self, qs_bworker_t *worker, qs_bus_cmd_t cmd, zmsg_t **body_p)
{
    zmsg_t *msg = body_p && *body_p ? *body_p : zmsg_new ();
    if (body_p)
        *body_p = NULL;
    qs_bus_header_push (msg, QS_BUS_WORKER, cmd);
    return qs_broker_route (self, worker->identity, &msg);
}

/*  DISCONNECT to a peer that is not (or no longer) a known worker. */
static void
s_disconnect (qs_bstate_t *self, zframe_t *identity, const char *proto, const char *reason)
{
    zmsg_t *out = zmsg_new ();
    if (reason)
        zmsg_addstr (out, reason);
    qs_bus_header_push (out, proto, QS_CMD_DISCONNECT);
    qs_broker_route (self, identity, &out);
}

static void
s_count_error (qs_bstate_t *self, const char *service, const char *code)
{
    if (!self->metrics)
        return;
    char labels [160];
    snprintf (labels, sizeof labels, "service=\"%s\",code=\"%s\"", service, code);
    qs_metrics_inc (self->metrics, "qs_broker_errors_total", labels, 1);
}

/*  A final error reply from the broker itself. */
void
qs_broker_reply_error (qs_bstate_t *self, zframe_t *client, const char *call_id, const char *service,
               int status, const char *code, const char *message)
{
    json_object *body = qs_bus_error_body (code, message);
    zmsg_t *msg = zmsg_new ();
    qs_bus_final_append (msg, call_id, status, qs_json_text (body));
    json_object_put (body);
    qs_broker_send_client (self, client, QS_CMD_FINAL, &msg);
    s_count_error (self, service, code);
}

void
qs_broker_gauges (qs_bstate_t *self, qs_bsvc_t *service)
{
    if (!self->metrics)
        return;
    char labels [96];
    snprintf (labels, sizeof labels, "service=\"%s\"", service->name);
    qs_metrics_set (self->metrics, "qs_broker_queue_depth", labels, (double) zlist_size (service->queue));
    qs_metrics_set (self->metrics, "qs_broker_workers", labels, (double) service->workers);
}

/* ---- requests ---- */

void
qs_broker_request_destroy (qs_bstate_t *self, qs_breq_t **req_p)
{
    qs_breq_t *req = *req_p;
    if (!req)
        return;
    zhash_delete (self->requests, req->key);
    if (!req->worker)
        zlist_remove (req->service->queue, req);
    else
        req->worker->request = NULL;
    zframe_destroy (&req->client);
    zmsg_destroy (&req->envelope);
    free (req);
    *req_p = NULL;
}

static int
s_worker_send_request (qs_bstate_t *self, qs_bworker_t *worker, qs_breq_t *req)
{
    zmsg_t *msg = zmsg_dup (req->envelope);
    zmsg_prepend (msg, &(zframe_t *) {zframe_dup (req->client)});
    if (qs_broker_send_worker (self, worker, QS_CMD_REQUEST, &msg) != 0)
        return -1;
    req->worker = worker;
    worker->request = req;
    return 0;
}

/*  Hand queued requests to idle workers, least recently used first. */
static void
s_dispatch (qs_bstate_t *self, qs_bsvc_t *service)
{
    int64_t now = qs_now_ms ();
    while (zlist_size (service->queue) && zlist_size (service->idle)) {
        qs_breq_t *req = (qs_breq_t *) zlist_pop (service->queue);
        if (req->deadline_ms <= now) {
            /* expired while queued: never run it */
            if (!req->answered)
                qs_broker_reply_error (self, req->client, req->call_id, service->name, 504,
                               "deadline_exceeded", "the request deadline passed in the queue");
            qs_broker_request_destroy (self, &req);
            continue;
        }
        qs_bworker_t *worker = (qs_bworker_t *) zlist_pop (service->idle);
        if (s_worker_send_request (self, worker, req) != 0) {
            /*  the worker's connection is gone (killed): the request was
                never delivered, so it goes back first in line */
            zlist_push (service->queue, req);
            qs_warn (NULL, "broker: worker %s of service=%s is unreachable: dropped",
                     worker->id, service->name);
            qs_broker_worker_delete (self, worker, false, false);
        }
    }
    qs_broker_gauges (self, service);
}

/* ---- workers ---- */

/*  Remove a worker. requeue: its in-flight request never started (the
    worker said DISCONNECT before answering), so queue it again; otherwise
    the caller gets 503 service_unavailable (504 past the deadline), never a
    retry, because the work may have had effects. */
void
qs_broker_worker_delete (qs_bstate_t *self, qs_bworker_t *worker, bool requeue, bool send_disconnect)
{
    if (send_disconnect)
        qs_broker_send_worker (self, worker, QS_CMD_DISCONNECT, NULL);
    qs_bsvc_t *service = worker->service;
    qs_breq_t *req = worker->request;
    if (req) {
        req->worker = NULL;
        worker->request = NULL;
        if (requeue && !req->streamed && !req->answered && req->deadline_ms > qs_now_ms ())
            zlist_push (service->queue, req);
        else {
            if (!req->answered && req->deadline_ms <= qs_now_ms ())
                qs_broker_reply_error (self, req->client, req->call_id, service->name, 504,
                                       "deadline_exceeded", "the request deadline passed");
            else
            if (!req->answered)
                qs_broker_reply_error (self, req->client, req->call_id, service->name, 503,
                               "service_unavailable", "the worker handling the request went away");
            qs_broker_request_destroy (self, &req);
        }
    }
    zlist_remove (service->idle, worker);
    service->workers--;
    if (service->workers == 0)
        service->empty_since = qs_mono_ms ();
    zhash_delete (self->workers, worker->id);
    zframe_destroy (&worker->identity);
    free (worker);
    qs_broker_gauges (self, service);
    s_dispatch (self, service);
}

static qs_bsvc_t *
s_service_require (qs_bstate_t *self, const char *name)
{
    qs_bsvc_t *service = (qs_bsvc_t *) zhash_lookup (self->services, name);
    if (service)
        return service;
    service = (qs_bsvc_t *) calloc (1, sizeof *service);
    if (!service)
        return NULL;
    qs_strlcpy (service->name, name, sizeof service->name);
    service->queue = zlist_new ();
    service->idle = zlist_new ();
    service->empty_since = qs_mono_ms ();
    zhash_insert (self->services, name, service);
    return service;
}

void
qs_broker_service_free (void *data)
{
    qs_bsvc_t *service = (qs_bsvc_t *) data;
    zlist_destroy (&service->queue);
    zlist_destroy (&service->idle);
    free (service);
}

static void
s_worker_message (qs_bstate_t *self, zframe_t *identity, int cmd, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p;
    char *hex = zframe_strhex (identity);
    qs_bworker_t *worker = (qs_bworker_t *) zhash_lookup (self->workers, hex);
    char service_name [QS_BUS_NAME_MAX + 1];
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    if (worker)
        worker->expiry = qs_mono_ms () + (int64_t) self->heartbeat_ms * self->liveness;

    if (cmd == QS_CMD_READY) {
        if (worker || zmsg_size (msg) != 1
        ||  qs_bus_pop_str (msg, service_name, sizeof service_name) || !qs_bus_name_valid (service_name))
            goto protocol_error;
        qs_bsvc_t *service = s_service_require (self, service_name);
        worker = (qs_bworker_t *) calloc (1, sizeof *worker);
        if (!service || !worker) {
            free (worker);
            goto cleanup;
        }
        qs_strlcpy (worker->id, hex, sizeof worker->id);
        worker->identity = zframe_dup (identity);
        worker->service = service;
        worker->expiry = qs_mono_ms () + (int64_t) self->heartbeat_ms * self->liveness;
        zhash_insert (self->workers, worker->id, worker);
        service->workers++;
        service->empty_since = 0;
        zlist_append (service->idle, worker);
        qs_debug (NULL, "broker: worker %s ready for service=%s", worker->id, service_name);
        s_dispatch (self, service);
    }
    else
    if (!worker) {
        /* unknown peer (e.g. we restarted): tell it to register again */
        if (cmd != QS_CMD_DISCONNECT)
            s_disconnect (self, identity, QS_BUS_WORKER, NULL);
    }
    else
    if (cmd == QS_CMD_HEARTBEAT) {
        if (zmsg_size (msg) != 0)
            goto protocol_error;
    }
    else
    if (cmd == QS_CMD_DISCONNECT)
        qs_broker_worker_delete (self, worker, true, false);
    else
    if (cmd == QS_CMD_PARTIAL || cmd == QS_CMD_FINAL) {
        if (zmsg_size (msg) != 4)
            goto protocol_error;
        zframe_t *client = zmsg_pop (msg);
        int rc = qs_bus_pop_str (msg, call_id, sizeof call_id);
        qs_breq_t *req = worker->request;
        bool match = rc == 0 && req && zframe_eq (client, req->client)
                     && streq (call_id, req->call_id);
        zframe_destroy (&client);
        if (!match)
            goto protocol_error;
        if (cmd == QS_CMD_PARTIAL) {
            req->streamed = true;
            if (!req->answered) {
                zmsg_pushstr (msg, call_id);
                qs_broker_send_client (self, req->client, QS_CMD_PARTIAL, msg_p);
            }
        }
        else {
            char status [8];
            zframe_t *status_frame = zmsg_first (msg);
            if (status_frame && zframe_size (status_frame) < sizeof status) {
                memcpy (status, zframe_data (status_frame), zframe_size (status_frame));
                status [zframe_size (status_frame)] = 0;
                int code = atoi (status);
                if (code >= 400 && self->metrics) {
                    char labels [96];
                    snprintf (labels, sizeof labels, "service=\"%s\",code=\"%d\"", worker->service->name, code);
                    qs_metrics_inc (self->metrics, "qs_broker_errors_total", labels, 1);
                }
            }
            if (!req->answered) {
                zmsg_pushstr (msg, call_id);
                qs_broker_send_client (self, req->client, QS_CMD_FINAL, msg_p);
            }
            qs_broker_request_destroy (self, &req);
            zlist_append (worker->service->idle, worker);
            s_dispatch (self, worker->service);
        }
    }
    else
        goto protocol_error;
    goto cleanup;

protocol_error:
    qs_warn (NULL, "broker: malformed or unexpected worker command %d from %s: disconnecting", cmd, hex);
    if (worker)
        qs_broker_worker_delete (self, worker, false, true);
    else
        s_disconnect (self, identity, QS_BUS_WORKER, NULL);
cleanup:
    zstr_free (&hex);
}

/* ---- clients ---- */

static void
s_client_request (qs_bstate_t *self, zframe_t *client, zmsg_t *msg)
{
    qs_envelope_t env;
    qs_err_t err;
    int rc = qs_envelope_peek (&env, msg, &err);
    if (rc != 0) {
        char call_id [QS_BUS_CALL_ID_MAX + 1] = "";
        zframe_t *first = zmsg_first (msg);
        if (first && zframe_size (first) > 0 && zframe_size (first) < sizeof call_id
        &&  !memchr (zframe_data (first), 0, zframe_size (first))) {
            memcpy (call_id, zframe_data (first), zframe_size (first));
            call_id [zframe_size (first)] = 0;
            qs_broker_reply_error (self, client, call_id, "unknown", 400, "bad_request", err.message);
        }
        else
            qs_broker_send_client (self, client, QS_CMD_DISCONNECT, NULL);
        zmsg_destroy (&msg);
        return;
    }
    char *hex = zframe_strhex (client);
    char key [96];
    snprintf (key, sizeof key, "%s/%s", hex, env.call_id);
    zstr_free (&hex);
    if (self->metrics) {
        char labels [96];
        snprintf (labels, sizeof labels, "service=\"%s\"", env.service);
        qs_metrics_inc (self->metrics, "qs_broker_requests_total", labels, 1);
    }
    qs_bsvc_t *service = (qs_bsvc_t *) zhash_lookup (self->services, env.service);
    if (zhash_lookup (self->requests, key))
        qs_broker_reply_error (self, client, env.call_id, env.service, 400, "bad_request", "duplicate call id");
    else
    if (self->draining)
        qs_broker_reply_error (self, client, env.call_id, env.service, 503, "service_unavailable",
                       "the broker is shutting down");
    else
    if (env.deadline_ms <= qs_now_ms ())
        qs_broker_reply_error (self, client, env.call_id, env.service, 504, "deadline_exceeded",
                       "the request deadline had passed on arrival");
    else
    if (!service || (service->workers == 0 && qs_mono_ms () - service->empty_since > self->grace_ms))
        qs_broker_reply_error (self, client, env.call_id, env.service, 503, "service_unavailable",
                       "no worker serves this service");
    else
    if (zlist_size (service->queue) >= self->queue_limit)
        qs_broker_reply_error (self, client, env.call_id, env.service, 503, "overloaded",
                       "the service queue is full");
    else {
        qs_breq_t *req = (qs_breq_t *) calloc (1, sizeof *req);
        if (req) {
            qs_strlcpy (req->key, key, sizeof req->key);
            qs_strlcpy (req->call_id, env.call_id, sizeof req->call_id);
            qs_strlcpy (req->request_id, env.request_id, sizeof req->request_id);
            req->client = zframe_dup (client);
            req->deadline_ms = env.deadline_ms;
            req->envelope = msg;
            msg = NULL;
            req->service = service;
            zhash_insert (self->requests, req->key, req);
            if (req->deadline_ms < self->next_deadline)
                self->next_deadline = req->deadline_ms;
            zlist_append (service->queue, req);
            s_dispatch (self, service);
        }
    }
    zmsg_destroy (&msg);
    qs_envelope_clear (&env);
}

json_object *
qs_broker_status (qs_bstate_t *self)
{
    json_object *root = json_object_new_object ();
    json_object *services = json_object_new_object ();
    for (qs_bsvc_t *service = (qs_bsvc_t *) zhash_first (self->services); service;
         service = (qs_bsvc_t *) zhash_next (self->services)) {
        json_object *entry = json_object_new_object ();
        qs_json_add_int (entry, "workers", (int64_t) service->workers);
        qs_json_add_int (entry, "idle", (int64_t) zlist_size (service->idle));
        qs_json_add_int (entry, "queued", (int64_t) zlist_size (service->queue));
        json_object_object_add (services, service->name, entry);
    }
    json_object_object_add (root, "services", services);
    qs_json_add_int (root, "workers", (int64_t) zhash_size (self->workers));
    qs_json_add_int (root, "in_flight", (int64_t) zhash_size (self->requests));
    return root;
}

static void
s_client_message (qs_bstate_t *self, zframe_t *client, int cmd, zmsg_t *msg)
{
    char call_id [QS_BUS_CALL_ID_MAX + 1];
    char name [QS_BUS_NAME_MAX + 1];
    if (cmd == QS_CMD_REQUEST) {
        s_client_request (self, client, msg);
        return;
    }
    if (cmd == QS_CMD_CANCEL && zmsg_size (msg) == 1
    &&  qs_bus_pop_str (msg, call_id, sizeof call_id) == 0) {
        char *hex = zframe_strhex (client);
        char key [96];
        snprintf (key, sizeof key, "%s/%s", hex, call_id);
        zstr_free (&hex);
        qs_breq_t *req = (qs_breq_t *) zhash_lookup (self->requests, key);
        if (req && !req->worker) {
            qs_bsvc_t *service = req->service;
            qs_broker_request_destroy (self, &req);
            qs_broker_gauges (self, service);
        }
        else
        if (req && !req->answered) {
            zmsg_t *out = zmsg_new ();
            zmsg_append (out, &(zframe_t *) {zframe_dup (req->client)});
            zmsg_addstr (out, req->call_id);
            qs_broker_send_worker (self, req->worker, QS_CMD_CANCEL, &out);
            req->answered = true;
        }
    }
    else
    if (cmd == QS_CMD_DISCOVER && zmsg_size (msg) == 2
    &&  qs_bus_pop_str (msg, call_id, sizeof call_id) == 0
    &&  qs_bus_pop_str (msg, name, sizeof name) == 0) {
        qs_bsvc_t *service = (qs_bsvc_t *) zhash_lookup (self->services, name);
        zmsg_t *out = zmsg_new ();
        zmsg_addstr (out, call_id);
        zmsg_addstrf (out, "%zu", service ? service->workers : (size_t) 0);
        qs_broker_send_client (self, client, QS_CMD_DISCOVER, &out);
    }
    else
    if (cmd == QS_CMD_STATUS && zmsg_size (msg) == 1
    &&  qs_bus_pop_str (msg, call_id, sizeof call_id) == 0) {
        json_object *status = qs_broker_status (self);
        zmsg_t *out = zmsg_new ();
        zmsg_addstr (out, call_id);
        zmsg_addstr (out, qs_json_text (status));
        json_object_put (status);
        qs_broker_send_client (self, client, QS_CMD_STATUS, &out);
    }
    else {
        qs_warn (NULL, "broker: malformed or unexpected client command %d: disconnecting", cmd);
        qs_broker_send_client (self, client, QS_CMD_DISCONNECT, NULL);
    }
    zmsg_destroy (&msg);
}

void
qs_broker_router_message (qs_bstate_t *self, zmsg_t **msg_p)
{
    zmsg_t *msg = *msg_p;
    *msg_p = NULL;
    zframe_t *identity = zmsg_pop (msg);
    if (identity && qs_broker_secure_admit (self, identity, msg) != 0) {  /* issue 11 */
        zframe_destroy (&identity);
        zmsg_destroy (&msg);
        return;
    }
    zframe_t *proto = zmsg_first (msg);
    bool worker = proto && zframe_streq (proto, QS_BUS_WORKER);
    int cmd = identity ? qs_bus_header_pop (msg, worker ? QS_BUS_WORKER : QS_BUS_CLIENT) : -1;
    if (!identity)
        ;
    else
    if (cmd < 0) {
        s_disconnect (self, identity, worker ? QS_BUS_WORKER : QS_BUS_CLIENT,
                      cmd == -2 ? "unsupported_version" : "malformed");
        char *hex = zframe_strhex (identity);
        qs_bworker_t *known = (qs_bworker_t *) zhash_lookup (self->workers, hex);
        zstr_free (&hex);
        if (known)
            qs_broker_worker_delete (self, known, false, false);
        s_count_error (self, "unknown", "malformed");
    }
    else
    if (worker)
        s_worker_message (self, identity, cmd, &msg);
    else {
        s_client_message (self, identity, cmd, msg);
        msg = NULL;
    }
    zframe_destroy (&identity);
    zmsg_destroy (&msg);
}


