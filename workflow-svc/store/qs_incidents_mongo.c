/*  qs_incidents_mongo - the incidents repository on MongoDB: collection
    "incidents", a unique index on (organization_id, open_key) so a
    fingerprint has one firing incident; a firing alert updates it, or
    inserts one and, when a concurrent writer inserted first (duplicate
    key), updates that one. Text fields are plain values, never operators. */
#include "qs_incidents_impl.h"
#include "qs_json.h"
#include <string.h>

#define S_COLL "incidents"

int
qs_incidents_mongo_init (qs_mongo_t *self, qs_err_t *err)
{
    return qs_mongo_indexes (self, S_COLL, BCON_NEW (
        "0", "{", "name", "id_unique", "unique", BCON_BOOL (true),
             "key", "{", "id", BCON_INT32 (1), "}", "}",
        "1", "{", "name", "org_open_key", "unique", BCON_BOOL (true),
             "key", "{", "organization_id", BCON_INT32 (1), "open_key", BCON_INT32 (1), "}", "}",
        "2", "{", "name", "org_opened", "key", "{", "organization_id", BCON_INT32 (1),
             "opened_at", BCON_INT32 (-1), "}", "}"), err);
}

static json_object *
s_row (const bson_t *d)
{
    return qs_incident_row (qs_mongo_str0 (d, "id"), qs_mongo_str0 (d, "fingerprint"),
                            qs_mongo_str0 (d, "alertname"), qs_mongo_str (d, "service_id"),
                            qs_mongo_str (d, "service_name"), qs_mongo_str0 (d, "status"),
                            qs_mongo_i64 (d, "opened_at"), qs_mongo_i64 (d, "resolved_at"),
                            qs_mongo_i64 (d, "alerts_received"), qs_mongo_str (d, "diagnosis"),
                            qs_mongo_str0 (d, "severity"), qs_mongo_str0 (d, "summary"),
                            qs_mongo_i64 (d, "updated_at"));
}

static void
s_append_service (bson_t *doc, const qs_incident_in_t *in)
{
    if (in->service_id) {
        BSON_APPEND_UTF8 (doc, "service_id", in->service_id);
        BSON_APPEND_UTF8 (doc, "service_name", in->service_name ? in->service_name : "");
    }
    else {
        BSON_APPEND_NULL (doc, "service_id");
        BSON_APPEND_NULL (doc, "service_name");
    }
}

/*  Count into the firing incident of the fingerprint; NULL (err clear) when none. */
static json_object *
s_count_in (qs_mongo_t *self, const char *org, const qs_incident_rec_t *r, qs_err_t *err)
{
    const qs_incident_in_t *in = r->in;
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "open_key", BCON_UTF8 (in->fingerprint));
    bson_t *update = bson_new (), set;
    BSON_APPEND_DOCUMENT_BEGIN (update, "$set", &set);
    BSON_APPEND_UTF8 (&set, "alertname", in->alertname);
    BSON_APPEND_UTF8 (&set, "severity", in->severity);
    BSON_APPEND_UTF8 (&set, "summary", in->summary);
    BSON_APPEND_DATE_TIME (&set, "updated_at", r->now);
    s_append_service (&set, in);
    bson_append_document_end (update, &set);
    BCON_APPEND (update, "$inc", "{", "alerts_received", BCON_INT64 (1), "}");
    bool found = false;
    json_object *out = qs_mongo_modify (self, S_COLL, query, update, s_row, &found, err);
    bson_destroy (query);
    bson_destroy (update);
    return out;
}

