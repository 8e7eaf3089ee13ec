/*  qs_lite - the storage driver's SQLite side: one connection per database
    (WAL, busy timeout 10 s, synchronous=NORMAL, safe for several processes
    on one machine), guarded by a mutex; a migrations runner; statement
    helpers and error mapping for the repositories built on it (the
    workflow's conversation store, the knowledge documents).
    Callers take the lock around every use (QS_LITE_LOCK): the connection's
    prepared-statement cache lives under that lock too.

    Durability: WAL with synchronous=NORMAL makes every COMMIT durable
    against a crash of the process (the WAL is in the OS page cache); a loss
    of power or a kernel crash can lose the last transactions committed
    since the last checkpoint's fsync, never corrupt the file. */
#ifndef QS_LITE_H
#define QS_LITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

/*  Prepared statements kept by SQL text: parsing a statement costs more
    than running most of ours. Bounded; the least recently used one goes. */
#define QS_LITE_CACHE_MAX 48

typedef struct {
    sqlite3_stmt *stmt;       /* NULL: a free entry */
    uint32_t hash;            /* of the SQL text */
    bool busy;                /* handed out, not yet given back (qs_lite_done) */
    uint64_t used;            /* tick of the last hand-out */
} qs_lite_cached_t;

typedef struct {
    sqlite3 *db;
    pthread_mutex_t lock;     /* one transaction at a time on the connection */
    qs_lite_cached_t cache [QS_LITE_CACHE_MAX];
    uint64_t tick;
} qs_lite_t;

#define QS_LITE_LOCK(self) pthread_mutex_lock (&(self)->lock)
#define QS_LITE_UNLOCK(self) pthread_mutex_unlock (&(self)->lock)

/*  Open "sqlite:///abs/path.db" or "sqlite://rel/path.db", creating the
    parent directory. NULL with err (400 bad URL, 503 cannot open). */
qs_lite_t *qs_lite_new (const char *url, qs_err_t *err);
void qs_lite_destroy (qs_lite_t **self_p);
/*  Cheap round trip (readiness). 0 or -1. */
int qs_lite_ping (qs_lite_t *self, qs_err_t *err);

/*  One component's schema: migrations[i] moves version i -> i+1. Only ever
    append; a migration must keep every row (ADD COLUMN, new tables, new
    indexes). Several components share one database file, each with its own
    version: in the qs_schema_versions table, or in PRAGMA user_version for
    the one component whose databases predate that table (user_version). */
typedef struct {
    const char *component;
    const char *const *migrations;
    int count;
    bool user_version;
} qs_lite_schema_t;

/*  Bring schema up to date inside one BEGIN IMMEDIATE (two processes
    starting at once migrate one after the other). A version newer than the
    build knows is refused (503), not touched. 0 or -1. */
int qs_lite_migrate (qs_lite_t *self, const qs_lite_schema_t *schema, qs_err_t *err);

/*  Map a SQLite result code to err (BUSY/LOCKED = 503). Returns -1. */
int qs_lite_fail (qs_lite_t *self, int rc, qs_err_t *err);
/*  Run SQL text without results. 0 or -1. */
int qs_lite_exec (qs_lite_t *self, const char *sql, qs_err_t *err);
/*  Roll back when a transaction is open (after an error or a 404). */
void qs_lite_rollback (qs_lite_t *self);
/*  A prepared statement for sql (from the connection's cache when it was
    prepared before) with arguments bound per fmt: 't' text (NULL binds
    NULL), 'i' int64_t. NULL with err set on failure. Give it back with
    qs_lite_done (never sqlite3_finalize); qs_lite_run / _rows / _one do. */
sqlite3_stmt *qs_lite_stmt (qs_lite_t *self, qs_err_t *err, const char *sql, const char *fmt, ...);
/*  Give back a statement of qs_lite_stmt: reset into the cache, or
    finalized when it was not cached. NULL is fine. */
void qs_lite_done (qs_lite_t *self, sqlite3_stmt *stmt);
/*  Step a statement that returns no rows and give it back. 0 or -1. */
int qs_lite_run (qs_lite_t *self, sqlite3_stmt *stmt, qs_err_t *err);
/*  Column text ("" for NULL) / NULL for SQL NULL. Lent until the next step. */
const char *qs_lite_col (sqlite3_stmt *stmt, int i);
const char *qs_lite_col_or_null (sqlite3_stmt *stmt, int i);

typedef json_object *(qs_lite_row_fn) (sqlite3_stmt *stmt);
/*  Every row mapped by fn into a new array; gives stmt back. */
json_object *qs_lite_rows (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn, qs_err_t *err);
/*  The first row mapped by fn, or 404 "<what> not found"; gives stmt back. */
json_object *qs_lite_one (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn,
                          const char *what, qs_err_t *err);

#endif
