/*  qs_mongo - the storage driver's MongoDB side (see qs_mongo.h). */
#include "qs_mongo.h"
#include "qs_log.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  Driver log lines go through our logger (redacted); its debug chatter
    (monitor retries every 500 ms) is dropped. */
static void
s_log_handler (mongoc_log_level_t level, const char *domain, const char *message, void *arg)
{
    (void) arg;
    char clean[1024];
    if (level > MONGOC_LOG_LEVEL_WARNING)
        return;
    qs_redact (clean, sizeof clean, message);
    qs_log (level <= MONGOC_LOG_LEVEL_CRITICAL ? QS_LOG_ERROR : QS_LOG_WARN, NULL,
            "mongoc %s: %s", domain, clean);
}

qs_mongo_t *
qs_mongo_new (const char *url, qs_err_t *err)
{
    bson_error_t error;
    char why[160];
    if (qs_mongo_load (why, sizeof why) != 0) {
        return qs_err_set (err, 503, "store_unavailable", "%s", why), NULL;
    }
    mongoc_init ();     /* idempotent; mongoc_cleanup is left to process exit */
    mongoc_log_set_handler (s_log_handler, NULL);
    qs_mongo_t *self = calloc (1, sizeof *self);
    if (!self)
        return qs_err_set (err, 500, "internal_error", "out of memory"), NULL;
    self->uri = mongoc_uri_new_with_error (url, &error);
    if (!self->uri) {
        /* never echo the URL: it may hold a password */
        qs_err_set (err, 400, "bad_request", "invalid MongoDB URL");
        goto fail;
    }
    if (!mongoc_uri_has_option (self->uri, MONGOC_URI_RETRYWRITES))
        mongoc_uri_set_option_as_bool (self->uri, MONGOC_URI_RETRYWRITES, true);
    if (!mongoc_uri_has_option (self->uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS))
        mongoc_uri_set_option_as_int32 (self->uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 5000);
    const char *db = mongoc_uri_get_database (self->uri);
    if (qs_strlcpy (self->db, db && *db ? db : "quickspin", sizeof self->db) >= sizeof self->db
        || strpbrk (self->db, "/\\. \"$")) {
        qs_err_set (err, 400, "bad_request", "invalid MongoDB database name");
        goto fail;
    }
    self->pool = mongoc_client_pool_new (self->uri);
    if (!self->pool) {
        qs_err_set (err, 400, "bad_request", "cannot create a MongoDB client pool from the URL");
        goto fail;
    }
    mongoc_client_pool_set_error_api (self->pool, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_pool_set_appname (self->pool, "quickspin");
    return self;
fail:
    qs_mongo_destroy (&self);
    return NULL;
}

void
qs_mongo_destroy (qs_mongo_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_mongo_t *self = *self_p;
    if (self->pool)
        mongoc_client_pool_destroy (self->pool);
    if (self->uri)
        mongoc_uri_destroy (self->uri);
    free (self);
    *self_p = NULL;
}

int
qs_mongo_ping (qs_mongo_t *self, qs_err_t *err)
{
    mongoc_client_t *client = mongoc_client_pool_pop (self->pool);
    bson_t *cmd = BCON_NEW ("ping", BCON_INT32 (1));
    bson_error_t error;
    bool ok = mongoc_client_command_simple (client, "admin", cmd, NULL, NULL, &error);
    bson_destroy (cmd);
    mongoc_client_pool_push (self->pool, client);
    return ok ? 0 : qs_err_set (err, 503, "store_unavailable", "the database is unreachable");
}

int
qs_mongo_indexes (qs_mongo_t *self, const char *name, bson_t *indexes, qs_err_t *err)
{
    mongoc_client_t *client = mongoc_client_pool_pop (self->pool);
    mongoc_database_t *db = mongoc_client_get_database (client, self->db);
    bson_t cmd = BSON_INITIALIZER;
    bson_error_t error;
    BSON_APPEND_UTF8 (&cmd, "createIndexes", name);
    BSON_APPEND_ARRAY (&cmd, "indexes", indexes);
    bool ok = mongoc_database_write_command_with_opts (db, &cmd, NULL, NULL, &error);
    bson_destroy (&cmd);
    bson_destroy (indexes);
    mongoc_database_destroy (db);
    mongoc_client_pool_push (self->pool, client);
    return ok ? 0 : qs_mongo_fail (&error, err);
}

int
qs_mongo_fail (const bson_error_t *error, qs_err_t *err)
{
    if (error->domain == MONGOC_ERROR_SERVER_SELECTION || error->domain == MONGOC_ERROR_STREAM)
        return qs_err_set (err, 503, "store_unavailable", "the database is unreachable");
    if (error->code == 11000)
        return qs_err_set (err, 409, "conflict", "duplicate key");
    return qs_err_set (err, 500, "internal_error", "database error: %s", error->message);
}

void
qs_mongo_open (qs_mongo_t *self, const char *name, qs_mongo_conn_t *c)
{
    c->self = self;
    c->client = mongoc_client_pool_pop (self->pool);
    c->coll = mongoc_client_get_collection (c->client, self->db, name);
}

void
qs_mongo_close (qs_mongo_conn_t *c)
{
    if (c->coll)
        mongoc_collection_destroy (c->coll);
    if (c->client)
        mongoc_client_pool_push (c->self->pool, c->client);
    c->coll = NULL;
    c->client = NULL;
}

const char *
qs_mongo_str (const bson_t *doc, const char *key)
{
    bson_iter_t it;
    if (bson_iter_init_find (&it, doc, key) && BSON_ITER_HOLDS_UTF8 (&it))
        return bson_iter_utf8 (&it, NULL);
    return NULL;
}

const char *
qs_mongo_str0 (const bson_t *doc, const char *key)
{
    const char *s = qs_mongo_str (doc, key);
    return s ? s : "";
}

int64_t
qs_mongo_i64 (const bson_t *doc, const char *key)
{
    bson_iter_t it;
    if (!bson_iter_init_find (&it, doc, key))
        return 0;
    if (BSON_ITER_HOLDS_DATE_TIME (&it))
        return bson_iter_date_time (&it);
    if (BSON_ITER_HOLDS_NUMBER (&it))
        return bson_iter_as_int64 (&it);
    return 0;
}

static int64_t
s_reply_count (const bson_t *reply, const char *key)
{
    return qs_mongo_i64 (reply, key);
}

/*  Keyset position: 16 hex digits of ms then the id's bytes in hex. Compares
    the same as (ms, id) byte-wise, and as plain [0-9a-f] text it sorts the
    same under binary and locale-aware string ordering (the test server sorts
    strings with localeCompare). */
const char *
qs_mongo_sort_key (int64_t ms, const char *id, char out[QS_MONGO_KEY_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    snprintf (out, QS_MONGO_KEY_SIZE, "%016llx", (unsigned long long) ms);
    size_t o = 16;
    for (const unsigned char *p = (const unsigned char *) id; *p && o + 2 < QS_MONGO_KEY_SIZE;
         p++) {
        out[o++] = hex[*p >> 4];
        out[o++] = hex[*p & 15];
    }
    out[o] = '\0';
    return out;
}

/*  Run a find on collection name and map each document with fn. */
json_object *
qs_mongo_find (qs_mongo_t *self, const char *name, const bson_t *filter, const bson_t *opts,
               qs_mongo_row_fn *fn, qs_err_t *err)
{
    qs_mongo_conn_t c;
    qs_mongo_open (self, name, &c);
    mongoc_cursor_t *cursor = mongoc_collection_find_with_opts (c.coll, filter, opts, NULL);
    json_object *out = json_object_new_array ();
    const bson_t *doc;
    bson_error_t error;
    while (mongoc_cursor_next (cursor, &doc))
        json_object_array_add (out, fn (doc));
    if (mongoc_cursor_error (cursor, &error)) {
        json_object_put (out);
        out = NULL;
        qs_mongo_fail (&error, err);
    }
    mongoc_cursor_destroy (cursor);
    qs_mongo_close (&c);
    return out;
}

/*  The first document matching filter, or 404 "<what> not found". */
json_object *
qs_mongo_find_one (qs_mongo_t *self, const char *name, const bson_t *filter, qs_mongo_row_fn *fn,
                   const char *what, qs_err_t *err)
{
    bson_t *opts = BCON_NEW ("limit", BCON_INT64 (1));
    json_object *rows = qs_mongo_find (self, name, filter, opts, fn, err);
    bson_destroy (opts);
    if (!rows)
        return NULL;
    json_object *one = NULL;
    if (json_object_array_length (rows) > 0)
        one = json_object_get (json_object_array_get_idx (rows, 0));
    else
        qs_err_set (err, 404, "not_found", "%s not found", what);
    json_object_put (rows);
    return one;
}

int
qs_mongo_insert (qs_mongo_t *self, const char *name, const bson_t *doc, qs_err_t *err)
{
    qs_mongo_conn_t c;
    bson_error_t error;
    qs_mongo_open (self, name, &c);
    bool ok = mongoc_collection_insert_one (c.coll, doc, NULL, NULL, &error);
    qs_mongo_close (&c);
    return ok ? 0 : qs_mongo_fail (&error, err);
}

/*  delete_many (many) or delete_one; returns deletedCount or -1. */
long
qs_mongo_delete (qs_mongo_t *self, const char *name, const bson_t *filter, bool many, qs_err_t *err)
{
    qs_mongo_conn_t c;
    bson_error_t error;
    bson_t reply;
    qs_mongo_open (self, name, &c);
    bool ok = many ? mongoc_collection_delete_many (c.coll, filter, NULL, &reply, &error)
                   : mongoc_collection_delete_one (c.coll, filter, NULL, &reply, &error);
    long n
        = ok ? (long) s_reply_count (&reply, "deletedCount") : qs_mongo_fail (&error, err);
    bson_destroy (&reply);
    qs_mongo_close (&c);
    return n;
}

/*  update_one; returns matchedCount or -1. */
long
qs_mongo_update (qs_mongo_t *self, const char *name, const bson_t *filter, const bson_t *update,
                 const bson_t *opts, qs_err_t *err)
{
    qs_mongo_conn_t c;
    bson_error_t error;
    bson_t reply;
    qs_mongo_open (self, name, &c);
    bool ok = mongoc_collection_update_one (c.coll, filter, update, opts, &reply, &error);
    long n = ok ? (long) (s_reply_count (&reply, "matchedCount")
                          + s_reply_count (&reply, "upsertedCount"))
                : qs_mongo_fail (&error, err);
    bson_destroy (&reply);
    qs_mongo_close (&c);
    return n;
}

/*  findAndModify returning the new document mapped by fn; NULL with *found
    false when nothing matched. */
json_object *
qs_mongo_modify (qs_mongo_t *self, const char *name, const bson_t *query, const bson_t *update,
                 qs_mongo_row_fn *fn, bool *found, qs_err_t *err)
{
    qs_mongo_conn_t c;
    bson_error_t error;
    bson_t reply;
    json_object *out = NULL;
    *found = false;
    qs_mongo_open (self, name, &c);
    mongoc_find_and_modify_opts_t *opts = mongoc_find_and_modify_opts_new ();
    mongoc_find_and_modify_opts_set_update (opts, update);
    mongoc_find_and_modify_opts_set_flags (opts, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
    bool ok = mongoc_collection_find_and_modify_with_opts (c.coll, query, opts, &reply, &error);
    if (!ok)
        qs_mongo_fail (&error, err);
    else {
        bson_iter_t it;
        if (bson_iter_init_find (&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT (&it)) {
            const uint8_t *data;
            uint32_t len;
            bson_t value;
            bson_iter_document (&it, &len, &data);
            if (bson_init_static (&value, data, len)) {
                out = fn (&value);
                *found = true;
            }
        }
    }
    bson_destroy (&reply);
    mongoc_find_and_modify_opts_destroy (opts);
    qs_mongo_close (&c);
    return out;
}
