/*  qs_store_mongo - the MongoDB backend on the driver's pool (qs_mongo.h).

    Every document is built with typed appends (BCON / bson_append_*): a user
    string is only ever a value, never a key or an operator. Metadata, state,
    config and estimate objects are stored as JSON text, so keys such as
    "$where" stay inert data. Record ids are kept in a uniquely indexed "id"
    field; _id is left to the server.

    No multi-document transactions (they need a replica set, and the test
    server has none): writes are ordered so a crash leaves only invisible
    leftovers. A new conversation is inserted after its first message; an
    append bumps message_count (findAndModify, which also yields the seq) and
    then inserts the message, so a crash between the two can leave
    message_count one above the stored messages, never a message without a
    conversation. SQLite keeps both in one transaction. */
#include "qs_store_mongo.h"
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

static const qs_store_ops_t s_ops;

/* ---- row mappers --------------------------------------------------------- */

static json_object *
s_conv_row (const bson_t *d)
{
    return qs_store_rec_conversation (
        qs_mongo_str0 (d, "id"), qs_mongo_str0 (d, "title"), qs_mongo_i64 (d, "created_at"),
        qs_mongo_i64 (d, "updated_at"), qs_mongo_i64 (d, "message_count"));
}

static json_object *
s_msg_row (const bson_t *d)
{
    return qs_store_rec_message (qs_mongo_str0 (d, "id"), qs_mongo_i64 (d, "seq"),
                                 qs_mongo_str0 (d, "role"), qs_mongo_str0 (d, "content"),
                                 qs_mongo_i64 (d, "timestamp"), qs_mongo_str (d, "metadata"));
}

/* ---- indexes -------------------------------------------------------------- */

static int
s_ensure_indexes (qs_mongo_t *self, qs_err_t *err)
{
    int rc = 0;
    /* our ids live in "id" (unique), not in _id: servers that only take
       ObjectId for _id then work too, and _id stays the driver's business */
    static const char *colls[] = {"conversations", "messages", "checkpoints", "actions",
                                  "diagnoses"};
    for (size_t i = 0; i < sizeof colls / sizeof colls[0]; i++)
        rc |= qs_mongo_indexes (self, colls[i], BCON_NEW (
            "0", "{", "name", "id_unique", "unique", BCON_BOOL (true),
                 "key", "{", "id", BCON_INT32 (1), "}", "}"), err);
    rc |= qs_mongo_indexes (self, "conversations", BCON_NEW (
        "0", "{", "name", "owner_created", "key", "{", "organization_id", BCON_INT32 (1),
             "user_id", BCON_INT32 (1), "list_key", BCON_INT32 (-1), "}", "}",
        "1", "{", "name", "owner_updated", "key", "{", "organization_id", BCON_INT32 (1),
             "user_id", BCON_INT32 (1), "updated_at", BCON_INT32 (-1), "}", "}"), err);
    rc |= qs_mongo_indexes (self, "messages", BCON_NEW (
        "0", "{", "name", "conversation_seq", "unique", BCON_BOOL (true), "key", "{",
             "conversation_id", BCON_INT32 (1), "seq", BCON_INT32 (1), "}", "}",
        "1", "{", "name", "conversation_timestamp", "key", "{",
             "conversation_id", BCON_INT32 (1), "timestamp", BCON_INT32 (1), "}", "}"), err);
    rc |= qs_mongo_indexes (self, "checkpoints", BCON_NEW (
        "0", "{", "name", "owner_status", "key", "{", "organization_id", BCON_INT32 (1),
             "user_id", BCON_INT32 (1), "status", BCON_INT32 (1), "updated_at", BCON_INT32 (-1),
             "}", "}",
        "1", "{", "name", "conversation", "key", "{", "conversation_id", BCON_INT32 (1), "}", "}",
        "2", "{", "name", "status_updated", "key", "{", "status", BCON_INT32 (1),
             "updated_at", BCON_INT32 (1), "}", "}"), err);
    rc |= qs_mongo_indexes (self, "actions", BCON_NEW (
        "0", "{", "name", "owner_idempotency", "unique", BCON_BOOL (true),
             "partialFilterExpression", "{", "idempotency_key", "{", "$type", "string", "}", "}",
             "key", "{", "organization_id", BCON_INT32 (1), "user_id", BCON_INT32 (1),
             "idempotency_key", BCON_INT32 (1), "}", "}",
        "1", "{", "name", "conversation_status", "key", "{", "conversation_id", BCON_INT32 (1),
             "status", BCON_INT32 (1), "}", "}"), err);
    rc |= qs_mongo_indexes (self, "diagnoses", BCON_NEW (
        "0", "{", "name", "org_finding_at", "key", "{", "organization_id", BCON_INT32 (1),
             "findings", BCON_INT32 (1), "at", BCON_INT32 (-1), "}", "}"), err);
    return rc ? -1 : 0;
}

