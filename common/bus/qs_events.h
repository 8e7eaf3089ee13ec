/*  qs_events - the event stream (proto/client.md, "Events"). A handler
    publishes "something happened in org X" through the broker, which
    re-publishes it on its PUB endpoint (QS_EVENTS_ENDPOINT) as
        frame 0: "<topic> <org_id>"    (subscribers filter by prefix)
        frame 1: JSON {"topic","org_id","time","request_id",...}
    Events carry ids, statuses and codes, never a token or a secret:
    publish strips any "token" key it finds at the top level.

    Worker -> broker wire: [ "QSE", 0x01, 0x01 PUBLISH, topic, org id, JSON ]
    on the worker's ordinary bus connection (a handler thread's client
    socket), so CURVE and the roles apply; only worker and gateway keys may
    publish. */
#ifndef QS_EVENTS_H
#define QS_EVENTS_H

#include <stdbool.h>
#include <json-c/json.h>
#include "qs_client.h"
#include "qs_worker.h"

#define QS_EVENTS_PROTO       "QSE"
#define QS_EVENTS_CMD_PUBLISH 0x01
#define QS_EVENTS_TOPIC_MAX   63
#define QS_EVENTS_ORG_MAX     127

/* Topics are the publishers' (the workflow's: workflow-svc/qs_wf_events.h);
   subscribers ignore topics they do not know. */

/*  Publish an event about req's org (its auth context's org_id) through
    the broker. Takes ownership of *data_p (may be NULL: {}) and nulls it.
    Fire and forget: 0 when handed to the socket, -1 when there is no org,
    no broker, or the request is local (unit tests: nothing is sent). Never
    fails the handler: callers ignore the result. */
int qs_events_publish (qs_req_t *req, const char *topic, json_object **data_p);

/*  The same from any code that owns a client (not a handler). */
int qs_events_send (qs_client_t *client, const char *topic, const char *org_id,
                    const char *request_id, json_object **data_p);

/*  The event body as it goes out (new object, caller puts): data plus
    topic, org_id, time and request_id, minus any "token". Takes *data_p. */
json_object *qs_events_body (const char *topic, const char *org_id, const char *request_id,
                             json_object **data_p);

/*  1..63 of [a-z0-9._]. */
bool qs_events_topic_valid (const char *topic);
/*  1..127 printable characters without spaces. */
bool qs_events_org_valid (const char *org_id);

#endif
