/*  libquickspin-client: the event stream subscriber (quickspin-client.h,
    proto/client.md "Events"). */
#include <czmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_curve.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qsc_private.h"

#define QSC_MAX_ORGS 16

/*  The topics published today; an org filter without a topic subscribes
    to each (a SUB filter is a prefix, and the org comes second). */
static const char *s_topics [] = {
    "action.pending", "action.executed", "action.failed", "action.cancelled",
    "service.provisioned", "diagnosis.finished", "recommendations.changed", "audit.appended", NULL
};

struct _qsc_events_t {
    zsock_t *sub;
    char *orgs [QSC_MAX_ORGS];  /* exact org filters; none = every org */
    int norgs;
    bool all_orgs;              /* a subscription without an org was made */
};

qsc_events_t *
qsc_events_new (const char *endpoint, const qsc_config_t *config, qsc_error_t *err)
{
    qsci_error_set (err, QSC_OK, 0, "ok", "");
    if (!endpoint)
        endpoint = qs_env_str ("QS_EVENTS_ENDPOINT", NULL);
    if (!endpoint) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_endpoint", "no event endpoint (QS_EVENTS_ENDPOINT)");
        return NULL;
    }
    qs_curve_client_t keys;
    bool explicit_keys = false;
    if (qsci_keys_from_config (config, &keys, &explicit_keys, err) != 0)
        return NULL;
    qsc_events_t *self = (qsc_events_t *) calloc (1, sizeof *self);
    qs_err_t curve_err;
    if (!self || !(self->sub = zsock_new (ZMQ_SUB))) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "internal", "out of memory");
        goto failed;
    }
    zsock_set_linger (self->sub, 0);
    zsock_set_reconnect_ivl (self->sub, 100);
    zsock_set_reconnect_ivl_max (self->sub, 1000);
    zsock_set_maxmsgsize (self->sub, 1024 * 1024);
    if (qs_curve_apply_client (self->sub, explicit_keys ? &keys : NULL, &curve_err) != 0) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_keys", curve_err.message);
        goto failed;
    }
    if (zsock_connect (self->sub, "%s", endpoint) != 0) {
        qsci_error_set (err, QSC_ERR_CONFIG, 0, "bad_endpoint", "cannot connect to the event endpoint");
        goto failed;
    }
    explicit_bzero (&keys, sizeof keys);
    return self;
failed:
    explicit_bzero (&keys, sizeof keys);
    qsc_events_destroy (&self);
    return NULL;
}

void
qsc_events_destroy (qsc_events_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qsc_events_t *self = *self_p;
    zsock_destroy (&self->sub);
    for (int i = 0; i < self->norgs; i++)
        free (self->orgs [i]);
    free (self);
    *self_p = NULL;
}

int
qsc_events_subscribe (qsc_events_t *self, const char *topic, const char *org_id)
{
    if (!self)
        return -1;
    bool any_topic = !topic || !*topic;
    bool any_org = !org_id || !*org_id;
    if (any_org) {
        self->all_orgs = true;
        zsock_set_subscribe (self->sub, any_topic ? "" : topic);
        return 0;
    }
    if (strchr (org_id, ' ') || self->norgs >= QSC_MAX_ORGS)
        return -1;
    char *copy = strdup (org_id);
    if (!copy)
        return -1;
    self->orgs [self->norgs++] = copy;
    char filter [256];
    for (int i = 0; s_topics [i]; i++) {
        if (!any_topic && strcmp (topic, s_topics [i]) != 0)
            continue;
        snprintf (filter, sizeof filter, "%s %s", s_topics [i], org_id);
        zsock_set_subscribe (self->sub, filter);
    }
    if (!any_topic && !strchr (topic, ' ')) {
        /* a topic this library does not know yet */
        snprintf (filter, sizeof filter, "%s %s", topic, org_id);
        zsock_set_subscribe (self->sub, filter);
    }
    return 0;
}

/*  True when the event's org is one we asked for (a prefix filter would
    also pass "org-acme2" for "org-acme"). */
static bool
s_wanted (qsc_events_t *self, const char *key)
{
    if (self->all_orgs)
        return true;
    const char *space = strchr (key, ' ');
    if (!space)
        return false;
    for (int i = 0; i < self->norgs; i++)
        if (streq (space + 1, self->orgs [i]))
            return true;
    return false;
}

int
qsc_events_next (qsc_events_t *self, int timeout_ms, json_object **event_p)
{
    if (!self || !event_p)
        return -1;
    *event_p = NULL;
    int64_t until = timeout_ms < 0 ? INT64_MAX : qs_mono_ms () + timeout_ms;
    while (true) {
        int64_t wait = until == INT64_MAX ? -1 : until - qs_mono_ms ();
        if (until != INT64_MAX && wait < 0)
            return 0;
        zmq_pollitem_t item = { zsock_resolve (self->sub), 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll (&item, 1, (long) wait);
        if (rc < 0)
            return -1;
        if (rc == 0)
            continue;
        zmsg_t *msg = zmsg_recv (self->sub);
        if (!msg)
            return -1;
        char *key = zmsg_popstr (msg);
        zframe_t *data = zmsg_pop (msg);
        json_object *event = NULL;
        if (key && data && s_wanted (self, key)) {
            const char *why = NULL;
            event = qs_json_parse ((const char *) zframe_data (data), zframe_size (data), &why);
        }
        zstr_free (&key);
        zframe_destroy (&data);
        zmsg_destroy (&msg);
        if (event) {
            *event_p = event;
            return 1;
        }
    }
}
