/*  qs_store_sqlite_sql - statement helpers the SQLite backend files share
    (see qs_store_sqlite.h). */
#include "qs_store_sqlite.h"
#include <stdarg.h>

int
qs_lite_fail (qs_lite_t *self, int rc, qs_err_t *err)
{
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return qs_err_set (err, 503, "store_unavailable", "the database is busy, try again");
    return qs_err_set (err, 500, "internal_error", "database error: %s", sqlite3_errmsg (self->db));
}

int
qs_lite_exec (qs_lite_t *self, const char *sql, qs_err_t *err)
{
    int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : qs_lite_fail (self, rc, err);
}

void
qs_lite_rollback (qs_lite_t *self)
{
    if (!sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/*  Prepare sql and bind the arguments described by fmt: 't' text (NULL binds
    NULL), 'i' int64. */
sqlite3_stmt *
qs_lite_stmt (qs_lite_t *self, qs_err_t *err, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
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
        sqlite3_finalize (stmt);
        return NULL;
    }
    return stmt;
}

/*  Run a statement that returns no rows; finalizes it. 0 or -1. */
int
qs_lite_run (qs_lite_t *self, sqlite3_stmt *stmt, qs_err_t *err)
{
    if (!stmt)
        return -1;
    int rc = sqlite3_step (stmt);
    sqlite3_finalize (stmt);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : qs_lite_fail (self, rc, err);
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

/*  Step through every row, mapping each with fn into a new array. Finalizes. */
json_object *
qs_lite_rows (qs_lite_t *self, sqlite3_stmt *stmt, qs_lite_row_fn *fn, qs_err_t *err)
{
    if (!stmt)
        return NULL;
    json_object *out = json_object_new_array ();
    int rc;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        json_object_array_add (out, fn (stmt));
    sqlite3_finalize (stmt);
    if (rc != SQLITE_DONE) {
        json_object_put (out);
        qs_lite_fail (self, rc, err);
        return NULL;
    }
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

