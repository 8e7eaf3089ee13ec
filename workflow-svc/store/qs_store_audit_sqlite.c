/*  qs_store_audit_sqlite - the audit log on SQLite: one row per entry,
    UNIQUE (organization_id, seq). An append runs in BEGIN IMMEDIATE (the
    action repository's appends in its own transaction), so writers of
    every process queue on the database's write lock; the unique key is
    what keeps the chain linear even if they did not. */
#include "qs_store_sqlite.h"
#include "qs_jcs.h"
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

#define S_COLS "organization_id, seq, at, actor, action_id, type, event, service_id, summary," \
               " details, prev_hash, hash"

static json_object *
s_row (sqlite3_stmt *s)
{
    return qs_store_rec_audit (qs_lite_col (s, 0), sqlite3_column_int64 (s, 1), qs_lite_col (s, 2),
                               qs_lite_col (s, 3), qs_lite_col (s, 4), qs_lite_col (s, 5),
                               qs_lite_col (s, 6), qs_lite_col (s, 7), qs_lite_col (s, 8),
                               qs_lite_col (s, 9), qs_lite_col (s, 10), qs_lite_col (s, 11));
}

static int
s_last (void *impl, const char *org, int64_t *seq, char hash[QS_CHAIN_HASH_LEN + 1],
        qs_err_t *err)
{
    qs_lite_t *self = impl;
    sqlite3_stmt *stmt = qs_lite_stmt (self, err,
        "SELECT seq, hash FROM audit WHERE organization_id = ? ORDER BY seq DESC LIMIT 1", "t", org);
    if (!stmt)
        return -1;
    int rc = sqlite3_step (stmt);
    *seq = 0;
    hash[0] = '\0';
    if (rc == SQLITE_ROW) {
        *seq = sqlite3_column_int64 (stmt, 0);
        qs_strlcpy (hash, qs_lite_col (stmt, 1), QS_CHAIN_HASH_LEN + 1);
    }
    sqlite3_finalize (stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : qs_lite_fail (self, rc, err);
}

static int
s_insert (void *impl, const char *org, json_object *e, qs_err_t *err)
{
    qs_lite_t *self = impl;
    char *details = qs_jcs_serialize (qs_json_get (e, "details", json_type_object), err);
    if (!details)
        return -1;
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "INSERT INTO audit (" S_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "titttttttttt",
        org, qs_json_int (e, "seq", 0), qs_json_str (e, "at", ""), qs_json_str (e, "actor", ""),
        qs_json_str (e, "action_id", ""), qs_json_str (e, "type", ""),
        qs_json_str (e, "event", ""), qs_json_str (e, "service_id", ""),
        qs_json_str (e, "summary", ""), details, qs_json_str (e, "prev_hash", ""),
        qs_json_str (e, "hash", "")), err);
    free (details);
    if (rc != 0 && sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        qs_err_set (err, 409, "conflict", "audit entry %lld of this org exists",
                    (long long) qs_json_int (e, "seq", 0));
    return rc;
}

const qs_store_audit_io_t qs_lite_audit_io = {s_last, s_insert};

json_object *
qs_lite_audit_append (void *impl, const char *org, const qs_store_audit_in_t *in, qs_err_t *err)
{
    qs_lite_t *self = impl;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) == 0
        && (out = qs_store_audit_chain (&qs_lite_audit_io, self, org, in, err))
        && qs_lite_exec (self, "COMMIT", err) != 0) {
        json_object_put (out);
        out = NULL;
    }
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_lite_audit_list (void *impl, const char *org, const char *actor, int64_t after_seq, int limit,
                    qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_COLS " FROM audit WHERE organization_id = ? AND (? IS NULL OR actor = ?)"
        " AND seq > ? ORDER BY seq LIMIT ?", "tttii", org, actor, actor, after_seq, (int64_t) limit),
        s_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}
