/*  qs_incidents - the front: checks every input, then calls the backend of
    the store's database (qs_incidents_sqlite.c, qs_incidents_mongo.c). */
#include "qs_incidents_impl.h"
#include "qs_db_json.h"
#include "qs_json.h"
#include "qs_util.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct _qs_incidents_t {
    qs_lite_t *lite;            /* exactly one is set, lent from the store's db */
    qs_mongo_t *mongo;
};

qs_incidents_t *
qs_incidents_new (qs_store_t *store, qs_err_t *err)
{
    qs_incidents_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    self->lite = qs_db_lite (qs_store_db (store));
    self->mongo = qs_db_mongo (qs_store_db (store));
    if (self->lite ? qs_incidents_lite_init (self->lite, err) : qs_incidents_mongo_init (self->mongo, err))
        qs_incidents_destroy (&self);
    return self;
}

void
qs_incidents_destroy (qs_incidents_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

json_object *
qs_incident_row (const char *id, const char *fingerprint, const char *alertname,
                 const char *service_id, const char *service_name, const char *status,
                 int64_t opened, int64_t resolved, int64_t received, const char *diagnosis,
                 const char *severity, const char *summary, int64_t updated)
{
    json_object *o = json_object_new_object ();
    qs_json_add_str (o, "id", id);
    qs_json_add_str (o, "fingerprint", fingerprint);
    qs_json_add_str (o, "alertname", alertname);
    json_object_object_add (o, "service_id", service_id && *service_id ? json_object_new_string (service_id) : NULL);
    json_object_object_add (o, "service_name", service_name && *service_name ? json_object_new_string (service_name) : NULL);
    qs_json_add_str (o, "status", status);
    qs_db_add_time (o, "opened_at", opened);
    if (resolved > 0)
        qs_db_add_time (o, "resolved_at", resolved);
    else
        json_object_object_add (o, "resolved_at", NULL);
    qs_json_add_int (o, "alerts_received", received);
    json_object *diag = qs_db_json_from_text (diagnosis);
    json_object_object_add (o, "diagnosis", diag);
    qs_json_add_str (o, "severity", severity ? severity : "");
    qs_json_add_str (o, "summary", summary ? summary : "");
    qs_db_add_time (o, "updated_at", updated);
    return o;
}

static int
s_check_org (const char *org_id, qs_err_t *err)
{
    if (!org_id || !*org_id)
        return qs_err_set (err, 400, "bad_request", "an organisation is required");
    return qs_db_check_text ("org_id", org_id, strlen (org_id), 128, err);
}

/*  Text an alert carries: bounded, valid UTF-8, no NUL. */
static int
s_check_field (const char *what, const char *s, size_t max, bool required, qs_err_t *err)
{
    if (!s || !*s)
        return required ? qs_err_set (err, 400, "bad_request", "\"%s\" is required", what) : 0;
    return qs_db_check_text (what, s, strlen (s), max, err);
}

json_object *
qs_incidents_record (qs_incidents_t *self, const char *org_id, const qs_incident_in_t *in,
                     bool *opened, qs_err_t *err)
{
    assert (self && in && opened);
    *opened = false;
    if (s_check_org (org_id, err) || s_check_field ("fingerprint", in->fingerprint, 64, true, err)
        || s_check_field ("alertname", in->alertname, 128, false, err)
        || s_check_field ("severity", in->severity, 32, false, err)
        || s_check_field ("summary", in->summary, 512, false, err)
        || s_check_field ("service_id", in->service_id, 64, false, err)
        || s_check_field ("service_name", in->service_name, 128, false, err))
        return NULL;
    qs_incident_in_t clean = *in;
    const char *empty = "";
    clean.alertname = in->alertname ? in->alertname : empty;
    clean.severity = in->severity ? in->severity : empty;
    clean.summary = in->summary ? in->summary : empty;
    if (!in->service_id || !*in->service_id)
        clean.service_id = clean.service_name = NULL;
    qs_incident_rec_t r = {.in = &clean, .now = qs_now_ms ()};
    r.at = in->at_ms > 0 ? in->at_ms : r.now;
    if (qs_id_new (r.id) != 0) {
        qs_err_set (err, 500, "internal_error", "no randomness for an id");
        return NULL;
    }
    return self->lite ? qs_incidents_lite_record (self->lite, org_id, &r, opened, err)
                      : qs_incidents_mongo_record (self->mongo, org_id, &r, opened, err);
}

int
qs_incidents_claim (qs_incidents_t *self, const char *org_id, const char *id, int64_t lease_ms,
                    qs_err_t *err)
{
    assert (self);
    if (s_check_org (org_id, err))
        return -1;
    if (!qs_id_valid (id))
        return 0;
    int64_t now = qs_now_ms ();
    return self->lite ? qs_incidents_lite_claim (self->lite, org_id, id, now, now + lease_ms, err)
                      : qs_incidents_mongo_claim (self->mongo, org_id, id, now, now + lease_ms, err);
}

int
qs_incidents_set_diagnosis (qs_incidents_t *self, const char *org_id, const char *id,
                            json_object *diagnosis, qs_err_t *err)
{
    assert (self);
    char *text = NULL;
    if (s_check_org (org_id, err))
        return -1;
    if (!qs_id_valid (id))
        return qs_err_set (err, 404, "not_found", "incident not found");
    if (qs_db_member_json (diagnosis, NULL, true, QS_STORE_META_MAX, &text, err) != 0)
        return -1;
    int rc = self->lite ? qs_incidents_lite_diagnosis (self->lite, org_id, id, text, qs_now_ms (), err)
                        : qs_incidents_mongo_diagnosis (self->mongo, org_id, id, text, qs_now_ms (), err);
    free (text);
    return rc;
}

json_object *
qs_incidents_get (qs_incidents_t *self, const char *org_id, const char *id, qs_err_t *err)
{
    assert (self);
    if (s_check_org (org_id, err))
        return NULL;
    if (!qs_id_valid (id)) {
        qs_err_set (err, 404, "not_found", "incident not found");
        return NULL;
    }
    return self->lite ? qs_incidents_lite_get (self->lite, org_id, id, err)
                      : qs_incidents_mongo_get (self->mongo, org_id, id, err);
}

json_object *
qs_incidents_list (qs_incidents_t *self, const char *org_id, const char *status, int limit,
                   qs_err_t *err)
{
    assert (self);
    if (s_check_org (org_id, err))
        return NULL;
    if (status && !*status)
        status = NULL;
    if (status && strcmp (status, "firing") && strcmp (status, "resolved")) {
        qs_err_set (err, 400, "bad_request", "status must be firing or resolved");
        return NULL;
    }
    if (limit == 0)
        limit = 50;
    if (limit < 1 || limit > QS_INCIDENTS_LIMIT_MAX) {
        qs_err_set (err, 400, "bad_request", "limit must be between 1 and %d", QS_INCIDENTS_LIMIT_MAX);
        return NULL;
    }
    return self->lite ? qs_incidents_lite_list (self->lite, org_id, status, limit, err)
                      : qs_incidents_mongo_list (self->mongo, org_id, status, limit, err);
}
