/*  qs_store - the front: picks the backend by URL, validates every input
    (owner, ids, sizes, UTF-8, NUL bytes), builds titles and cursors, then
    calls the backend through its vtable. */
#include "qs_store_impl.h"
#include "qs_json.h"
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_ckpt_status[] = {"running", "waiting_confirmation", "finished", "failed",
                                      "cancelled", NULL};
static const char *s_final_status[] = {"executed", "cancelled", "failed", NULL};

qs_store_t *
qs_store_new (const char *url, qs_err_t *err)
{
    qs_store_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_err_set (err, 500, "internal_error", "out of memory");
        return NULL;
    }
    self->db = qs_db_new (url, err);
    qs_lite_t *lite = self->db ? qs_db_lite (self->db) : NULL;
    qs_mongo_t *mongo = self->db ? qs_db_mongo (self->db) : NULL;
    self->impl = lite ? (void *) lite : (void *) mongo;
    if (!self->db
        || (lite && qs_store_sqlite_init (lite, &self->ops, err) != 0)
        || (mongo && qs_store_mongo_init (mongo, &self->ops, err) != 0))
        qs_store_destroy (&self);
    return self;
}

void
qs_store_destroy (qs_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_db_destroy (&(*self_p)->db);
    free (*self_p);
    *self_p = NULL;
}

const char *
qs_store_backend (qs_store_t *self)
{
    assert (self);
    return qs_db_backend (self->db);
}

int
qs_store_ping (qs_store_t *self, qs_err_t *err)
{
    assert (self);
    return qs_db_ping (self->db, err);
}

struct _qs_db_t *
qs_store_db (qs_store_t *self)
{
    assert (self);
    return self->db;
}

/* ---- conversations ------------------------------------------------------- */

json_object *
qs_store_conversation_create (qs_store_t *self, const char *org_id, const char *user_id,
                              json_object *first_message, qs_err_t *err)
{
    assert (self);
    char *meta = NULL;
    json_object *out = NULL;
    qs_store_msg_in_t first = {0};
    char id[QS_ID_LEN + 1];
    char title[QS_STORE_TITLE_MAX * 4 + 1];
    if (qs_store_check_owner (org_id, user_id, err) != 0)
        goto cleanup;
    if (first_message && qs_store_message_in (first_message, &first, &meta, err) != 0)
        goto cleanup;
    if (qs_id_new (id) != 0) {
        qs_err_set (err, 500, "internal_error", "no randomness for an id");
        goto cleanup;
    }
    qs_store_make_title (first_message && strcmp (first.role, "user") == 0 ? first.content : "",
                  title, sizeof title);
    out = self->ops->conv_create (self->impl, org_id, user_id, id, title, qs_now_ms (),
                                  first_message ? &first : NULL, err);
cleanup:
    free (meta);
    return out;
}

json_object *
qs_store_conversation_get (qs_store_t *self, const char *org_id, const char *user_id,
                           const char *id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", id, err) != 0)
        return NULL;
    return self->ops->conv_get (self->impl, org_id, user_id, id, err);
}

json_object *
qs_store_conversation_list (qs_store_t *self, const char *org_id, const char *user_id,
                            int limit, const char *cursor, qs_err_t *err)
{
    assert (self);
    int64_t before_ms = INT64_MAX;
    char before_id[QS_ID_LEN + 1] = "";
    if (qs_store_check_owner (org_id, user_id, err) != 0)
        return NULL;
    if (limit == 0)
        limit = QS_STORE_LIMIT_DEFAULT;
    if (limit < 1 || limit > QS_STORE_LIMIT_MAX) {
        qs_err_set (err, 400, "bad_request", "limit must be between 1 and %d", QS_STORE_LIMIT_MAX);
        return NULL;
    }
    if (cursor && *cursor && qs_store_conv_cursor_parse (cursor, &before_ms, before_id, err) != 0)
        return NULL;
    json_object *rows = self->ops->conv_list (self->impl, org_id, user_id, limit + 1,
                                              before_ms, before_id, err);
    if (!rows)
        return NULL;
    json_object *out = json_object_new_object ();
    json_object *next = NULL;
    if ((int) json_object_array_length (rows) > limit) {
        json_object_array_del_idx (rows, (size_t) limit, 1);
        json_object *last = json_object_array_get_idx (rows, (size_t) limit - 1);
        int64_t ms = 0;
        qs_time_parse (qs_json_str (last, "created_at", ""), &ms);
        char raw[80], enc[128];
        snprintf (raw, sizeof raw, "c1:%lld:%s", (long long) ms, qs_json_str (last, "id", ""));
        qs_store_cursor_encode (raw, enc, sizeof enc);
        next = json_object_new_string (enc);
    }
    json_object_object_add (out, "conversations", rows);
    json_object_object_add (out, "next_cursor", next);
    return out;
}

