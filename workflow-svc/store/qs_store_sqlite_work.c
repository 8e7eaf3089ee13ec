/*  qs_store_sqlite_work - the SQLite backend's checkpoints, actions and
    diagnoses (conversations and messages are in qs_store_sqlite.c). */
#include "qs_store_sqlite.h"
#include "qs_json.h"
#include <stdio.h>
#include <string.h>

/* ---- row mappers --------------------------------------------------------- */

#define S_CKPT_COLS "run_id, conversation_id, step, status, state, created_at, updated_at"
static json_object *
s_ckpt_row (sqlite3_stmt *s)
{
    return qs_store_rec_checkpoint (
        qs_lite_col (s, 0), qs_lite_col (s, 1), sqlite3_column_int64 (s, 2), qs_lite_col (s, 3),
        qs_lite_col (s, 4), sqlite3_column_int64 (s, 5), sqlite3_column_int64 (s, 6));
}

#define S_ACT_COLS "id, type, status, summary, config, estimate, result, conversation_id, " \
                   "run_id, idempotency_key, created_at, updated_at"
static json_object *
s_act_row (sqlite3_stmt *s)
{
    return qs_store_rec_action (qs_lite_col (s, 0), qs_lite_col (s, 1), qs_lite_col (s, 2),
                                qs_lite_col (s, 3), qs_lite_col_or_null (s, 4),
                                qs_lite_col_or_null (s, 5), qs_lite_col_or_null (s, 6),
                                qs_lite_col (s, 7), qs_lite_col (s, 8), qs_lite_col_or_null (s, 9),
                                sqlite3_column_int64 (s, 10), sqlite3_column_int64 (s, 11));
}

#define S_DIAG_COLS "id, service_id, service_type, findings, fix, outcome, at"
static json_object *
s_diag_row (sqlite3_stmt *s)
{
    return qs_store_rec_diagnosis (qs_lite_col (s, 0), qs_lite_col (s, 1), qs_lite_col (s, 2),
                                   qs_lite_col (s, 3), qs_lite_col (s, 4), qs_lite_col (s, 5),
                                   sqlite3_column_int64 (s, 6));
}

/* ---- checkpoints --------------------------------------------------------- */

int
qs_lite_ckpt_put (void *impl, const char *org, const char *user, const char *run_id,
                  const char *conv_id, int64_t step, const char *status, const char *state,
                  int64_t now, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "INSERT INTO checkpoints (run_id, organization_id, user_id, conversation_id, step,"
        " status, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (run_id) DO UPDATE SET step = excluded.step, status = excluded.status,"
        " state = excluded.state, conversation_id = excluded.conversation_id,"
        " updated_at = excluded.updated_at"
        " WHERE checkpoints.step <= excluded.step"
        "   AND checkpoints.organization_id = excluded.organization_id"
        "   AND checkpoints.user_id = excluded.user_id", "ttttittii",
        run_id, org, user, conv_id, step, status, state, now, now), err);
    QS_LITE_UNLOCK (self);
    return rc;
}

json_object *
qs_lite_ckpt_get (void *impl, const char *org, const char *user, const char *run_id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_CKPT_COLS " FROM checkpoints"
        " WHERE run_id = ? AND organization_id = ? AND user_id = ?", "ttt", run_id, org, user),
        s_ckpt_row, "run", err);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_lite_ckpt_waiting (void *impl, const char *org, const char *user, const char *conv_id,
                      qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_CKPT_COLS " FROM checkpoints"
        " WHERE organization_id = ? AND user_id = ? AND status = 'waiting_confirmation'"
        "   AND (? IS NULL OR conversation_id = ?)"
        " ORDER BY updated_at DESC", "tttt", org, user, conv_id, conv_id), s_ckpt_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}

int
qs_lite_ckpt_delete (void *impl, const char *org, const char *user, const char *run_id,
                     qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err, "DELETE FROM checkpoints"
        " WHERE run_id = ? AND organization_id = ? AND user_id = ?", "ttt", run_id, org, user),
        err);
    if (rc == 0 && sqlite3_changes (self->db) == 0)
        rc = qs_err_set (err, 404, "not_found", "run not found");
    QS_LITE_UNLOCK (self);
    return rc;
}

long
qs_lite_ckpt_prune (void *impl, int64_t cutoff_ms, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    long n = qs_lite_run (self, qs_lite_stmt (self, err, "DELETE FROM checkpoints"
        " WHERE status IN ('finished', 'failed', 'cancelled') AND updated_at < ?", "i",
        cutoff_ms), err) == 0 ? (long) sqlite3_changes (self->db) : -1;
    QS_LITE_UNLOCK (self);
    return n;
}

/* ---- actions ------------------------------------------------------------- */

