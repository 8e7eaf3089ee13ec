/*  qs_lite - the storage driver's SQLite side (see qs_lite.h). */
#include "qs_lite.h"
#include "qs_log.h"
#include "qs_util.h"
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

qs_lite_t *
qs_lite_new (const char *url, qs_err_t *err)
{
    if (strncmp (url, "sqlite://", 9) != 0)
        return qs_err_set (err, 400, "bad_request", "not a sqlite:// URL"), NULL;
    const char *path = url + strlen ("sqlite://");
    if (!*path || strchr (path, '?'))
        return qs_err_set (err, 400, "bad_request", "sqlite URL needs a file path"), NULL;
    /* create the parent directory (e.g. the data dir) if it is missing */
    char dir[4096];
    if (qs_strlcpy (dir, path, sizeof dir) >= sizeof dir)
        return qs_err_set (err, 400, "bad_request", "sqlite path is too long"), NULL;
    char *parent = dirname (dir);
    if (mkdir (parent, 0700) != 0 && errno != EEXIST)
        return qs_err_set (err, 503, "store_unavailable", "cannot create %s", parent), NULL;

    qs_lite_t *self = calloc (1, sizeof *self);
    if (!self)
        return qs_err_set (err, 500, "internal_error", "out of memory"), NULL;
    pthread_mutex_init (&self->lock, NULL);
    int rc = sqlite3_open_v2 (path, &self->db,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                              NULL);
    if (rc != SQLITE_OK) {
        qs_err_set (err, 503, "store_unavailable", "cannot open the database %s", path);
        goto fail;
    }
    sqlite3_busy_timeout (self->db, 10000);
    if (qs_lite_exec (self, "PRAGMA journal_mode = WAL", err) != 0
        || qs_lite_exec (self, "PRAGMA synchronous = NORMAL", err) != 0
        /* a checkpoint per 4000 pages (16 MB of WAL) instead of 1000: the
           pages every write touches (index interiors) are copied back once
           per checkpoint, not four times */
        || qs_lite_exec (self, "PRAGMA wal_autocheckpoint = 4000", err) != 0)
        goto fail;
    return self;
fail:
    qs_lite_destroy (&self);
    return NULL;
}

void
qs_lite_destroy (qs_lite_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_lite_t *self = *self_p;
    for (int i = 0; i < QS_LITE_CACHE_MAX; i++)
        sqlite3_finalize (self->cache [i].stmt);
    sqlite3_close_v2 (self->db);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
qs_lite_ping (qs_lite_t *self, qs_err_t *err)
{
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err, "SELECT count(*) FROM sqlite_master", ""),
                          err);
    QS_LITE_UNLOCK (self);
    return rc;
}

/*  The component's version, -1 on error. Inside the migration transaction. */
static int
s_version (qs_lite_t *self, const qs_lite_schema_t *schema, qs_err_t *err)
{
    sqlite3_stmt *stmt = schema->user_version
        ? qs_lite_stmt (self, err, "PRAGMA user_version", "")
        : qs_lite_stmt (self, err, "SELECT version FROM qs_schema_versions WHERE component = ?",
                        "t", schema->component);
    int version = schema->user_version ? -1 : 0;
    if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
        version = sqlite3_column_int (stmt, 0);
    qs_lite_done (self, stmt);
    return stmt ? version : -1;
}

static int
s_set_version (qs_lite_t *self, const qs_lite_schema_t *schema, int version, qs_err_t *err)
{
    if (!schema->user_version)
        return qs_lite_run (self, qs_lite_stmt (self, err,
            "INSERT INTO qs_schema_versions (component, version) VALUES (?, ?)"
            " ON CONFLICT (component) DO UPDATE SET version = excluded.version", "ti",
            schema->component, (int64_t) version), err);
    char sql[64];
    snprintf (sql, sizeof sql, "PRAGMA user_version = %d", version);
    return qs_lite_exec (self, sql, err);
}

int
qs_lite_migrate (qs_lite_t *self, const qs_lite_schema_t *schema, qs_err_t *err)
{
    int rc = -1;
    QS_LITE_LOCK (self);
    /* IMMEDIATE: two processes starting at once migrate one after the other */
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0
        || qs_lite_exec (self, "CREATE TABLE IF NOT EXISTS qs_schema_versions ("
                               " component TEXT PRIMARY KEY, version INTEGER NOT NULL)", err) != 0)
        goto cleanup;
    int version = s_version (self, schema, err);
    if (version < 0 || version > schema->count) {
        qs_err_set (err, 503, "store_unavailable",
                    "database schema version %d of %s is not supported (this build knows %d)",
                    version, schema->component, schema->count);
        goto cleanup;
    }
    for (int v = version; v < schema->count; v++) {
        if (qs_lite_exec (self, schema->migrations[v], err) != 0
            || s_set_version (self, schema, v + 1, err) != 0)
            goto cleanup;
        qs_info (NULL, "store: %s schema migrated to version %d", schema->component, v + 1);
    }
    rc = qs_lite_exec (self, "COMMIT", err);
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return rc;
}

int
qs_lite_fail (qs_lite_t *self, int rc, qs_err_t *err)
{
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return qs_err_set (err, 503, "store_unavailable", "the database is busy, try again");
    return qs_err_set (err, 500, "internal_error", "database error: %s", sqlite3_errmsg (self->db));
}

