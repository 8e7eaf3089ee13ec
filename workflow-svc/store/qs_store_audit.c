/*  qs_store_audit - the audit log's front (qs_store.h, "audit log"): input
    checks, sealing (qs_chain), the append-with-retry loop both backends
    run, and the entries an action's change of state produces. The backends'
    reads and conditional inserts are in qs_store_audit_sqlite.c and
    qs_store_audit_mongo.c. */
#include "qs_store_impl.h"
#include "qs_jcs.h"
#include "qs_json.h"
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

//  Each failed attempt means another writer appended, so the chain moved
//  on; 64 losses in a row only happen under pathological contention.
#define S_ATTEMPTS 64

static const char *s_events[] = {QS_AUDIT_EVENTS, NULL};

json_object *
qs_store_rec_audit (const char *org, int64_t seq, const char *at, const char *actor,
                    const char *action_id, const char *type, const char *event,
                    const char *service_id, const char *summary, const char *details,
                    const char *prev_hash, const char *hash)
{
    json_object *e = json_object_new_object ();
    if (!e)
        return NULL;
    json_object *d = qs_db_json_from_text (details);
    qs_json_add_int (e, "seq", seq);
    qs_json_add_str (e, "at", at);
    qs_json_add_str (e, "org_id", org);
    qs_json_add_str (e, "actor", actor);
    qs_json_add_str (e, "action_id", action_id);
    qs_json_add_str (e, "type", type);
    qs_json_add_str (e, "event", event);
    qs_json_add_str (e, "service_id", service_id);
    qs_json_add_str (e, "summary", summary);
    json_object_object_add (e, "details", d ? d : json_object_new_object ());
    qs_json_add_str (e, "prev_hash", prev_hash);
    if (hash)
        qs_json_add_str (e, "hash", hash);
    return e;
}

/*  True when a key names something that must never be written down. */
static bool
s_secret_key (const char *key)
{
    static const char *words[] = {"password", "passwd", "token", "secret", "api_key", "apikey",
                                  "credential", "private_key", "authorization",
                                  "connection_string", "connection_uri", "dsn", NULL};
    char low[128];
    size_t i = 0;
    for (; key[i] && i + 1 < sizeof low; i++)
        low[i] = (char) tolower ((unsigned char) key[i]);
    low[i] = '\0';
    for (int w = 0; words[w]; w++)
        if (strstr (low, words[w]))
            return true;
    return false;
}

/*  A deep copy of value without members whose key names a secret. */
static json_object *
s_scrub (json_object *value)
{
    if (json_object_is_type (value, json_type_object)) {
        json_object *out = json_object_new_object ();
        json_object_object_foreach (value, key, val)
            if (!s_secret_key (key))
                json_object_object_add (out, key, s_scrub (val));
        return out;
    }
    if (json_object_is_type (value, json_type_array)) {
        json_object *out = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (value); i++)
            json_object_array_add (out, s_scrub (json_object_array_get_idx (value, i)));
        return out;
    }
    return json_object_get (value);
}

json_object *
qs_store_audit_chain (const qs_store_audit_io_t *io, void *impl, const char *org,
                      const qs_store_audit_in_t *in, qs_err_t *err)
{
    qs_err_t e = {0};
    char at[40];
    //  canonical text: what is stored is exactly what was hashed
    json_object *empty = json_object_new_object ();
    char *details = qs_jcs_serialize (in->details ? in->details : empty, &e);
    json_object_put (empty);
    json_object *entry = NULL;
    for (int attempt = 0; details && attempt < S_ATTEMPTS; attempt++) {
        int64_t last = 0;
        char prev[QS_CHAIN_HASH_LEN + 1] = "", hash[QS_CHAIN_HASH_LEN + 1];
        qs_time_rfc3339 (qs_now_ms (), at, sizeof at);
        if (io->last (impl, org, &last, prev, &e) != 0)
            break;
        entry = qs_store_rec_audit (org, last + 1, at, in->actor, in->action_id, in->type,
                                    in->event, in->service_id, in->summary, details, prev, NULL);
        if (!entry || qs_chain_hash (entry, hash, &e) != 0) {
            json_object_put (entry);
            entry = NULL;
            break;
        }
        qs_json_add_str (entry, "hash", hash);
        if (io->insert (impl, org, entry, &e) == 0)
            break;
        json_object_put (entry);
        entry = NULL;
        if (e.status != 409)
            break;
        //  another writer took this seq: let it finish, then read again
        qs_err_clear (&e);
        unsigned r = 0;
        qs_random_bytes (&r, sizeof r);
        struct timespec ts = {0, (long) (r % (unsigned) (200 + 100 * attempt)) * 1000L};
        nanosleep (&ts, NULL);
    }
    free (details);
    if (!entry && e.status == 0)
        qs_err_set (&e, 503, "store_unavailable", "the audit log stayed busy, try again");
    if (!entry && err)
        *err = e;
    return entry;
}