int
qs_store_conversation_delete (qs_store_t *self, const char *org_id, const char *user_id,
                              const char *id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", id, err) != 0)
        return -1;
    return self->ops->conv_delete (self->impl, org_id, user_id, id, err);
}

/* ---- dialogue state ------------------------------------------------------ */

int
qs_store_dialogue_get (qs_store_t *self, const char *org_id, const char *user_id,
                       const char *conversation_id, json_object **state_p, int64_t *version_p,
                       qs_err_t *err)
{
    assert (self && state_p && version_p);
    *state_p = NULL;
    *version_p = 0;
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        return -1;
    json_object *rec = self->ops->dlg_get (self->impl, org_id, user_id, conversation_id, err);
    if (!rec)
        return -1;
    *state_p = json_object_get (qs_json_get (rec, "state", json_type_object));
    *version_p = qs_json_int (rec, "version", 0);
    json_object_put (rec);
    if (!*state_p && !(*state_p = json_object_new_object ()))
        return qs_err_set (err, 500, "internal_error", "out of memory");
    return 0;
}

int
qs_store_dialogue_put (qs_store_t *self, const char *org_id, const char *user_id,
                       const char *conversation_id, json_object *state, int64_t expected_version,
                       qs_err_t *err)
{
    assert (self);
    char *text = NULL;
    int rc = -1;
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        goto cleanup;
    if (expected_version < 0 || expected_version == INT64_MAX) {
        qs_err_set (err, 400, "bad_request", "bad dialogue version");
        goto cleanup;
    }
    if (qs_db_member_json (state, NULL, true, QS_STORE_META_MAX, &text, err) != 0)
        goto cleanup;
    rc = self->ops->dlg_put (self->impl, org_id, user_id, conversation_id, text,
                             expected_version, err);
cleanup:
    free (text);
    return rc;
}

/* ---- messages ------------------------------------------------------------ */

json_object *
qs_store_message_append (qs_store_t *self, const char *org_id, const char *user_id,
                         const char *conversation_id, json_object *message, qs_err_t *err)
{
    assert (self);
    char *meta = NULL;
    json_object *out = NULL;
    qs_store_msg_in_t m = {0};
    if (qs_store_check_owner (org_id, user_id, err) == 0
        && qs_store_check_id ("conversation", conversation_id, err) == 0
        && qs_store_message_in (message, &m, &meta, err) == 0)
        out = self->ops->msg_append (self->impl, org_id, user_id, conversation_id, &m, err);
    free (meta);
    return out;
}

