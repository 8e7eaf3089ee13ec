/*  qs_store_impl - private to workflow-svc/store: the backend vtable and the
    record builders both backends share. qs_store.c validates every input before a
    backend sees it, so backends receive only checked, normalised values. */
#ifndef QS_STORE_IMPL_H
#define QS_STORE_IMPL_H

#include "qs_chain.h"
#include "qs_db.h"
#include "qs_db_json.h"
#include "qs_store.h"
#include "qs_util.h"

typedef struct {
    char id[QS_ID_LEN + 1];
    const char *role;
    const char *content;          /* valid UTF-8, no NUL */
    const char *metadata;         /* JSON object text */
    int64_t ts;
} qs_store_msg_in_t;

typedef struct {
    char id[QS_ID_LEN + 1];
    const char *conversation_id;
    const char *run_id;           /* "" when none */
    const char *type;
    const char *summary;
    const char *config;           /* JSON text or NULL */
    const char *estimate;         /* JSON text or NULL */
    const char *idempotency_key;  /* NULL when none */
    int64_t now;
} qs_store_action_in_t;

typedef struct {
    char id[QS_ID_LEN + 1];
    const char *service_id;       /* "" when none */
    const char *service_type;
    const char **codes;           /* validated snake_case finding codes */
    int ncodes;
    const char *codes_joined;     /* ",a,b," */
    const char *fix, *outcome;
    int64_t at;
} qs_store_diag_in_t;

/*  One audit entry before it is sealed (qs_store_audit.c adds seq, at,
    org_id, prev_hash and hash). Strings lent, validated; details an object
    (lent, NULL = {}) already stripped of secrets. */
typedef struct {
    const char *actor, *action_id, *type, *event, *service_id, *summary;
    json_object *details;
} qs_store_audit_in_t;

/*  Every function returns 0 / a new object on success, -1 / NULL with err set.
    Lists return JSON arrays; conversation_list returns up to limit+1 rows so
    the front can tell whether there is a next page. */
typedef struct {
    json_object *(*conv_create) (void *impl, const char *org, const char *user,
                                 const char *id, const char *title, int64_t now,
                                 const qs_store_msg_in_t *first, qs_err_t *err);
    json_object *(*conv_get) (void *impl, const char *org, const char *user, const char *id,
                              qs_err_t *err);
    json_object *(*conv_list) (void *impl, const char *org, const char *user, int limit,
                               int64_t before_created, const char *before_id, qs_err_t *err);
    int (*conv_delete) (void *impl, const char *org, const char *user, const char *id,
                        qs_err_t *err);

    /*  {"state":object,"version":int} of the owner's conversation, or 404. */
    json_object *(*dlg_get) (void *impl, const char *org, const char *user, const char *conv_id,
                             qs_err_t *err);
    /*  Set state (JSON object text) and version expected+1 when the stored
        version is expected; 409 when it is not, 404 when no such conversation. */
    int (*dlg_put) (void *impl, const char *org, const char *user, const char *conv_id,
                    const char *state, int64_t expected, qs_err_t *err);

    json_object *(*msg_append) (void *impl, const char *org, const char *user,
                                const char *conv_id, const qs_store_msg_in_t *msg,
                                qs_err_t *err);
    /*  The end of a chat turn: the conversation created first when title
        is not NULL, msgs (n >= 1) appended in order and, when state is not
        NULL, the dialogue state set as dlg_put does, all or nothing (404 /
        409 as dlg_put). NULL: qs_store.c writes them one by one (a backend
        without transactions). */
    int (*turn_save) (void *impl, const char *org, const char *user, const char *conv_id,
                      const char *title, const qs_store_msg_in_t *msgs, int n, const char *state,
                      int64_t expected, qs_err_t *err);
    /*  newest == false: seq > after_seq ascending; true: the last `limit`
        messages (returned oldest first). */
    json_object *(*msg_list) (void *impl, const char *org, const char *user,
                              const char *conv_id, int64_t after_seq, int limit, bool newest,
                              qs_err_t *err);

    int (*ckpt_put) (void *impl, const char *org, const char *user, const char *run_id,
                     const char *conv_id, int64_t step, const char *status, const char *state,
                     int64_t now, qs_err_t *err);
    json_object *(*ckpt_get) (void *impl, const char *org, const char *user,
                              const char *run_id, qs_err_t *err);
    json_object *(*ckpt_waiting) (void *impl, const char *org, const char *user,
                                  const char *conv_id, qs_err_t *err);
    int (*ckpt_delete) (void *impl, const char *org, const char *user, const char *run_id,
                        qs_err_t *err);
    long (*ckpt_prune) (void *impl, int64_t cutoff_ms, qs_err_t *err);

    json_object *(*act_create) (void *impl, const char *org, const char *user,
                                const qs_store_action_in_t *in, qs_err_t *err);
    json_object *(*act_get) (void *impl, const char *org, const char *user, const char *id,
                             qs_err_t *err);
    json_object *(*act_transition) (void *impl, const char *org, const char *user,
                                    const char *id, const char *to, const char *result,
                                    int64_t now, qs_err_t *err);
    json_object *(*act_pending) (void *impl, const char *org, const char *user,
                                 const char *conv_id, qs_err_t *err);

    json_object *(*diag_put) (void *impl, const char *org, const qs_store_diag_in_t *in,
                              qs_err_t *err);
    json_object *(*diag_find) (void *impl, const char *org, const char *code, int limit,
                               qs_err_t *err);

    /*  Append one entry to org's chain (qs_store_audit.c: qs_store_audit_chain
        inside the backend's own transaction, if any). */
    json_object *(*audit_append) (void *impl, const char *org, const qs_store_audit_in_t *in,
                                  qs_err_t *err);
    /*  Entries with seq > after_seq ascending, at most limit; actor NULL =
        every actor of org. */
    json_object *(*audit_list) (void *impl, const char *org, const char *actor, int64_t after_seq,
                                int limit, qs_err_t *err);
} qs_store_ops_t;