/*  FNV-1a of the SQL text: picks the candidates before a strcmp. */
static uint32_t
s_hash (const char *sql)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *) sql; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/*  Prepare sql, from the cache when an idle copy is there. Only a single
    statement is cached; *multi says sql holds more (stmt is then NULL and
    nothing was run). Caller holds the lock. */
static int
s_prepare (qs_lite_t *self, const char *sql, sqlite3_stmt **stmt_p, bool *multi)
{
    uint32_t hash = s_hash (sql);
    qs_lite_cached_t *slot = NULL;
    *stmt_p = NULL;
    *multi = false;
    for (int i = 0; i < QS_LITE_CACHE_MAX; i++) {
        qs_lite_cached_t *c = &self->cache [i];
        if (c->stmt && !c->busy && c->hash == hash && !strcmp (sqlite3_sql (c->stmt), sql)) {
            c->busy = true;
            c->used = ++self->tick;
            *stmt_p = c->stmt;
            return SQLITE_OK;
        }
        /* a free entry, else the least recently used idle one */
        if (!c->busy && (!slot || (slot->stmt && (!c->stmt || c->used < slot->used))))
            slot = c;
    }
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt_p, &tail);
    if (rc != SQLITE_OK)
        return rc;
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize (*stmt_p);
        *stmt_p = NULL;
        *multi = true;
    }
    else
    if (slot && *stmt_p) {
        sqlite3_finalize (slot->stmt);
        *slot = (qs_lite_cached_t) {*stmt_p, hash, true, ++self->tick};
    }
    return SQLITE_OK;
}

void
qs_lite_done (qs_lite_t *self, sqlite3_stmt *stmt)
{
    if (!stmt)
        return;
    for (int i = 0; i < QS_LITE_CACHE_MAX; i++)
        if (self->cache [i].stmt == stmt) {
            /* reset ends the statement's read of the database */
            sqlite3_reset (stmt);
            sqlite3_clear_bindings (stmt);
            self->cache [i].busy = false;
            return;
        }
    sqlite3_finalize (stmt);
}

int
qs_lite_exec (qs_lite_t *self, const char *sql, qs_err_t *err)
{
    sqlite3_stmt *stmt = NULL;
    bool multi = false;
    int rc = s_prepare (self, sql, &stmt, &multi);
    if (rc == SQLITE_OK && multi)       /* a migration: run it as text */
        rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
    else
    if (rc == SQLITE_OK && stmt) {
        while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    int out = rc == SQLITE_OK ? 0 : qs_lite_fail (self, rc, err);
    qs_lite_done (self, stmt);
    return out;
}

void
qs_lite_rollback (qs_lite_t *self)
{
    qs_err_t ignored;
    if (!sqlite3_get_autocommit (self->db))
        qs_lite_exec (self, "ROLLBACK", &ignored);
}

/*  Prepare sql (cached) and bind the arguments described by fmt: 't' text
    (NULL binds NULL), 'i' int64. */
sqlite3_stmt *
qs_lite_stmt (qs_lite_t *self, qs_err_t *err, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *stmt = NULL;
    bool multi = false;
    int rc = s_prepare (self, sql, &stmt, &multi);
    if (rc != SQLITE_OK || multi) {
        if (multi)
            qs_err_set (err, 500, "internal_error", "one statement at a time");
        else
            qs_lite_fail (self, rc, err);
        return NULL;
    }
    va_list ap;
    va_start (ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 't') {
            const char *s = va_arg (ap, const char *);
            rc = s ? sqlite3_bind_text (stmt, i + 1, s, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null (stmt, i + 1);
        }
        else
            rc = sqlite3_bind_int64 (stmt, i + 1, va_arg (ap, int64_t));
        if (rc != SQLITE_OK)
            break;
    }
    va_end (ap);
    if (rc != SQLITE_OK) {
        qs_lite_fail (self, rc, err);
        qs_lite_done (self, stmt);
        return NULL;
    }
    return stmt;
}

/*  Run a statement that returns no rows; gives it back. 0 or -1. */
int
qs_lite_run (qs_lite_t *self, sqlite3_stmt *stmt, qs_err_t *err)
{
    if (!stmt)
        return -1;
    int rc = sqlite3_step (stmt);
    /* map before the reset: the message belongs to this step */
    int out = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : qs_lite_fail (self, rc, err);
    qs_lite_done (self, stmt);
    return out;
}

const char *
qs_lite_col (sqlite3_stmt *stmt, int i)
{
    const unsigned char *s = sqlite3_column_text (stmt, i);
    return s ? (const char *) s : "";
}

const char *
qs_lite_col_or_null (sqlite3_stmt *stmt, int i)
{
    return sqlite3_column_type (stmt, i) == SQLITE_NULL ? NULL : qs_lite_col (stmt, i);
}

/*  Step through every row, mapping each with fn into a new array. Gives
    stmt back. */
json_object *
qs_lite_rows (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn, qs_err_t *err)
{
    if (!stmt)
        return NULL;
    json_object *out = json_object_new_array ();
    int rc;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        json_object_array_add (out, fn (stmt));
    if (rc != SQLITE_DONE) {
        json_object_put (out);
        qs_lite_fail (self, rc, err);
        out = NULL;
    }
    qs_lite_done (self, stmt);
    return out;
}

/*  The single row of stmt mapped by fn, or 404 "<what> not found". */
json_object *
qs_lite_one (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn, const char *what,
             qs_err_t *err)
{
    json_object *rows = qs_lite_rows (self, stmt, fn, err);
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

