/*  qs_store_sqlite - the SQLite backend: the workflow's schema migrations,
    conversations, dialogue state and messages (other records:
    qs_store_sqlite_work.c), on the driver's connection (qs_lite.h). Every
    write that touches two rows runs in BEGIN IMMEDIATE so it is
    all-or-nothing, also across kill -9. */
#include "qs_store_sqlite.h"
#include "qs_json.h"
#include <stdio.h>
#include <string.h>

/*  Schema migrations: entry i moves version i -> i+1 (PRAGMA user_version:
    the workflow's databases predate per-component versions). Only ever
    append; a migration must keep every row (ALTER TABLE ADD COLUMN, new
    tables, new indexes). The knowledge documents' table is the knowledge
    service's (knowledge-svc/store). */
static const char *const s_migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE conversations ("
    "  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, user_id TEXT NOT NULL,"
    "  title TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    "  message_count INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX conversations_owner_created ON conversations"
    "  (organization_id, user_id, created_at DESC, id DESC);"
    "CREATE INDEX conversations_owner_updated ON conversations"
    "  (organization_id, user_id, updated_at DESC);"
    "CREATE TABLE messages ("
    "  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    "  role TEXT NOT NULL, content TEXT NOT NULL, timestamp INTEGER NOT NULL,"
    "  metadata TEXT NOT NULL DEFAULT '{}');"
    "CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);"
    "CREATE INDEX messages_conversation_timestamp ON messages (conversation_id, timestamp);"
    "CREATE TABLE checkpoints ("
    "  run_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, user_id TEXT NOT NULL,"
    "  conversation_id TEXT NOT NULL, step INTEGER NOT NULL, status TEXT NOT NULL,"
    "  state TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE INDEX checkpoints_owner_status ON checkpoints"
    "  (organization_id, user_id, status, updated_at);"
    "CREATE INDEX checkpoints_conversation ON checkpoints (conversation_id);"
    "CREATE INDEX checkpoints_status_updated ON checkpoints (status, updated_at);"
    "CREATE TABLE actions ("
    "  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, user_id TEXT NOT NULL,"
    "  conversation_id TEXT NOT NULL, run_id TEXT NOT NULL DEFAULT '', type TEXT NOT NULL,"
    "  status TEXT NOT NULL, summary TEXT NOT NULL, config TEXT, estimate TEXT, result TEXT,"
    "  idempotency_key TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX actions_owner_idempotency ON actions"
    "  (organization_id, user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;"
    "CREATE INDEX actions_conversation_status ON actions (conversation_id, status);"
    "CREATE TABLE diagnoses ("
    "  id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, service_id TEXT NOT NULL,"
    "  service_type TEXT NOT NULL, findings TEXT NOT NULL, fix TEXT NOT NULL,"
    "  outcome TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX diagnoses_org_at ON diagnoses (organization_id, at DESC);",
    /* 1 -> 2: per-conversation dialogue state (contract section 8) */
    "ALTER TABLE conversations ADD COLUMN dialogue_state TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE conversations ADD COLUMN dialogue_version INTEGER NOT NULL DEFAULT 0;",
    /* 2 -> 3: the audit log (contract section 10; qs_store_audit_sqlite.c); IF NOT
       EXISTS: a database rewound to an older version keeps its log */
    "CREATE TABLE IF NOT EXISTS audit ("
    "  organization_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,"
    "  actor TEXT NOT NULL, action_id TEXT NOT NULL, type TEXT NOT NULL, event TEXT NOT NULL,"
    "  service_id TEXT NOT NULL, summary TEXT NOT NULL, details TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, UNIQUE (organization_id, seq));"
    "CREATE INDEX IF NOT EXISTS audit_org_actor_seq ON audit (organization_id, actor, seq);",
    /* 3 -> 4: two indexes no query reads (conversations are listed by
       created_at, messages by seq); each cost a page write per turn */
    "DROP INDEX IF EXISTS conversations_owner_updated;"
    "DROP INDEX IF EXISTS messages_conversation_timestamp;",
};
#define S_SCHEMA_VERSION ((int) (sizeof s_migrations / sizeof s_migrations[0]))

static const qs_store_ops_t s_ops;