int
qs_store_turn_save (qs_store_t *self, const char *org_id, const char *user_id, const char *conversation_id,
                    bool create, json_object *user_message, json_object *reply, json_object *state,
                    int64_t expected_version, qs_err_t *err)
{
    assert (self && reply);
    qs_store_msg_in_t m[2];
    json_object *in[2] = {user_message ? user_message : reply, reply};
    char *meta[2] = {NULL, NULL}, *text = NULL;
    char title[QS_STORE_TITLE_MAX * 4 + 1];
    int n = user_message ? 2 : 1, rc = -1, k = 0;
    memset (m, 0, sizeof m);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        goto cleanup;
    for (int i = 0; i < n; i++)
        if (qs_store_message_in (in[i], &m[i], &meta[i], err) != 0)
            goto cleanup;
    if (state && (expected_version < 0 || expected_version == INT64_MAX)) {
        qs_err_set (err, 400, "bad_request", "bad dialogue version");
        goto cleanup;
    }
    if (state && qs_db_member_json (state, NULL, true, QS_STORE_META_MAX, &text, err) != 0)
        goto cleanup;
    if (create)         /* titled as conversation_create titles it */
        qs_store_make_title (strcmp (m[0].role, "user") == 0 ? m[0].content : "", title, sizeof title);
    if (self->ops->turn_save) {
        rc = self->ops->turn_save (self->impl, org_id, user_id, conversation_id, create ? title : NULL,
                                   m, n, text, expected_version, err);
        goto cleanup;
    }
    /* no transactions: the conversation (with the first message), then the
       state, so a 409 writes no message; then the other messages */
    if (create) {
        json_object *conv = self->ops->conv_create (self->impl, org_id, user_id, conversation_id, title,
                                                    m[0].ts, &m[0], err);
        if (!conv)
            goto cleanup;
        json_object_put (conv);
        k = 1;
    }
    if (text && self->ops->dlg_put (self->impl, org_id, user_id, conversation_id, text,
                                    expected_version, err) != 0)
        goto cleanup;
    for (; k < n; k++) {
        json_object *saved = self->ops->msg_append (self->impl, org_id, user_id, conversation_id, &m[k], err);
        if (!saved)
            goto cleanup;
        json_object_put (saved);
    }
    rc = 0;
cleanup:
    free (meta[0]);
    free (meta[1]);
    free (text);
    return rc;
}

json_object *
qs_store_message_list (qs_store_t *self, const char *org_id, const char *user_id,
                       const char *conversation_id, int limit, const char *cursor,
                       qs_err_t *err)
{
    assert (self);
    int64_t after = 0;
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        return NULL;
    if (limit == 0)
        limit = 100;
    if (limit < 1 || limit > 1000) {
        qs_err_set (err, 400, "bad_request", "limit must be between 1 and 1000");
        return NULL;
    }
    if (cursor && *cursor && qs_store_msg_cursor_parse (cursor, &after, err) != 0)
        return NULL;
    json_object *rows = self->ops->msg_list (self->impl, org_id, user_id, conversation_id,
                                             after, limit + 1, false, err);
    return rows ? qs_store_seq_page (rows, limit, "messages") : NULL;
}

json_object *
qs_store_message_recent (qs_store_t *self, const char *org_id, const char *user_id,
                         const char *conversation_id, int n, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        return NULL;
    if (n < 1 || n > 1000) {
        qs_err_set (err, 400, "bad_request", "n must be between 1 and 1000");
        return NULL;
    }
    return self->ops->msg_list (self->impl, org_id, user_id, conversation_id, 0, n, true, err);
}

/* ---- checkpoints --------------------------------------------------------- */

int
qs_store_checkpoint_put (qs_store_t *self, const char *org_id, const char *user_id,
                         const char *run_id, const char *conversation_id, int64_t step,
                         const char *status, json_object *state, qs_err_t *err)
{
    assert (self);
    char *text = NULL;
    int rc = -1;
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("run", run_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        goto cleanup;
    if (step < 0 || !qs_store_in (status, s_ckpt_status)) {
        qs_err_set (err, 400, "bad_request", "bad checkpoint step or status");
        goto cleanup;
    }
    if (qs_db_member_json (state, NULL, true, QS_STORE_META_MAX, &text, err) != 0)
        goto cleanup;
    rc = self->ops->ckpt_put (self->impl, org_id, user_id, run_id, conversation_id, step,
                              status, text, qs_now_ms (), err);
cleanup:
    free (text);
    return rc;
}

json_object *
qs_store_checkpoint_get (qs_store_t *self, const char *org_id, const char *user_id,
                         const char *run_id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("run", run_id, err) != 0)
        return NULL;
    return self->ops->ckpt_get (self->impl, org_id, user_id, run_id, err);
}