int
qs_store_mongo_init (qs_mongo_t *mongo, const qs_store_ops_t **ops, qs_err_t *err)
{
    *ops = &s_ops;
    return s_ensure_indexes (mongo, err) != 0 || qs_mongo_audit_indexes (mongo, err) != 0 ? -1 : 0;
}

/* ---- conversations and messages ----------------------------------------- */

static int
s_insert_message (qs_mongo_t *self, const char *org, const char *user, const char *conv_id,
                  int64_t seq, const qs_store_msg_in_t *m, qs_err_t *err)
{
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (m->id), "conversation_id", BCON_UTF8 (conv_id),
                            "organization_id", BCON_UTF8 (org), "user_id", BCON_UTF8 (user),
                            "seq", BCON_INT64 (seq), "role", BCON_UTF8 (m->role),
                            "content", BCON_UTF8 (m->content),
                            "timestamp", BCON_DATE_TIME (m->ts),
                            "metadata", BCON_UTF8 (m->metadata));
    int rc = qs_mongo_insert (self, "messages", doc, err);
    bson_destroy (doc);
    return rc;
}

static json_object *
s_conv_create (void *impl, const char *org, const char *user, const char *id,
               const char *title, int64_t now, const qs_store_msg_in_t *first, qs_err_t *err)
{
    qs_mongo_t *self = impl;
    int64_t updated = first ? first->ts : now;
    if (first && s_insert_message (self, org, user, id, 1, first, err) != 0)
        return NULL;
    char key[QS_MONGO_KEY_SIZE];
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (id), "organization_id", BCON_UTF8 (org),
                            "user_id", BCON_UTF8 (user), "title", BCON_UTF8 (title),
                            "list_key", BCON_UTF8 (qs_mongo_sort_key (now, id, key)),
                            "created_at", BCON_DATE_TIME (now),
                            "updated_at", BCON_DATE_TIME (updated),
                            "message_count", BCON_INT64 (first ? 1 : 0));
    int rc = qs_mongo_insert (self, "conversations", doc, err);
    bson_destroy (doc);
    if (rc != 0)
        return NULL;
    return qs_store_rec_conversation (id, title, now, updated, first ? 1 : 0);
}

static json_object *
s_conv_get (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    json_object *out
        = qs_mongo_find_one (impl, "conversations", filter, s_conv_row, "conversation", err);
    bson_destroy (filter);
    return out;
}

static json_object *
s_conv_list (void *impl, const char *org, const char *user, int limit, int64_t before_ms,
             const char *before_id, qs_err_t *err)
{
    char key[QS_MONGO_KEY_SIZE];
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org), "user_id", BCON_UTF8 (user));
    if (before_ms != INT64_MAX) {
        bson_t *more = BCON_NEW ("list_key", "{", "$lt",
                                 BCON_UTF8 (qs_mongo_sort_key (before_ms, before_id, key)), "}");
        bson_concat (filter, more);
        bson_destroy (more);
    }
    bson_t *opts = BCON_NEW ("sort", "{", "list_key", BCON_INT32 (-1), "}",
                             "limit", BCON_INT64 (limit));
    json_object *out = qs_mongo_find (impl, "conversations", filter, opts, s_conv_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}

static int
s_conv_delete (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    qs_mongo_t *self = impl;
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    long n = qs_mongo_delete (self, "conversations", filter, false, err);
    bson_destroy (filter);
    if (n < 0)
        return -1;
    if (n == 0)
        return qs_err_set (err, 404, "not_found", "conversation not found");
    /* the conversation is gone for the user; children follow */
    bson_t *by_conv = BCON_NEW ("conversation_id", BCON_UTF8 (id));
    bson_t *pending = BCON_NEW ("conversation_id", BCON_UTF8 (id),
                                "status", BCON_UTF8 ("pending_confirmation"));
    int rc = (qs_mongo_delete (self, "messages", by_conv, true, err) < 0
              || qs_mongo_delete (self, "checkpoints", by_conv, true, err) < 0
              || qs_mongo_delete (self, "actions", pending, true, err) < 0) ? -1 : 0;
    bson_destroy (by_conv);
    bson_destroy (pending);
    return rc;
}

/* ---- dialogue state: fields of the conversation document ------------------ */

static json_object *
s_dlg_row (const bson_t *d)
{
    return qs_store_rec_dialogue (qs_mongo_str (d, "dialogue_state"),
                                  qs_mongo_i64 (d, "dialogue_version"));
}