json_object *
qs_incidents_mongo_record (qs_mongo_t *self, const char *org, const qs_incident_rec_t *r,
                           bool *opened, qs_err_t *err)
{
    const qs_incident_in_t *in = r->in;
    if (!in->firing) {
        char key[QS_ID_LEN + 16] = "resolved:";
        bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "open_key", BCON_UTF8 (in->fingerprint));
        json_object *cur = qs_mongo_find_one (self, S_COLL, query, s_row, "firing incident", err);
        if (!cur) {
            bson_destroy (query);
            return NULL;
        }
        strncat (key, qs_json_str (cur, "id", ""), QS_ID_LEN);
        json_object_put (cur);
        bson_t *update = BCON_NEW ("$set", "{", "status", "resolved", "open_key", BCON_UTF8 (key),
                                   "resolved_at", BCON_DATE_TIME (r->at),
                                   "updated_at", BCON_DATE_TIME (r->now), "}");
        bool found = false;
        json_object *out = qs_mongo_modify (self, S_COLL, query, update, s_row, &found, err);
        if (!out && !found && !err->status)
            qs_err_set (err, 404, "not_found", "firing incident not found");
        bson_destroy (query);
        bson_destroy (update);
        return out;
    }
    json_object *out = s_count_in (self, org, r, err);
    if (out || err->status)
        return out;
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (r->id), "organization_id", BCON_UTF8 (org),
                            "fingerprint", BCON_UTF8 (in->fingerprint),
                            "open_key", BCON_UTF8 (in->fingerprint),
                            "alertname", BCON_UTF8 (in->alertname),
                            "severity", BCON_UTF8 (in->severity), "summary", BCON_UTF8 (in->summary),
                            "status", "firing", "opened_at", BCON_DATE_TIME (r->at),
                            "resolved_at", BCON_INT64 (0), "alerts_received", BCON_INT64 (1),
                            "diag_until", BCON_INT64 (0), "updated_at", BCON_DATE_TIME (r->now));
    s_append_service (doc, in);
    int rc = qs_mongo_insert (self, S_COLL, doc, err);
    bson_destroy (doc);
    if (rc == 0) {
        *opened = true;
        bson_t *query = BCON_NEW ("id", BCON_UTF8 (r->id));
        out = qs_mongo_find_one (self, S_COLL, query, s_row, "incident", err);
        bson_destroy (query);
        return out;
    }
    if (err->status != 409)
        return NULL;
    qs_err_clear (err);             /* a concurrent writer opened it first */
    out = s_count_in (self, org, r, err);
    if (!out && !err->status)
        qs_err_set (err, 503, "store_unavailable", "the incident changed meanwhile; retry");
    return out;
}

int
qs_incidents_mongo_claim (qs_mongo_t *self, const char *org, const char *id, int64_t now,
                          int64_t until, qs_err_t *err)
{
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "id", BCON_UTF8 (id),
                              "status", "firing", "diagnosis", BCON_NULL,
                              "diag_until", "{", "$lt", BCON_INT64 (now), "}");
    bson_t *update = BCON_NEW ("$set", "{", "diag_until", BCON_INT64 (until), "}");
    long n = qs_mongo_update (self, S_COLL, query, update, NULL, err);
    bson_destroy (query);
    bson_destroy (update);
    return n < 0 ? -1 : n > 0;
}

int
qs_incidents_mongo_diagnosis (qs_mongo_t *self, const char *org, const char *id,
                              const char *diagnosis, int64_t now, qs_err_t *err)
{
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "id", BCON_UTF8 (id));
    bson_t *update = BCON_NEW ("$set", "{", "diagnosis", BCON_UTF8 (diagnosis),
                               "diag_until", BCON_INT64 (0), "updated_at", BCON_DATE_TIME (now), "}");
    long n = qs_mongo_update (self, S_COLL, query, update, NULL, err);
    bson_destroy (query);
    bson_destroy (update);
    if (n == 0)
        qs_err_set (err, 404, "not_found", "incident not found");
    return n > 0 ? 0 : -1;
}

json_object *
qs_incidents_mongo_get (qs_mongo_t *self, const char *org, const char *id, qs_err_t *err)
{
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "id", BCON_UTF8 (id));
    json_object *out = qs_mongo_find_one (self, S_COLL, query, s_row, "incident", err);
    bson_destroy (query);
    return out;
}

json_object *
qs_incidents_mongo_list (qs_mongo_t *self, const char *org, const char *status, int limit,
                         qs_err_t *err)
{
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org));
    if (status)
        BSON_APPEND_UTF8 (query, "status", status);
    bson_t *opts = BCON_NEW ("sort", "{", "opened_at", BCON_INT32 (-1), "id", BCON_INT32 (-1), "}",
                             "limit", BCON_INT64 (limit));
    json_object *out = qs_mongo_find (self, S_COLL, query, opts, s_row, err);
    bson_destroy (query);
    bson_destroy (opts);
    return out;
}