json_object *
qs_store_checkpoint_waiting (qs_store_t *self, const char *org_id, const char *user_id,
                             const char *conversation_id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0)
        return NULL;
    if (conversation_id && !qs_id_valid (conversation_id))
        return json_object_new_array ();
    return self->ops->ckpt_waiting (self->impl, org_id, user_id, conversation_id, err);
}

int
qs_store_checkpoint_delete (qs_store_t *self, const char *org_id, const char *user_id,
                            const char *run_id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("run", run_id, err) != 0)
        return -1;
    return self->ops->ckpt_delete (self->impl, org_id, user_id, run_id, err);
}

long
qs_store_checkpoint_prune (qs_store_t *self, int64_t cutoff_ms, qs_err_t *err)
{
    assert (self);
    return self->ops->ckpt_prune (self->impl, cutoff_ms, err);
}

/* ---- actions ------------------------------------------------------------- */

json_object *
qs_store_action_create (qs_store_t *self, const char *org_id, const char *user_id,
                        json_object *action, qs_err_t *err)
{
    assert (self);
    qs_store_action_in_t in = {0};
    char *config = NULL, *estimate = NULL;
    json_object *out = NULL;
    const char *id = NULL;
    if (qs_store_check_owner (org_id, user_id, err) != 0)
        goto cleanup;
    if (!action || !json_object_is_type (action, json_type_object)) {
        qs_err_set (err, 400, "bad_request", "action must be an object");
        goto cleanup;
    }
    if (qs_db_member_text (action, "id", false, QS_ID_LEN, &id, err) != 0
        || qs_db_member_text (action, "conversation_id", true, QS_ID_LEN, &in.conversation_id,
                                 err)
               != 0
        || qs_db_member_text (action, "run_id", false, QS_ID_LEN, &in.run_id, err) != 0
        || qs_db_member_text (action, "type", true, 64, &in.type, err) != 0
        || qs_db_member_text (action, "summary", true, 4096, &in.summary, err) != 0
        || qs_db_member_text (action, "idempotency_key", false, 128, &in.idempotency_key, err)
               != 0
        || qs_db_member_json (action, "config", false, QS_STORE_META_MAX, &config, err) != 0
        || qs_db_member_json (action, "estimate", false, QS_STORE_META_MAX, &estimate, err) != 0)
        goto cleanup;
    if ((id && !qs_id_valid (id)) || !qs_id_valid (in.conversation_id)
        || (in.run_id && *in.run_id && !qs_id_valid (in.run_id))) {
        qs_err_set (err, 400, "bad_request", "malformed id in action");
        goto cleanup;
    }
    if (id)
        qs_strlcpy (in.id, id, sizeof in.id);
    else if (qs_id_new (in.id) != 0) {
        qs_err_set (err, 500, "internal_error", "no randomness for an id");
        goto cleanup;
    }
    if (!in.run_id)
        in.run_id = "";
    if (in.idempotency_key && !*in.idempotency_key)
        in.idempotency_key = NULL;
    in.config = config;
    in.estimate = estimate;
    in.now = qs_now_ms ();
    out = self->ops->act_create (self->impl, org_id, user_id, &in, err);
cleanup:
    free (config);
    free (estimate);
    return out;
}

json_object *
qs_store_action_get (qs_store_t *self, const char *org_id, const char *user_id,
                     const char *id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("action", id, err) != 0)
        return NULL;
    return self->ops->act_get (self->impl, org_id, user_id, id, err);
}

json_object *
qs_store_action_transition (qs_store_t *self, const char *org_id, const char *user_id,
                            const char *id, const char *to, json_object *result,
                            qs_err_t *err)
{
    assert (self);
    char *text = NULL;
    json_object *out = NULL;
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("action", id, err) != 0)
        goto cleanup;
    if (!qs_store_in (to, s_final_status)) {
        qs_err_set (err, 400, "bad_request",
                    "an action can only become executed, cancelled or failed");
        goto cleanup;
    }
    if (qs_db_member_json (result, NULL, false, QS_STORE_META_MAX, &text, err) != 0)
        goto cleanup;
    out = self->ops->act_transition (self->impl, org_id, user_id, id, to, text, qs_now_ms (), err);
cleanup:
    free (text);
    return out;
}

