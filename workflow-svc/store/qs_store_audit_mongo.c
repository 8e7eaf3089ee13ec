/*  qs_store_audit_mongo - the audit log on MongoDB: collection "audit",
    one document per entry, a unique index on (organization_id, seq).

    An entry is inserted by a conditional insert: update_one on
    {organization_id, seq} with only $setOnInsert and upsert. When that seq
    exists the filter matches and nothing is written (409, the writer
    re-reads the head and retries); when two upserts race for a new seq the
    unique index lets one in and the other fails with a duplicate key (also
    409), or the server retries it as a match. The test server (CongoDB)
    does not enforce unique indexes but runs each command to the end before
    the next, so the same upsert keeps one entry per seq there too.

    No multi-document transactions: the action repository writes the
    action first, then its entries; a crash in between loses those entries
    (SQLite commits both together). */
#include "qs_store_mongo.h"
#include "qs_jcs.h"
#include "qs_json.h"
#include "qs_log.h"
#include <stdlib.h>

static json_object *
s_row (const bson_t *d)
{
    return qs_store_rec_audit (
        qs_mongo_str0 (d, "organization_id"), qs_mongo_i64 (d, "seq"), qs_mongo_str0 (d, "at"),
        qs_mongo_str0 (d, "actor"), qs_mongo_str0 (d, "action_id"), qs_mongo_str0 (d, "type"),
        qs_mongo_str0 (d, "event"), qs_mongo_str0 (d, "service_id"), qs_mongo_str0 (d, "summary"),
        qs_mongo_str (d, "details"), qs_mongo_str0 (d, "prev_hash"), qs_mongo_str0 (d, "hash"));
}

int
qs_mongo_audit_indexes (qs_mongo_t *self, qs_err_t *err)
{
    return qs_mongo_indexes (self, "audit", BCON_NEW (
        "0", "{", "name", "org_seq_unique", "unique", BCON_BOOL (true), "key", "{",
             "organization_id", BCON_INT32 (1), "seq", BCON_INT32 (1), "}", "}",
        "1", "{", "name", "org_actor_seq", "key", "{", "organization_id", BCON_INT32 (1),
             "actor", BCON_INT32 (1), "seq", BCON_INT32 (1), "}", "}"), err);
}

static int
s_last (void *impl, const char *org, int64_t *seq, char hash[QS_CHAIN_HASH_LEN + 1],
        qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org));
    bson_t *opts = BCON_NEW ("sort", "{", "seq", BCON_INT32 (-1), "}", "limit", BCON_INT64 (1));
    json_object *rows = qs_mongo_find (impl, "audit", filter, opts, s_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    if (!rows)
        return -1;
    json_object *last = json_object_array_get_idx (rows, 0);
    *seq = last ? qs_json_int (last, "seq", 0) : 0;
    qs_strlcpy (hash, last ? qs_json_str (last, "hash", "") : "", QS_CHAIN_HASH_LEN + 1);
    json_object_put (rows);
    return 0;
}

static int
s_insert (void *impl, const char *org, json_object *e, qs_err_t *err)
{
    char *details = qs_jcs_serialize (qs_json_get (e, "details", json_type_object), err);
    if (!details)
        return -1;
    int64_t seq = qs_json_int (e, "seq", 0);
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org), "seq", BCON_INT64 (seq));
    bson_t *update = BCON_NEW ("$setOnInsert", "{",
        "at", BCON_UTF8 (qs_json_str (e, "at", "")), "actor", BCON_UTF8 (qs_json_str (e, "actor", "")),
        "action_id", BCON_UTF8 (qs_json_str (e, "action_id", "")),
        "type", BCON_UTF8 (qs_json_str (e, "type", "")),
        "event", BCON_UTF8 (qs_json_str (e, "event", "")),
        "service_id", BCON_UTF8 (qs_json_str (e, "service_id", "")),
        "summary", BCON_UTF8 (qs_json_str (e, "summary", "")), "details", BCON_UTF8 (details),
        "prev_hash", BCON_UTF8 (qs_json_str (e, "prev_hash", "")),
        "hash", BCON_UTF8 (qs_json_str (e, "hash", "")), "}");
    bson_t *opts = BCON_NEW ("upsert", BCON_BOOL (true));
    qs_mongo_conn_t c;
    bson_error_t error;
    bson_t reply;
    bson_iter_t it;
    qs_mongo_open (impl, "audit", &c);
    int rc = 0;
    if (!mongoc_collection_update_one (c.coll, filter, update, opts, &reply, &error))
        rc = qs_mongo_fail (&error, err);          /* a duplicate key is 409 */
    else if (!bson_iter_init_find (&it, &reply, "upsertedCount") || bson_iter_as_int64 (&it) != 1)
        rc = qs_err_set (err, 409, "conflict", "audit entry %lld of this org exists", (long long) seq);
    bson_destroy (&reply);
    qs_mongo_close (&c);
    bson_destroy (filter);
    bson_destroy (update);
    bson_destroy (opts);
    free (details);
    return rc;
}

const qs_store_audit_io_t qs_mongo_audit_io = {s_last, s_insert};

json_object *
qs_mongo_audit_append (void *impl, const char *org, const qs_store_audit_in_t *in, qs_err_t *err)
{
    return qs_store_audit_chain (&qs_mongo_audit_io, impl, org, in, err);
}

json_object *
qs_mongo_audit_list (void *impl, const char *org, const char *actor, int64_t after_seq, int limit,
                     qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org),
                               "seq", "{", "$gt", BCON_INT64 (after_seq), "}");
    if (actor)
        BSON_APPEND_UTF8 (filter, "actor", actor);
    bson_t *opts = BCON_NEW ("sort", "{", "seq", BCON_INT32 (1), "}", "limit", BCON_INT64 (limit));
    json_object *out = qs_mongo_find (impl, "audit", filter, opts, s_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}

void
qs_mongo_audit_action (qs_mongo_t *self, const char *org, const char *actor, json_object *action)
{
    qs_err_t err = {0};
    if (action && qs_store_audit_action (&qs_mongo_audit_io, self, org, actor, action, &err) != 0)
        qs_error (NULL, "store: audit entry of action %s not appended: %s",
                  qs_json_str (action, "id", "?"), err.message);
}
