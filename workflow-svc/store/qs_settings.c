/*  qs_settings - see qs_settings.h. Both backends here: one small record per
    organisation (SQLite table org_settings, MongoDB collection settings). */
#include "qs_settings.h"
#include "qs_db.h"
#include "qs_db_json.h"
#include "qs_json.h"
#include "qs_util.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_URL_MAX 2048
#define S_COLL "settings"

struct _qs_settings_t {
    qs_lite_t *lite;            /* exactly one is set, lent */
    qs_mongo_t *mongo;
};

static const char *const s_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE org_settings ("
    "  organization_id TEXT PRIMARY KEY, webhook_url TEXT, last_delivery TEXT,"
    "  updated_at INTEGER NOT NULL);",
};

qs_settings_t *
qs_settings_new (qs_store_t *store, qs_err_t *err)
{
    static const qs_lite_schema_t schema = {
        .component = "settings", .migrations = s_migrations,
        .count = (int) (sizeof s_migrations / sizeof s_migrations[0]),
    };
    qs_settings_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    self->lite = qs_db_lite (qs_store_db (store));
    self->mongo = qs_db_mongo (qs_store_db (store));
    int rc = self->lite ? qs_lite_migrate (self->lite, &schema, err)
                        : qs_mongo_indexes (self->mongo, S_COLL, BCON_NEW (
                              "0", "{", "name", "org_unique", "unique", BCON_BOOL (true),
                              "key", "{", "organization_id", BCON_INT32 (1), "}", "}"), err);
    if (rc != 0)
        qs_settings_destroy (&self);
    return self;
}

void
qs_settings_destroy (qs_settings_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

static int
s_check_org (const char *org_id, qs_err_t *err)
{
    if (!org_id || !*org_id)
        return qs_err_set (err, 400, "bad_request", "an organisation is required");
    return qs_db_check_text ("org_id", org_id, strlen (org_id), 128, err);
}

static json_object *
s_record (const char *url, const char *last)
{
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "webhook_url", url ? json_object_new_string (url) : NULL);
    json_object_object_add (o, "last_delivery", qs_db_json_from_text (last));
    return o;
}

static json_object *
s_lite_row (sqlite3_stmt *s)
{
    return s_record (qs_lite_col_or_null (s, 0), qs_lite_col_or_null (s, 1));
}

static json_object *
s_mongo_row (const bson_t *d)
{
    return s_record (qs_mongo_str (d, "webhook_url"), qs_mongo_str (d, "last_delivery"));
}

json_object *
qs_settings_notify_get (qs_settings_t *self, const char *org_id, qs_err_t *err)
{
    assert (self);
    if (s_check_org (org_id, err))
        return NULL;
    json_object *out;
    if (self->lite) {
        QS_LITE_LOCK (self->lite);
        out = qs_lite_one (self->lite, qs_lite_stmt (self->lite, err,
            "SELECT webhook_url, last_delivery FROM org_settings WHERE organization_id = ?",
            "t", org_id), s_lite_row, "settings", err);
        QS_LITE_UNLOCK (self->lite);
    }
    else {
        bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org_id));
        out = qs_mongo_find_one (self->mongo, S_COLL, query, s_mongo_row, "settings", err);
        bson_destroy (query);
    }
    if (!out && err->status == 404) {
        qs_err_clear (err);
        out = s_record (NULL, NULL);
    }
    return out;
}

/*  Upsert one field of the organisation's record (text NULL = SQL/BSON null). */
static int
s_put (qs_settings_t *self, const char *org_id, const char *field, const char *text,
       bool clear_last, qs_err_t *err)
{
    int64_t now = qs_now_ms ();
    if (self->lite) {
        char sql[400];
        snprintf (sql, sizeof sql,
                  "INSERT INTO org_settings (organization_id, %s, updated_at) VALUES (?, ?, ?)"
                  " ON CONFLICT (organization_id) DO UPDATE SET %s = excluded.%s,%s"
                  " updated_at = excluded.updated_at", field, field, field,
                  clear_last ? " last_delivery = NULL," : "");
        QS_LITE_LOCK (self->lite);
        int rc = qs_lite_run (self->lite, qs_lite_stmt (self->lite, err, sql, "tti", org_id, text, now), err);
        QS_LITE_UNLOCK (self->lite);
        return rc;
    }
    bson_t *query = BCON_NEW ("organization_id", BCON_UTF8 (org_id));
    bson_t *update = bson_new (), set;
    BSON_APPEND_DOCUMENT_BEGIN (update, "$set", &set);
    if (text)
        BSON_APPEND_UTF8 (&set, field, text);
    else
        BSON_APPEND_NULL (&set, field);
    if (clear_last)
        BSON_APPEND_NULL (&set, "last_delivery");
    BSON_APPEND_DATE_TIME (&set, "updated_at", now);
    bson_append_document_end (update, &set);
    bson_t *opts = BCON_NEW ("upsert", BCON_BOOL (true));
    long n = qs_mongo_update (self->mongo, S_COLL, query, update, opts, err);
    bson_destroy (query);
    bson_destroy (update);
    bson_destroy (opts);
    return n < 0 ? -1 : 0;
}

int
qs_settings_notify_set_url (qs_settings_t *self, const char *org_id, const char *url,
                            qs_err_t *err)
{
    assert (self);
    if (s_check_org (org_id, err)
        || (url && qs_db_check_text ("webhook_url", url, strlen (url), S_URL_MAX, err)))
        return -1;
    return s_put (self, org_id, "webhook_url", url, true, err);
}

int
qs_settings_notify_set_result (qs_settings_t *self, const char *org_id, json_object *result,
                               qs_err_t *err)
{
    assert (self);
    char *text = NULL;
    if (s_check_org (org_id, err)
        || qs_db_member_json (result, NULL, true, 4096, &text, err) != 0)
        return -1;
    int rc = s_put (self, org_id, "last_delivery", text, false, err);
    free (text);
    return rc;
}

void
qs_settings_mask_url (const char *url, char *out, size_t size)
{
    size_t o = 0;
    bool in_query = false, in_value = false;
    for (const char *p = url ? url : ""; *p && o + 4 < size; p++) {
        if (*p == '#')
            break;              /* a fragment never reaches the server: not shown */
        if (*p == '?' && !in_query)
            in_query = true;
        else if (in_query && *p == '=') {
            out[o++] = '=';
            memcpy (out + o, "***", 3);
            o += 3;
            in_value = true;
            continue;
        }
        else if (in_query && *p == '&')
            in_value = false;
        if (!in_value)
            out[o++] = *p;
    }
    if (size)
        out[o < size ? o : size - 1] = '\0';
}