int
qs_store_sqlite_init (qs_lite_t *lite, const qs_store_ops_t **ops, qs_err_t *err)
{
    static const qs_lite_schema_t schema = {
        .component = "workflow", .migrations = s_migrations,
        .count = (int) (sizeof s_migrations / sizeof s_migrations[0]), .user_version = true,
    };
    *ops = &s_ops;
    return qs_lite_migrate (lite, &schema, err);
}

/* ---- row mappers --------------------------------------------------------- */

#define S_CONV_COLS "id, title, created_at, updated_at, message_count"
static json_object *
s_conv_row (sqlite3_stmt *s)
{
    return qs_store_rec_conversation (qs_lite_col (s, 0), qs_lite_col (s, 1),
                                      sqlite3_column_int64 (s, 2), sqlite3_column_int64 (s, 3),
                                      sqlite3_column_int64 (s, 4));
}

#define S_MSG_COLS "id, seq, role, content, timestamp, metadata"
static json_object *
s_msg_row (sqlite3_stmt *s)
{
    return qs_store_rec_message (qs_lite_col (s, 0), sqlite3_column_int64 (s, 1),
                                 qs_lite_col (s, 2), qs_lite_col (s, 3),
                                 sqlite3_column_int64 (s, 4), qs_lite_col (s, 5));
}

/* ---- conversations and messages ----------------------------------------- */

static int
s_insert_message (qs_lite_t *self, const char *conv_id, int64_t seq,
                  const qs_store_msg_in_t *m, qs_err_t *err)
{
    return qs_lite_run (self, qs_lite_stmt (self, err,
        "INSERT INTO messages (id, conversation_id, seq, role, content, timestamp, metadata)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)", "ttittit",
        m->id, conv_id, seq, m->role, m->content, m->ts, m->metadata), err);
}

static json_object *
s_conv_create (void *impl, const char *org, const char *user, const char *id,
               const char *title, int64_t now, const qs_store_msg_in_t *first, qs_err_t *err)
{
    qs_lite_t *self = impl;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0)
        goto cleanup;
    if (qs_lite_run (self, qs_lite_stmt (self, err,
            "INSERT INTO conversations (id, organization_id, user_id, title, created_at,"
            " updated_at, message_count) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttttiii",
            id, org, user, title, now, first ? first->ts : now, (int64_t) (first ? 1 : 0)),
            err) != 0
        || (first && s_insert_message (self, id, 1, first, err) != 0)
        || qs_lite_exec (self, "COMMIT", err) != 0)
        goto cleanup;
    out = qs_store_rec_conversation (id, title, now, first ? first->ts : now, first ? 1 : 0);
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

static json_object *
s_conv_get (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_CONV_COLS " FROM conversations"
        " WHERE id = ? AND organization_id = ? AND user_id = ?", "ttt", id, org, user),
        s_conv_row, "conversation", err);
    QS_LITE_UNLOCK (self);
    return out;
}

static json_object *
s_conv_list (void *impl, const char *org, const char *user, int limit, int64_t before_ms,
             const char *before_id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = qs_lite_rows (self, qs_lite_stmt (self, err,
        "SELECT " S_CONV_COLS " FROM conversations"
        " WHERE organization_id = ? AND user_id = ?"
        "   AND (created_at < ? OR (created_at = ? AND id < ?))"
        " ORDER BY created_at DESC, id DESC LIMIT ?", "ttiiti",
        org, user, before_ms, before_ms, before_id, (int64_t) limit), s_conv_row, err);
    QS_LITE_UNLOCK (self);
    return out;
}

static int
s_conv_delete (void *impl, const char *org, const char *user, const char *id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    int rc = -1;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0
        || qs_lite_run (self, qs_lite_stmt (self, err, "DELETE FROM conversations"
                  " WHERE id = ? AND organization_id = ? AND user_id = ?", "ttt", id, org, user),
                  err) != 0)
        goto cleanup;
    if (sqlite3_changes (self->db) == 0) {
        qs_err_set (err, 404, "not_found", "conversation not found");
        goto cleanup;
    }
    if (qs_lite_run (
            self,
            qs_lite_stmt (self, err, "DELETE FROM messages WHERE conversation_id = ?", "t", id),
            err)
            != 0
        || qs_lite_run (self,
                        qs_lite_stmt (self, err,
                                      "DELETE FROM checkpoints WHERE conversation_id = ?", "t", id),
                        err)
               != 0
        || qs_lite_run (self,
                        qs_lite_stmt (self, err,
                                      "DELETE FROM actions WHERE conversation_id = ?"
                                      " AND status = 'pending_confirmation'",
                                      "t", id),
                        err)
               != 0
        || qs_lite_exec (self, "COMMIT", err) != 0)
        goto cleanup;
    rc = 0;
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return rc;
}

