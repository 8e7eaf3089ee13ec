/*  qs_store_mongo_work - the MongoDB backend's checkpoints, actions and
    diagnoses (conversations and messages: qs_store_mongo.c). */
#include "qs_store_mongo.h"
#include "qs_json.h"
#include <stdio.h>
#include <string.h>

/* ---- row mappers --------------------------------------------------------- */

static json_object *
s_ckpt_row (const bson_t *d)
{
    return qs_store_rec_checkpoint (qs_mongo_str0 (d, "id"), qs_mongo_str0 (d, "conversation_id"),
                                    qs_mongo_i64 (d, "step"), qs_mongo_str0 (d, "status"),
                                    qs_mongo_str (d, "state"), qs_mongo_i64 (d, "created_at"),
                                    qs_mongo_i64 (d, "updated_at"));
}

static json_object *
s_act_row (const bson_t *d)
{
    return qs_store_rec_action (qs_mongo_str0 (d, "id"), qs_mongo_str0 (d, "type"),
                                qs_mongo_str0 (d, "status"), qs_mongo_str0 (d, "summary"),
                                qs_mongo_str (d, "config"), qs_mongo_str (d, "estimate"),
                                qs_mongo_str (d, "result"), qs_mongo_str0 (d, "conversation_id"),
                                qs_mongo_str0 (d, "run_id"), qs_mongo_str (d, "idempotency_key"),
                                qs_mongo_i64 (d, "created_at"), qs_mongo_i64 (d, "updated_at"));
}

static json_object *
s_diag_row (const bson_t *d)
{
    char joined[2048] = ",";
    bson_iter_t it, child;
    if (bson_iter_init_find (&it, d, "findings") && BSON_ITER_HOLDS_ARRAY (&it)
        && bson_iter_recurse (&it, &child)) {
        while (bson_iter_next (&child)) {
            if (!BSON_ITER_HOLDS_UTF8 (&child))
                continue;
            size_t used = strlen (joined);
            snprintf (joined + used, sizeof joined - used, "%s,", bson_iter_utf8 (&child, NULL));
        }
    }
    return qs_store_rec_diagnosis (
        qs_mongo_str0 (d, "id"), qs_mongo_str (d, "service_id"), qs_mongo_str0 (d, "service_type"),
        joined, qs_mongo_str (d, "fix"), qs_mongo_str (d, "outcome"), qs_mongo_i64 (d, "at"));
}

/* ---- checkpoints --------------------------------------------------------- */

int
qs_mongo_ckpt_put (void *impl, const char *org, const char *user, const char *run_id,
                   const char *conv_id, int64_t step, const char *status, const char *state,
                   int64_t now, qs_err_t *err)
{
    qs_mongo_t *self = impl;
    /* only a step >= the stored one replaces it; no match means new or stale */
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (run_id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user),
                               "step", "{", "$lte", BCON_INT64 (step), "}");
    bson_t *update = BCON_NEW ("$set", "{", "conversation_id", BCON_UTF8 (conv_id),
                               "step", BCON_INT64 (step), "status", BCON_UTF8 (status),
                               "state", BCON_UTF8 (state), "updated_at", BCON_DATE_TIME (now), "}");
    long n = qs_mongo_update (self, "checkpoints", filter, update, NULL, err);
    bson_destroy (filter);
    bson_destroy (update);
    if (n != 0)
        return n < 0 ? -1 : 0;
    bson_t *exists = BCON_NEW ("id", BCON_UTF8 (run_id));
    json_object *old = qs_mongo_find_one (self, "checkpoints", exists, s_ckpt_row, "run", err);
    bson_destroy (exists);
    if (old) {
        json_object_put (old);      /* a newer step is stored: ignore this one */
        return 0;
    }
    if (err && err->status != 404)
        return -1;
    qs_err_clear (err);
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (run_id), "organization_id", BCON_UTF8 (org),
                            "user_id", BCON_UTF8 (user), "conversation_id", BCON_UTF8 (conv_id),
                            "step", BCON_INT64 (step), "status", BCON_UTF8 (status),
                            "state", BCON_UTF8 (state), "created_at", BCON_DATE_TIME (now),
                            "updated_at", BCON_DATE_TIME (now));
    int rc = qs_mongo_insert (self, "checkpoints", doc, err);
    bson_destroy (doc);
    if (rc != 0 && err && err->status == 409) {
        qs_err_clear (err);          /* a concurrent writer created it first */
        rc = 0;
    }
    return rc;
}