static json_object *
s_dlg_get (void *impl, const char *org, const char *user, const char *conv_id, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (conv_id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    json_object *out
        = qs_mongo_find_one (impl, "conversations", filter, s_dlg_row, "conversation", err);
    bson_destroy (filter);
    return out;
}

/*  A conditional update on the version: of two replicas writing from the same
    version exactly one matches. Conversations written before the field
    existed have no dialogue_version, which counts as 0. */
static int
s_dlg_put (void *impl, const char *org, const char *user, const char *conv_id,
           const char *state, int64_t expected, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (conv_id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    bson_t *version = expected == 0
        ? BCON_NEW ("$or", "[", "{", "dialogue_version", BCON_INT64 (0), "}",
                    "{", "dialogue_version", "{", "$exists", BCON_BOOL (false), "}", "}", "]")
        : BCON_NEW ("dialogue_version", BCON_INT64 (expected));
    bson_concat (filter, version);
    bson_t *update = BCON_NEW ("$set", "{", "dialogue_state", BCON_UTF8 (state),
                               "dialogue_version", BCON_INT64 (expected + 1), "}");
    long n = qs_mongo_update (impl, "conversations", filter, update, NULL, err);
    bson_destroy (filter);
    bson_destroy (version);
    bson_destroy (update);
    if (n != 0)
        return n < 0 ? -1 : 0;
    json_object *conv = s_conv_get (impl, org, user, conv_id, err);
    if (!conv)
        return -1;
    json_object_put (conv);
    return qs_err_set (err, 409, "conflict", "the dialogue state changed meanwhile");
}

static json_object *
s_msg_append (void *impl, const char *org, const char *user, const char *conv_id,
              const qs_store_msg_in_t *m, qs_err_t *err)
{
    qs_mongo_t *self = impl;
    bool found = false;
    bson_t *query = BCON_NEW ("id", BCON_UTF8 (conv_id), "organization_id", BCON_UTF8 (org),
                              "user_id", BCON_UTF8 (user));
    bson_t *update = BCON_NEW ("$inc", "{", "message_count", BCON_INT64 (1), "}",
                               "$max", "{", "updated_at", BCON_DATE_TIME (m->ts), "}");
    qs_err_clear (err);
    json_object *conv
        = qs_mongo_modify (self, "conversations", query, update, s_conv_row, &found, err);
    bson_destroy (query);
    bson_destroy (update);
    if (!found) {
        if (!err || err->status == 0)
            qs_err_set (err, 404, "not_found", "conversation not found");
        return NULL;
    }
    int64_t seq = qs_json_int (conv, "message_count", 0);
    json_object_put (conv);
    if (s_insert_message (self, org, user, conv_id, seq, m, err) != 0)
        return NULL;
    return qs_store_rec_message (m->id, seq, m->role, m->content, m->ts, m->metadata);
}

static json_object *
s_msg_list (void *impl, const char *org, const char *user, const char *conv_id,
            int64_t after_seq, int limit, bool newest, qs_err_t *err)
{
    json_object *conv = s_conv_get (impl, org, user, conv_id, err);
    if (!conv)
        return NULL;
    json_object_put (conv);
    bson_t *filter = newest ? BCON_NEW ("conversation_id", BCON_UTF8 (conv_id))
                            : BCON_NEW ("conversation_id", BCON_UTF8 (conv_id),
                                        "seq", "{", "$gt", BCON_INT64 (after_seq), "}");
    bson_t *opts = BCON_NEW ("sort", "{", "seq", BCON_INT32 (newest ? -1 : 1), "}",
                             "limit", BCON_INT64 (limit));
    json_object *rows = qs_mongo_find (impl, "messages", filter, opts, s_msg_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    if (rows && newest) {
        /* fetched newest first; callers get them oldest first */
        size_t n = json_object_array_length (rows);
        json_object *ordered = json_object_new_array ();
        for (size_t i = n; i > 0; i--)
            json_object_array_add (ordered,
                                   json_object_get (json_object_array_get_idx (rows, i - 1)));
        json_object_put (rows);
        rows = ordered;
    }
    return rows;
}

static const qs_store_ops_t s_ops = {
    .conv_create = s_conv_create,
    .conv_get = s_conv_get,
    .conv_list = s_conv_list,
    .conv_delete = s_conv_delete,
    .dlg_get = s_dlg_get,
    .dlg_put = s_dlg_put,
    .msg_append = s_msg_append,
    .msg_list = s_msg_list,
    .ckpt_put = qs_mongo_ckpt_put,
    .ckpt_get = qs_mongo_ckpt_get,
    .ckpt_waiting = qs_mongo_ckpt_waiting,
    .ckpt_delete = qs_mongo_ckpt_delete,
    .ckpt_prune = qs_mongo_ckpt_prune,
    .act_create = qs_mongo_act_create,
    .act_get = qs_mongo_act_get,
    .act_transition = qs_mongo_act_transition,
    .act_pending = qs_mongo_act_pending,
    .diag_put = qs_mongo_diag_put,
    .diag_find = qs_mongo_diag_find,
    .audit_append = qs_mongo_audit_append,
    .audit_list = qs_mongo_audit_list,
};