json_object *
qs_store_action_supersede (qs_store_t *self, const char *org_id, const char *user_id,
                           const char *id, const char *by_id, qs_err_t *err)
{
    assert (self);
    if (!by_id || !qs_id_valid (by_id)) {
        qs_err_set (err, 400, "bad_request", "malformed id of the superseding action");
        return NULL;
    }
    json_object *result = json_object_new_object ();
    qs_json_add_str (result, "superseded_by", by_id);
    json_object *out = qs_store_action_transition (self, org_id, user_id, id, "cancelled", result, err);
    json_object_put (result);
    return out;
}

json_object *
qs_store_action_pending (qs_store_t *self, const char *org_id, const char *user_id,
                         const char *conversation_id, qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, user_id, err) != 0
        || qs_store_check_id ("conversation", conversation_id, err) != 0)
        return NULL;
    return self->ops->act_pending (self->impl, org_id, user_id, conversation_id, err);
}

/* ---- diagnoses ----------------------------------------------------------- */

json_object *
qs_store_diagnosis_put (qs_store_t *self, const char *org_id, json_object *record,
                        qs_err_t *err)
{
    assert (self);
    enum { MAX_CODES = 32 };
    qs_store_diag_in_t in = {0};
    const char *codes[MAX_CODES];
    char joined[MAX_CODES * 50 + 2] = ",";
    const char *at_text = NULL;
    json_object *findings = NULL;
    if (qs_store_check_owner (org_id, "-", err) != 0)
        return NULL;
    if (!record || !json_object_is_type (record, json_type_object)) {
        qs_err_set (err, 400, "bad_request", "diagnosis must be an object");
        return NULL;
    }
    if (qs_db_member_text (record, "service_id", false, 128, &in.service_id, err) != 0
        || qs_db_member_text (record, "service_type", true, 64, &in.service_type, err) != 0
        || qs_db_member_text (record, "fix", false, 4096, &in.fix, err) != 0
        || qs_db_member_text (record, "outcome", false, 1024, &in.outcome, err) != 0
        || qs_db_member_text (record, "at", false, 64, &at_text, err) != 0)
        return NULL;
    findings = qs_json_get (record, "findings", json_type_array);
    size_t n = findings ? json_object_array_length (findings) : 0;
    if (n == 0 || n > MAX_CODES) {
        qs_err_set (err, 400, "bad_request", "findings must list 1..%d codes", MAX_CODES);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *code = json_object_get_string (json_object_array_get_idx (findings, i));
        if (!json_object_is_type (json_object_array_get_idx (findings, i), json_type_string)
            || !qs_store_code_valid (code)) {
            qs_err_set (err, 400, "bad_request", "finding codes must be snake_case");
            return NULL;
        }
        codes[i] = code;
        size_t used = strlen (joined);
        snprintf (joined + used, sizeof joined - used, "%s,", code);
    }
    in.at = qs_now_ms ();
    if (at_text && qs_time_parse (at_text, &in.at) != 0) {
        qs_err_set (err, 400, "bad_request", "at must be an RFC 3339 time");
        return NULL;
    }
    if (qs_id_new (in.id) != 0) {
        qs_err_set (err, 500, "internal_error", "no randomness for an id");
        return NULL;
    }
    in.service_id = in.service_id ? in.service_id : "";
    in.fix = in.fix ? in.fix : "";
    in.outcome = in.outcome ? in.outcome : "";
    in.codes = codes;
    in.ncodes = (int) n;
    in.codes_joined = joined;
    return self->ops->diag_put (self->impl, org_id, &in, err);
}

json_object *
qs_store_diagnosis_find (qs_store_t *self, const char *org_id, const char *code, int limit,
                         qs_err_t *err)
{
    assert (self);
    if (qs_store_check_owner (org_id, "-", err) != 0)
        return NULL;
    if (!qs_store_code_valid (code) || limit < 1 || limit > 100) {
        qs_err_set (err, 400, "bad_request", "bad finding code or limit");
        return NULL;
    }
    return self->ops->diag_find (self->impl, org_id, code, limit, err);
}