struct _qs_store_t {
    qs_db_t *db;
    const qs_store_ops_t *ops;
    void *impl;                /* the db's connection, lent to the backend */
};

/*  Backend set-up on an open database: create or migrate the schema (the
    indexes), then *ops is the backend's vtable over the lent connection. */
int qs_store_sqlite_init (qs_lite_t *lite, const qs_store_ops_t **ops, qs_err_t *err);
int qs_store_mongo_init (qs_mongo_t *mongo, const qs_store_ops_t **ops, qs_err_t *err);

/* ---- qs_store_audit.c: the chain both backends append to ----------------

    How a backend reads the head of an org's chain and inserts a sealed
    entry; the caller holds whatever lock or transaction the backend needs. */
typedef struct {
    /*  seq and hash of org's last entry (0 and "" when it has none). 0 or -1. */
    int (*last) (void *impl, const char *org, int64_t *seq, char hash[QS_CHAIN_HASH_LEN + 1],
                 qs_err_t *err);
    /*  Insert entry (a sealed AuditEntry, lent) unless (org, seq) is taken,
        which is 409 conflict. 0 or -1. */
    int (*insert) (void *impl, const char *org, json_object *entry, qs_err_t *err);
} qs_store_audit_io_t;

extern const qs_store_audit_io_t qs_lite_audit_io;
extern const qs_store_audit_io_t qs_mongo_audit_io;

/*  Read the head, seal in as the next entry, insert; on 409 (another writer
    took that seq) read again and retry, a bounded number of times (then
    503). Returns the stored entry (new object). */
json_object *qs_store_audit_chain (const qs_store_audit_io_t *io, void *impl, const char *org,
                                   const qs_store_audit_in_t *in, qs_err_t *err);
/*  Append the events that action (a stored Action, lent) just went through,
    as its status says: pending_confirmation -> proposed; executed|failed ->
    confirmed then executed|failed; cancelled -> superseded when its result
    has "superseded_by", else cancelled. Adds "audit": [entries] to action.
    actor is the user. 0 or -1. */
int qs_store_audit_action (const qs_store_audit_io_t *io, void *impl, const char *org,
                           const char *actor, json_object *action, qs_err_t *err);
/*  An AuditEntry from stored fields (details: JSON object text). New
    object; NULL only on allocation failure. */
json_object *qs_store_rec_audit (const char *org, int64_t seq, const char *at, const char *actor,
                                 const char *action_id, const char *type, const char *event,
                                 const char *service_id, const char *summary,
                                 const char *details, const char *prev_hash, const char *hash);

/* ---- record builders (new objects; NULL only on allocation failure) ---- */
json_object *qs_store_rec_conversation (const char *id, const char *title, int64_t created,
                                        int64_t updated, int64_t count);
json_object *qs_store_rec_message (const char *id, int64_t seq, const char *role,
                                   const char *content, int64_t ts, const char *metadata);
json_object *qs_store_rec_checkpoint (const char *run_id, const char *conv_id, int64_t step,
                                      const char *status, const char *state, int64_t created,
                                      int64_t updated);
json_object *qs_store_rec_action (const char *id, const char *type, const char *status,
                                  const char *summary, const char *config,
                                  const char *estimate, const char *result,
                                  const char *conv_id, const char *run_id,
                                  const char *idem, int64_t created, int64_t updated);
/*  {"state":object ({} for bad or missing text),"version"} */
json_object *qs_store_rec_dialogue (const char *state, int64_t version);
/*  codes_joined is ",a,b," */
json_object *qs_store_rec_diagnosis (const char *id, const char *service_id,
                                     const char *service_type, const char *codes_joined,
                                     const char *fix, const char *outcome, int64_t at);

/* ---- qs_store_check.c: checks used by the front before any backend call ---- */

/*  True when s is one of the NULL-terminated set. */
bool qs_store_in (const char *s, const char **set);
/*  Owner ids present (400) and clean (422). */
int qs_store_check_owner (const char *org, const char *user, qs_err_t *err);
/*  A malformed id is 404 "<what> not found". */
int qs_store_check_id (const char *what, const char *id, qs_err_t *err);
/*  snake_case, 1..48 characters (finding codes). */
bool qs_store_code_valid (const char *s);
/*  Title from content: whitespace runs become one space, trimmed, at most
    QS_STORE_TITLE_MAX characters; "New conversation" when empty. */
void qs_store_make_title (const char *content, char *out, size_t size);
/*  Validate {"role","content","metadata"?} into m (new id, now); *meta_p
    receives the metadata text to free. */
int qs_store_message_in (json_object *msg, qs_store_msg_in_t *m, char **meta_p, qs_err_t *err);
/*  Cursors are base64url of "c1:<created_ms>:<id>" / "m1:<seq>"; a bad
    cursor is 400. */
void qs_store_cursor_encode (const char *in, char *out, size_t size);
int qs_store_conv_cursor_parse (const char *cursor, int64_t *ms, char id[QS_ID_LEN + 1],
                                qs_err_t *err);
int qs_store_msg_cursor_parse (const char *cursor, int64_t *seq, qs_err_t *err);
/*  {key: rows, "next_cursor"} from up to limit + 1 rows in seq order (takes
    rows): the extra row only says there is a next page, whose cursor ("m1:")
    is the last kept row's seq. */
json_object *qs_store_seq_page (json_object *rows, int limit, const char *key);

#endif
