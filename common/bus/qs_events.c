/*  qs_events - see qs_events.h */
#include "qs_events.h"
#include <stdio.h>
#include <string.h>
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"
#include "qs_worker_private.h"

bool
qs_events_topic_valid (const char *topic)
{
    size_t len = topic ? strlen (topic) : 0;
    if (len == 0 || len > QS_EVENTS_TOPIC_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = topic [i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
            return false;
    }
    return true;
}

bool
qs_events_org_valid (const char *org_id)
{
    size_t len = org_id ? strlen (org_id) : 0;
    if (len == 0 || len > QS_EVENTS_ORG_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char) org_id [i] <= ' ' || org_id [i] == 0x7f)
            return false;
    return true;
}

json_object *
qs_events_body (const char *topic, const char *org_id, const char *request_id, json_object **data_p)
{
    json_object *body = data_p && *data_p && json_object_is_type (*data_p, json_type_object)
                      ? *data_p : json_object_new_object ();
    if (data_p && *data_p && *data_p != body)
        json_object_put (*data_p);
    if (data_p)
        *data_p = NULL;
    json_object_object_del (body, "token");
    char now [40];
    qs_json_add_str (body, "topic", topic);
    qs_json_add_str (body, "org_id", org_id);
    qs_json_add_str (body, "time", qs_time_rfc3339 (qs_now_ms (), now, sizeof now));
    if (request_id && *request_id)
        qs_json_add_str (body, "request_id", request_id);
    return body;
}

int
qs_events_send (qs_client_t *client, const char *topic, const char *org_id,
                const char *request_id, json_object **data_p)
{
    if (!client || !qs_events_topic_valid (topic) || !qs_events_org_valid (org_id)) {
        if (data_p) {
            json_object_put (*data_p);
            *data_p = NULL;
        }
        return -1;
    }
    json_object *body = qs_events_body (topic, org_id, request_id, data_p);
    int rc = qs_client_publish (client, topic, org_id, qs_json_text (body));
    json_object_put (body);
    return rc;
}

int
qs_events_publish (qs_req_t *req, const char *topic, json_object **data_p)
{
    qs_client_t *client = req && req->client_p ? *req->client_p : NULL;
    if (req && !req->local && req->client_p && !client) {
        /* the handler thread's client for nested calls, made on first use */
        client = qs_client_new (req->endpoint);
        *req->client_p = client;
    }
    if (!req || req->local || !client) {
        if (data_p) {
            json_object_put (*data_p);
            *data_p = NULL;
        }
        return -1;
    }
    int rc = qs_events_send (client, topic, req->env.auth.org_id, req->env.request_id, data_p);
    if (rc != 0)
        qs_debug (req->env.request_id, "events: %s not published", topic);
    return rc;
}