static json_object *
s_act_select (qs_lite_t *self, const char *org, const char *user, const char *id,
              qs_err_t *err)
{
    return qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_ACT_COLS " FROM actions WHERE id = ? AND organization_id = ? AND user_id = ?",
        "ttt", id, org, user), s_act_row, "action", err);
}

json_object *
qs_lite_act_create (void *impl, const char *org, const char *user, const qs_store_action_in_t *in,
                    qs_err_t *err)
{
    qs_lite_t *self = impl;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0)
        goto cleanup;
    if (in->idempotency_key) {
        json_object *rows = qs_lite_rows (self, qs_lite_stmt (self, err,
            "SELECT " S_ACT_COLS " FROM actions WHERE organization_id = ? AND user_id = ?"
            " AND idempotency_key = ?", "ttt", org, user, in->idempotency_key), s_act_row, err);
        if (!rows)
            goto cleanup;
        if (json_object_array_length (rows) > 0)
            out = json_object_get (json_object_array_get_idx (rows, 0));
        json_object_put (rows);
        if (out)
            goto cleanup;
    }
    if (qs_lite_run (self, qs_lite_stmt (self, err,
            "INSERT INTO actions (id, organization_id, user_id, conversation_id, run_id, type,"
            " status, summary, config, estimate, idempotency_key, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'pending_confirmation', ?, ?, ?, ?, ?, ?)",
            "ttttttttttii", in->id, org, user, in->conversation_id, in->run_id, in->type,
            in->summary, in->config, in->estimate, in->idempotency_key, in->now, in->now),
            err) != 0) {
        if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_PRIMARYKEY)
            qs_err_set (err, 409, "conflict", "an action with this id already exists");
        goto cleanup;
    }
    //  the entry "proposed" commits with the action or not at all
    out = qs_store_rec_action (in->id, in->type, "pending_confirmation", in->summary,
                               in->config, in->estimate, NULL, in->conversation_id, in->run_id,
                               in->idempotency_key, in->now, in->now);
    if (qs_store_audit_action (&qs_lite_audit_io, self, org, user, out, err) != 0
        || qs_lite_exec (self, "COMMIT", err) != 0) {
        json_object_put (out);
        out = NULL;
    }
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_lite_act_get (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = s_act_select (self, org, user, id, err);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_lite_act_transition (void *impl, const char *org, const char *user, const char *id,
                        const char *to, const char *result, int64_t now, qs_err_t *err)
{
    qs_lite_t *self = impl;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0
        || qs_lite_run (self, qs_lite_stmt (self, err,
            "UPDATE actions SET status = ?, result = ?, updated_at = ?"
            " WHERE id = ? AND organization_id = ? AND user_id = ?"
            "   AND status = 'pending_confirmation'", "ttittt", to, result, now, id, org, user),
            err) != 0)
        goto cleanup;
    int changed = sqlite3_changes (self->db);
    out = s_act_select (self, org, user, id, err);
    if (out && !changed) {
        qs_err_set (err, 409, "conflict", "the action is already %s",
                    json_object_get_string (json_object_object_get (out, "status")));
        json_object_put (out);
        out = NULL;
    }
    if (out && (qs_store_audit_action (&qs_lite_audit_io, self, org, user, out, err) != 0
                || qs_lite_exec (self, "COMMIT", err) != 0)) {
        json_object_put (out);
        out = NULL;
    }
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

json_object *
qs_lite_act_pending (void *impl, const char *org, const char *user, const char *conv_id,
                     qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_ACT_COLS " FROM actions WHERE conversation_id = ?"
        " AND status = 'pending_confirmation' AND organization_id = ? AND user_id = ?"
        " ORDER BY created_at, id", "ttt", conv_id, org, user), s_act_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}

/* ---- diagnoses ----------------------------------------------------------- */

json_object *
qs_lite_diag_put (void *impl, const char *org, const qs_store_diag_in_t *in, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    int rc = qs_lite_run (self, qs_lite_stmt (self, err,
        "INSERT INTO diagnoses (id, organization_id, service_id, service_type, findings, fix,"
        " outcome, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "ttttttti",
        in->id, org, in->service_id, in->service_type, in->codes_joined, in->fix, in->outcome,
        in->at), err);
    QS_LITE_UNLOCK (self);
    if (rc != 0)
        return NULL;
    return qs_store_rec_diagnosis (in->id, in->service_id, in->service_type, in->codes_joined,
                                   in->fix, in->outcome, in->at);
}

json_object *
qs_lite_diag_find (void *impl, const char *org, const char *code, int limit, qs_err_t *err)
{
    qs_lite_t *self = impl;
    char needle[64];
    snprintf (needle, sizeof needle, ",%s,", code);
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_DIAG_COLS " FROM diagnoses WHERE organization_id = ?"
        " AND instr(findings, ?) > 0 ORDER BY at DESC, id DESC LIMIT ?", "tti", org, needle,
        (int64_t) limit), s_diag_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}