static json_object *
s_dlg_row (sqlite3_stmt *s)
{
    return qs_store_rec_dialogue (qs_lite_col (s, 0), sqlite3_column_int64 (s, 1));
}

/*  Caller holds the lock. */
static json_object *
s_dlg_select (qs_lite_t *self, const char *org, const char *user, const char *conv_id,
              qs_err_t *err)
{
    return qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT dialogue_state, dialogue_version FROM conversations"
        " WHERE id = ? AND organization_id = ? AND user_id = ?", "ttt", conv_id, org, user),
        s_dlg_row, "conversation", err);
}

static json_object *
s_dlg_get (void *impl, const char *org, const char *user, const char *conv_id, qs_err_t *err)
{
    qs_lite_t *self = impl;
    QS_LITE_LOCK (self);
    json_object *out = s_dlg_select (self, org, user, conv_id, err);
    QS_LITE_UNLOCK (self);
    return out;
}

static int
s_dlg_put (void *impl, const char *org, const char *user, const char *conv_id,
           const char *state, int64_t expected, qs_err_t *err)
{
    qs_lite_t *self = impl;
    int rc = -1;
    QS_LITE_LOCK (self);
    /* one transaction: a miss is told apart (404 or 409) on the same snapshot */
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0
        || qs_lite_run (self, qs_lite_stmt (self, err,
               "UPDATE conversations SET dialogue_state = ?, dialogue_version = ?"
               " WHERE id = ? AND organization_id = ? AND user_id = ? AND dialogue_version = ?",
               "tittti", state, expected + 1, conv_id, org, user, expected), err) != 0)
        goto cleanup;
    if (sqlite3_changes (self->db) == 0) {
        json_object *conv = s_dlg_select (self, org, user, conv_id, err);
        if (conv)
            qs_err_set (err, 409, "conflict", "the dialogue state changed meanwhile");
        json_object_put (conv);
        goto cleanup;
    }
    rc = qs_lite_exec (self, "COMMIT", err);
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return rc;
}

/*  One write transaction per chat turn: the dialogue state and the turn's
    messages share the conversation's row, so they commit together. */
static int
s_turn_write (void *impl, const char *org, const char *user, const char *conv_id, const char *title,
              const qs_store_msg_in_t *msgs, int n, const char *state, int64_t expected,
              int64_t *last_p, qs_err_t *err)
{
    qs_lite_t *self = impl;
    int rc = -1;
    int64_t last = -1;
    QS_LITE_LOCK (self);
    if (qs_lite_exec (self, "BEGIN IMMEDIATE", err) != 0)
        goto cleanup;
    if (title && qs_lite_run (self, qs_lite_stmt (self, err,
            "INSERT INTO conversations (id, organization_id, user_id, title, created_at,"
            " updated_at, message_count) VALUES (?, ?, ?, ?, ?, ?, 0)", "ttttii",
            conv_id, org, user, title, msgs[0].ts, msgs[0].ts), err) != 0)
        goto cleanup;
    sqlite3_stmt *stmt = state
        ? qs_lite_stmt (self, err,
              "UPDATE conversations SET message_count = message_count + ?, updated_at = max(updated_at, ?),"
              " dialogue_state = ?, dialogue_version = ?"
              " WHERE id = ? AND organization_id = ? AND user_id = ? AND dialogue_version = ?"
              " RETURNING message_count", "iitittti",
              (int64_t) n, msgs[n - 1].ts, state, expected + 1, conv_id, org, user, expected)
        : qs_lite_stmt (self, err,
              "UPDATE conversations SET message_count = message_count + ?, updated_at = max(updated_at, ?)"
              " WHERE id = ? AND organization_id = ? AND user_id = ? RETURNING message_count",
              "iittt", (int64_t) n, msgs[n - 1].ts, conv_id, org, user);
    if (!stmt)
        goto cleanup;
    int step = sqlite3_step (stmt);
    if (step == SQLITE_ROW)
        last = sqlite3_column_int64 (stmt, 0);
    qs_lite_done (self, stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        qs_lite_fail (self, step, err);
        goto cleanup;
    }
    if (last < 0) {
        json_object *conv = state ? s_dlg_select (self, org, user, conv_id, err) : NULL;
        if (conv)
            qs_err_set (err, 409, "conflict", "the dialogue state changed meanwhile");
        else if (!err->status)
            qs_err_set (err, 404, "not_found", "conversation not found");
        json_object_put (conv);
        goto cleanup;
    }
    for (int k = 0; k < n; k++)
        if (s_insert_message (self, conv_id, last - n + 1 + k, &msgs[k], err) != 0)
            goto cleanup;
    rc = qs_lite_exec (self, "COMMIT", err);
    *last_p = last;
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return rc;
}