json_object *
qs_mongo_ckpt_get (void *impl, const char *org, const char *user, const char *run_id, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (run_id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    json_object *out = qs_mongo_find_one (impl, "checkpoints", filter, s_ckpt_row, "run", err);
    bson_destroy (filter);
    return out;
}

json_object *
qs_mongo_ckpt_waiting (void *impl, const char *org, const char *user, const char *conv_id,
                       qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org), "user_id", BCON_UTF8 (user),
                               "status", BCON_UTF8 ("waiting_confirmation"));
    if (conv_id)
        BSON_APPEND_UTF8 (filter, "conversation_id", conv_id);
    bson_t *opts = BCON_NEW ("sort", "{", "updated_at", BCON_INT32 (-1), "}");
    json_object *out = qs_mongo_find (impl, "checkpoints", filter, opts, s_ckpt_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}

int
qs_mongo_ckpt_delete (void *impl, const char *org, const char *user, const char *run_id,
                      qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (run_id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    long n = qs_mongo_delete (impl, "checkpoints", filter, false, err);
    bson_destroy (filter);
    if (n == 0)
        return qs_err_set (err, 404, "not_found", "run not found");
    return n < 0 ? -1 : 0;
}

long
qs_mongo_ckpt_prune (void *impl, int64_t cutoff_ms, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("status", "{", "$in", "[", BCON_UTF8 ("finished"),
                               BCON_UTF8 ("failed"), BCON_UTF8 ("cancelled"), "]", "}",
                               "updated_at", "{", "$lt", BCON_DATE_TIME (cutoff_ms), "}");
    long n = qs_mongo_delete (impl, "checkpoints", filter, true, err);
    bson_destroy (filter);
    return n;
}

/* ---- actions ------------------------------------------------------------- */

static json_object *
s_act_by_idem (qs_mongo_t *self, const char *org, const char *user, const char *key,
               qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org), "user_id", BCON_UTF8 (user),
                               "idempotency_key", BCON_UTF8 (key));
    json_object *out = qs_mongo_find_one (self, "actions", filter, s_act_row, "action", err);
    bson_destroy (filter);
    return out;
}

json_object *
qs_mongo_act_create (void *impl, const char *org, const char *user, const qs_store_action_in_t *in,
                     qs_err_t *err)
{
    qs_mongo_t *self = impl;
    if (in->idempotency_key) {
        json_object *old = s_act_by_idem (self, org, user, in->idempotency_key, err);
        if (old || (err && err->status != 404))
            return old;
        qs_err_clear (err);
    }
    /* the unique index on id settles races; this check also covers servers
       that do not enforce unique indexes (the test server) */
    bson_t *by_id = BCON_NEW ("id", BCON_UTF8 (in->id));
    json_object *taken = qs_mongo_find_one (self, "actions", by_id, s_act_row, "action", err);
    bson_destroy (by_id);
    if (taken || (err && err->status != 404)) {
        if (taken)
            qs_err_set (err, 409, "conflict", "an action with this id already exists");
        json_object_put (taken);
        return NULL;
    }
    qs_err_clear (err);
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (in->id), "organization_id", BCON_UTF8 (org),
                            "user_id", BCON_UTF8 (user),
                            "conversation_id", BCON_UTF8 (in->conversation_id),
                            "run_id", BCON_UTF8 (in->run_id), "type", BCON_UTF8 (in->type),
                            "status", BCON_UTF8 ("pending_confirmation"),
                            "summary", BCON_UTF8 (in->summary),
                            "created_at", BCON_DATE_TIME (in->now),
                            "updated_at", BCON_DATE_TIME (in->now));
    if (in->config)
        BSON_APPEND_UTF8 (doc, "config", in->config);
    if (in->estimate)
        BSON_APPEND_UTF8 (doc, "estimate", in->estimate);
    if (in->idempotency_key)
        BSON_APPEND_UTF8 (doc, "idempotency_key", in->idempotency_key);
    int rc = qs_mongo_insert (self, "actions", doc, err);
    bson_destroy (doc);
    if (rc != 0) {
        /* lost a race on the idempotency key: answer with the winner */
        if (err && err->status == 409 && in->idempotency_key) {
            qs_err_clear (err);
            return s_act_by_idem (self, org, user, in->idempotency_key, err);
        }
        return NULL;
    }
    json_object *out = qs_store_rec_action (in->id, in->type, "pending_confirmation", in->summary,
                                            in->config, in->estimate, NULL, in->conversation_id,
                                            in->run_id, in->idempotency_key, in->now, in->now);
    qs_mongo_audit_action (self, org, user, out);
    return out;
}