/*  Append one entry about action. details is lent (NULL = {}). */
static int
s_action_event (const qs_store_audit_io_t *io, void *impl, const char *org, const char *actor,
                json_object *action, const char *event, json_object *details, json_object *list,
                qs_err_t *err)
{
    json_object *config = qs_json_get (action, "config", json_type_object);
    json_object *result = qs_json_get (action, "result", json_type_object);
    const char *service_id = qs_json_str (action, "service_id",
                             qs_json_str (config, "service_id", qs_json_str (result, "service_id", "")));
    json_object *clean = details ? s_scrub (details) : NULL;
    qs_store_audit_in_t in = {
        .actor = actor, .action_id = qs_json_str (action, "id", ""),
        .type = qs_json_str (action, "type", ""), .event = event, .service_id = service_id,
        .summary = qs_json_str (action, "summary", ""), .details = clean,
    };
    json_object *entry = qs_store_audit_chain (io, impl, org, &in, err);
    json_object_put (clean);
    if (!entry)
        return -1;
    json_object_array_add (list, entry);
    return 0;
}

int
qs_store_audit_action (const qs_store_audit_io_t *io, void *impl, const char *org,
                       const char *actor, json_object *action, qs_err_t *err)
{
    const char *status = qs_json_str (action, "status", "");
    json_object *result = qs_json_get (action, "result", json_type_object);
    json_object *list = json_object_new_array ();
    json_object *details = json_object_new_object ();
    int rc = -1;
    if (!strcmp (status, "pending_confirmation")) {
        const char *keys[] = {"config", "change", "estimate", NULL};
        for (int i = 0; keys[i]; i++) {
            json_object *v = qs_json_get (action, keys[i], json_type_object);
            if (v)
                json_object_object_add (details, keys[i], json_object_get (v));
        }
        rc = s_action_event (io, impl, org, actor, action, "proposed", details, list, err);
    }
    else if (!strcmp (status, "executed") || !strcmp (status, "failed")) {
        if (result)
            json_object_object_add (details, "result", json_object_get (result));
        rc = s_action_event (io, impl, org, actor, action, "confirmed", NULL, list, err) != 0
          || s_action_event (io, impl, org, actor, action, status, details, list, err) != 0 ? -1 : 0;
    }
    else if (!strcmp (status, "cancelled")) {
        const char *by = qs_json_str (result, "superseded_by", NULL);
        if (by)
            qs_json_add_str (details, "superseded_by", by);
        rc = s_action_event (io, impl, org, actor, action, by ? "superseded" : "cancelled",
                             details, list, err);
    }
    else
        qs_err_set (err, 500, "internal_error", "no audit event for status %s", status);
    json_object_put (details);
    if (rc == 0)
        json_object_object_add (action, "audit", list);
    else
        json_object_put (list);
    return rc;
}

/* ---- the public calls ------------------------------------------------------ */

json_object *
qs_store_audit_append (qs_store_t *self, const char *org_id, json_object *entry, qs_err_t *err)
{
    assert (self);
    qs_store_audit_in_t in = {0};
    json_object *details = NULL, *out = NULL;
    if (!entry || !json_object_is_type (entry, json_type_object))
        return qs_err_set (err, 400, "bad_request", "an audit entry is an object"), NULL;
    if (qs_db_member_text (entry, "actor", true, 256, &in.actor, err) != 0
        || qs_store_check_owner (org_id, in.actor, err) != 0
        || qs_db_member_text (entry, "event", true, 32, &in.event, err) != 0
        || qs_db_member_text (entry, "action_id", false, 128, &in.action_id, err) != 0
        || qs_db_member_text (entry, "type", false, 64, &in.type, err) != 0
        || qs_db_member_text (entry, "service_id", false, 128, &in.service_id, err) != 0
        || qs_db_member_text (entry, "summary", false, 4096, &in.summary, err) != 0)
        return NULL;
    if (!qs_store_in (in.event, s_events))
        return qs_err_set (err, 400, "bad_request", "unknown audit event"), NULL;
    json_object *d = NULL;
    if (json_object_object_get_ex (entry, "details", &d) && d) {
        if (!json_object_is_type (d, json_type_object))
            return qs_err_set (err, 400, "bad_request", "details must be an object"), NULL;
        details = s_scrub (d);
        if (strlen (json_object_to_json_string (details)) > QS_STORE_META_MAX) {
            json_object_put (details);
            return qs_err_set (err, 413, "payload_too_large", "details are too large"), NULL;
        }
    }
    in.action_id = in.action_id ? in.action_id : "";
    in.type = in.type ? in.type : "";
    in.service_id = in.service_id ? in.service_id : "";
    in.summary = in.summary ? in.summary : "";
    in.details = details;
    out = self->ops->audit_append (self->impl, org_id, &in, err);
    json_object_put (details);
    return out;
}

json_object *
qs_store_audit_list (qs_store_t *self, const char *org_id, const char *actor, int limit,
                     const char *cursor, qs_err_t *err)
{
    assert (self);
    int64_t after = 0;
    if (qs_store_check_owner (org_id, actor ? actor : "-", err) != 0)
        return NULL;
    if (limit == 0)
        limit = QS_STORE_LIMIT_DEFAULT;
    if (limit < 1 || limit > QS_STORE_LIMIT_MAX)
        return qs_err_set (err, 400, "bad_request", "limit must be between 1 and %d",
                           QS_STORE_LIMIT_MAX), NULL;
    //  the messages' cursor: a position in a seq order
    if (cursor && *cursor && qs_store_msg_cursor_parse (cursor, &after, err) != 0)
        return NULL;
    json_object *rows = self->ops->audit_list (self->impl, org_id, actor, after, limit + 1, err);
    return rows ? qs_store_seq_page (rows, limit, "entries") : NULL;
}
