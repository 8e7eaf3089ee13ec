/*  qs_incidents_mongo - the incidents repository on MongoDB: collection
    "incidents", a unique index on (organization_id, open_key) so a
    fingerprint has one firing incident; a firing alert is one upsert on
    it. Text fields are plain values, never operators. */
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

/*  Resolve the firing incident of the fingerprint: its open_key becomes
    "resolved:<id>" so the fingerprint may open a new one. 404 when none. */
static json_object *
s_resolve (qs_mongo_t *self, const char *org, const qs_incident_rec_t *r, qs_err_t *err)
{
    char key[QS_ID_LEN + 16] = "resolved:";
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "open_key", BCON_UTF8 (r->in->fingerprint));
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

/*  One findAndModify with upsert: counts into the firing incident of the
    fingerprint, or creates it (then its id is r->id). One command, so two
    workers receiving the same alert at once never open two incidents (the
    unique index on open_key backs it; a duplicate key from a concurrent
    upsert is tried again). */
json_object *
qs_incidents_mongo_record (qs_mongo_t *self, const char *org, const qs_incident_rec_t *r,
                           bool *opened, qs_err_t *err)
{
    const qs_incident_in_t *in = r->in;
    if (!in->firing)
        return s_resolve (self, org, r, err);
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org), "open_key", BCON_UTF8 (in->fingerprint));
    bson_t *update = bson_new (), set, once;
    BSON_APPEND_DOCUMENT_BEGIN (update, "$set", &set);
    BSON_APPEND_UTF8 (&set, "alertname", in->alertname);
    BSON_APPEND_UTF8 (&set, "severity", in->severity);
    BSON_APPEND_UTF8 (&set, "summary", in->summary);
    BSON_APPEND_DATE_TIME (&set, "updated_at", r->now);
    s_append_service (&set, in);
    bson_append_document_end (update, &set);
    BCON_APPEND (update, "$inc", "{", "alerts_received", BCON_INT64 (1), "}");
    BSON_APPEND_DOCUMENT_BEGIN (update, "$setOnInsert", &once);
    BSON_APPEND_UTF8 (&once, "id", r->id);
    BSON_APPEND_UTF8 (&once, "fingerprint", in->fingerprint);
    BSON_APPEND_UTF8 (&once, "status", "firing");
    BSON_APPEND_DATE_TIME (&once, "opened_at", r->at);
    BSON_APPEND_INT64 (&once, "resolved_at", 0);
    BSON_APPEND_INT64 (&once, "diag_until", 0);
    bson_append_document_end (update, &once);
    json_object *out = NULL;
    for (int attempt = 0; attempt < 3 && !out; attempt++) {
        qs_mongo_conn_t c;
        bson_error_t error;
        bson_t reply;
        qs_err_clear (err);
        qs_mongo_open (self, S_COLL, &c);
        mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new ();
        mongoc_find_and_modify_opts_set_update (opts, update);
        mongoc_find_and_modify_opts_set_flags (opts, MONGOC_FIND_AND_MODIFY_RETURN_NEW | MONGOC_FIND_AND_MODIFY_UPSERT);
        if (!mongoc_collection_find_and_modify_with_opts (c.coll, query, opts, &reply, &error))
            qs_mongo_fail (&error, err);
        else {
            bson_iter_t it;
            const uint8_t *data;
            uint32_t len;
            bson_t value;
            if (bson_iter_init_find (&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT (&it)) {
                bson_iter_document (&it, &len, &data);
                if (bson_init_static (&value, data, len))
                    out = s_row (&value);
            }
        }
        bson_destroy (&reply);
        mongoc_find_and_modify_opts_destroy (opts);
        qs_mongo_close (&c);
        if (!out && err->status != 409)
            break;
    }
    bson_destroy (query);
    bson_destroy (update);
    *opened = out && !strcmp (qs_json_str (out, "id", ""), r->id);
    if (!out && !err->status)
        qs_err_set (err, 503, "store_unavailable", "the incident could not be written; retry");
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