json_object *
qs_mongo_act_get (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("id", BCON_UTF8 (id), "organization_id", BCON_UTF8 (org),
                               "user_id", BCON_UTF8 (user));
    json_object *out = qs_mongo_find_one (impl, "actions", filter, s_act_row, "action", err);
    bson_destroy (filter);
    return out;
}

json_object *
qs_mongo_act_transition (void *impl, const char *org, const char *user, const char *id,
                         const char *to, const char *result, int64_t now, qs_err_t *err)
{
    qs_mongo_t *self = impl;
    bool found = false;
    /* findAndModify on one document is atomic: exactly one caller wins */
    bson_t *query = BCON_NEW ("id", BCON_UTF8 (id), "organization_id", BCON_UTF8 (org),
                              "user_id", BCON_UTF8 (user),
                              "status", BCON_UTF8 ("pending_confirmation"));
    bson_t *update = BCON_NEW ("$set", "{", "status", BCON_UTF8 (to),
                               "updated_at", BCON_DATE_TIME (now),
                               "result", BCON_UTF8 (result ? result : "{}"), "}");
    qs_err_clear (err);
    json_object *out = qs_mongo_modify (self, "actions", query, update, s_act_row, &found, err);
    bson_destroy (query);
    bson_destroy (update);
    if (found)
        qs_mongo_audit_action (self, org, user, out);
    if (found || (err && err->status != 0))
        return out;
    json_object *now_obj = qs_mongo_act_get (self, org, user, id, err);
    if (now_obj) {
        qs_err_set (err, 409, "conflict", "the action is already %s",
                    qs_json_str (now_obj, "status", "final"));
        json_object_put (now_obj);
    }
    return NULL;
}

json_object *
qs_mongo_act_pending (void *impl, const char *org, const char *user, const char *conv_id,
                      qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("conversation_id", BCON_UTF8 (conv_id),
                               "status", BCON_UTF8 ("pending_confirmation"),
                               "organization_id", BCON_UTF8 (org), "user_id", BCON_UTF8 (user));
    bson_t *opts = BCON_NEW ("sort", "{", "created_at", BCON_INT32 (1), "id", BCON_INT32 (1), "}");
    json_object *out = qs_mongo_find (impl, "actions", filter, opts, s_act_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}

/* ---- diagnoses ----------------------------------------------------------- */

json_object *
qs_mongo_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in, qs_err_t *err)
{
    bson_t *doc = BCON_NEW ("id", BCON_UTF8 (in->id), "organization_id", BCON_UTF8 (org),
                            "service_id", BCON_UTF8 (in->service_id),
                            "service_type", BCON_UTF8 (in->service_type),
                            "fix", BCON_UTF8 (in->fix), "outcome", BCON_UTF8 (in->outcome),
                            "at", BCON_DATE_TIME (in->at));
    bson_t codes;
    char key[16];
    BSON_APPEND_ARRAY_BEGIN (doc, "findings", &codes);
    for (int i = 0; i < in->ncodes; i++) {
        snprintf (key, sizeof key, "%d", i);
        BSON_APPEND_UTF8 (&codes, key, in->codes[i]);
    }
    bson_append_array_end (doc, &codes);
    int rc = qs_mongo_insert (impl, "diagnoses", doc, err);
    bson_destroy (doc);
    if (rc != 0)
        return NULL;
    return qs_store_rec_diagnosis (in->id, in->service_id, in->service_type, in->codes_joined,
                                   in->fix, in->outcome, in->at);
}

json_object *
qs_mongo_diag_find (void *impl, const char *org, const char *code, int limit, qs_err_t *err)
{
    bson_t *filter = BCON_NEW ("organization_id", BCON_UTF8 (org), "findings", BCON_UTF8 (code));
    bson_t *opts = BCON_NEW ("sort", "{", "at", BCON_INT32 (-1), "id", BCON_INT32 (-1), "}",
                             "limit", BCON_INT64 (limit));
    json_object *out = qs_mongo_find (impl, "diagnoses", filter, opts, s_diag_row, err);
    bson_destroy (filter);
    bson_destroy (opts);
    return out;
}