static int
s_turn_save (void *impl, const char *org, const char *user, const char *conv_id, const char *title,
             const qs_store_msg_in_t *msgs, int n, const char *state, int64_t expected, qs_err_t *err)
{
    int64_t last;
    return s_turn_write (impl, org, user, conv_id, title, msgs, n, state, expected, &last, err);
}

/*  One message: a turn's write without a state. */
static json_object *
s_msg_append (void *impl, const char *org, const char *user, const char *conv_id,
              const qs_store_msg_in_t *m, qs_err_t *err)
{
    int64_t seq;
    if (s_turn_write (impl, org, user, conv_id, NULL, m, 1, NULL, 0, &seq, err) != 0)
        return NULL;
    return qs_store_rec_message (m->id, seq, m->role, m->content, m->ts, m->metadata);
}

static json_object *
s_msg_list (void *impl, const char *org, const char *user, const char *conv_id,
            int64_t after_seq, int limit, bool newest, qs_err_t *err)
{
    qs_lite_t *self = impl;
    json_object *out = NULL;
    QS_LITE_LOCK (self);
    /* one read snapshot for the owner check and the rows */
    if (qs_lite_exec (self, "BEGIN", err) != 0)
        goto cleanup;
    json_object *conv = qs_lite_one (self, qs_lite_stmt (self, err,
        "SELECT " S_CONV_COLS " FROM conversations"
        " WHERE id = ? AND organization_id = ? AND user_id = ?", "ttt", conv_id, org, user),
        s_conv_row, "conversation", err);
    if (!conv)
        goto cleanup;
    json_object_put (conv);
    if (newest)
        out = qs_lite_rows (self, qs_lite_stmt (self, err,
            "SELECT * FROM (SELECT " S_MSG_COLS " FROM messages WHERE conversation_id = ?"
            " ORDER BY seq DESC LIMIT ?) ORDER BY seq", "ti", conv_id, (int64_t) limit),
            s_msg_row, err);
    else
        out = qs_lite_rows (self, qs_lite_stmt (self, err,
            "SELECT " S_MSG_COLS " FROM messages WHERE conversation_id = ? AND seq > ?"
            " ORDER BY seq LIMIT ?", "tii", conv_id, after_seq, (int64_t) limit),
            s_msg_row, err);
cleanup:
    qs_lite_rollback (self);
    QS_LITE_UNLOCK (self);
    return out;
}

static const qs_store_ops_t s_ops = {
    .conv_create = s_conv_create,
    .conv_get = s_conv_get,
    .conv_list = s_conv_list,
    .conv_delete = s_conv_delete,
    .dlg_get = s_dlg_get,
    .dlg_put = s_dlg_put,
    .msg_append = s_msg_append,
    .turn_save = s_turn_save,
    .msg_list = s_msg_list,
    .ckpt_put = qs_lite_ckpt_put,
    .ckpt_get = qs_lite_ckpt_get,
    .ckpt_waiting = qs_lite_ckpt_waiting,
    .ckpt_delete = qs_lite_ckpt_delete,
    .ckpt_prune = qs_lite_ckpt_prune,
    .act_create = qs_lite_act_create,
    .act_get = qs_lite_act_get,
    .act_transition = qs_lite_act_transition,
    .act_pending = qs_lite_act_pending,
    .diag_put = qs_lite_diag_put,
    .diag_find = qs_lite_diag_find,
    .audit_append = qs_lite_audit_append,
    .audit_list = qs_lite_audit_list,
};
