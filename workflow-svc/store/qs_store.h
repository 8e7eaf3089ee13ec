/*  qs_store - the workflow's repositories: conversations (with their
    dialogue state), messages, workflow checkpoints, pending actions and
    diagnosis history, on the storage driver (common/storage, qs_db.h).

    One interface, two backends chosen by URL:
      sqlite:///abs/path.db   sqlite://rel/path.db   (embedded, WAL, multi-process)
      mongodb://host:port/db?w=majority&readPreference=...   (pooled mongo-c client)

    Records cross the interface as json-c objects. Every returned object is new
    and belongs to the caller (json_object_put). Every input object is lent.
    Times in records are RFC 3339 UTC strings; sync cursors carry epoch ms too.

    Every user-data call is scoped by (org_id, user_id): a record of another
    owner answers 404 "not_found", exactly like a missing one. Ids come from
    qs_id_new; a malformed id is a 404 without touching the database.
    Errors: 400 bad_request (bad argument or cursor), 404 not_found, 409
    conflict, 413 payload_too_large, 422 invalid_input (bad UTF-8, NUL bytes,
    bad role), 500 internal_error, 503 store_unavailable (database down or
    busy; worth a retry).

    A qs_store_t is safe to use from several threads (SQLite: one connection
    guarded by a mutex; MongoDB: a client pool). Open one per process. */
#ifndef QS_STORE_H
#define QS_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include "qs_err.h"

typedef struct _qs_store_t qs_store_t;

#define QS_STORE_CONTENT_MAX  (256 * 1024)   /* bytes of a message body */
#define QS_STORE_META_MAX     (64 * 1024)    /* bytes of serialised metadata/state */
#define QS_STORE_TITLE_MAX    80             /* Unicode characters of a title */
#define QS_STORE_LIMIT_MAX    100
#define QS_STORE_LIMIT_DEFAULT 20

/*  Open the store at url (see above); creates or migrates the schema and the
    indexes. NULL on failure with err set (400 bad URL, 503 unreachable). */
qs_store_t *qs_store_new (const char *url, qs_err_t *err);
void qs_store_destroy (qs_store_t **self_p);

/*  "sqlite" or "mongodb". Lent. */
const char *qs_store_backend (qs_store_t *self);

/*  Cheap round trip to the database (readiness). 0 or -1 (503). */
int qs_store_ping (qs_store_t *self, qs_err_t *err);

/*  The open database (lent), for the repositories that share the store's
    connection (qs_incidents, qs_settings). */
struct _qs_db_t *qs_store_db (qs_store_t *self);

/* ---- conversations ----------------------------------------------------
    Conversation: {"id","title","created_at","updated_at","message_count"} */

/*  Create a conversation. first_message ({"role","content","metadata"?}, may
    be NULL) is inserted in the same transaction, so a conversation is never
    visible without it; the title comes from the first user message, trimmed
    and cut to 80 characters ("New conversation" when there is none). */
json_object *qs_store_conversation_create (qs_store_t *self, const char *org_id,
                                           const char *user_id, json_object *first_message,
                                           qs_err_t *err);

json_object *qs_store_conversation_get (qs_store_t *self, const char *org_id,
                                        const char *user_id, const char *id, qs_err_t *err);

/*  {"conversations":[Conversation],"next_cursor":str|null}, newest first.
    limit 0 = 20, else 1..100 (400 outside). cursor NULL or "" = first page.
    Order is (created_at, id) descending: a conversation's place never changes,
    so paging with next_cursor never repeats or skips one, whatever messages or
    new conversations arrive meanwhile (new ones show on a fresh first page). */
json_object *qs_store_conversation_list (qs_store_t *self, const char *org_id,
                                         const char *user_id, int limit, const char *cursor,
                                         qs_err_t *err);

/*  Delete with its messages, dialogue state, checkpoints and pending actions. 0 or -1 (404). */
int qs_store_conversation_delete (qs_store_t *self, const char *org_id, const char *user_id,
                                  const char *id, qs_err_t *err);

/* ---- dialogue state ------------------------------------------------------
    The conversation's dialogue state (contract section 8): one JSON object and
    a version per conversation, kept with it, deleted with it. */

/*  *state_p gets a new object ({} when never set; caller puts it), *version_p
    its version (0 when never set). 404 as for conversation_get. */
int qs_store_dialogue_get (qs_store_t *self, const char *org_id, const char *user_id,
                           const char *conversation_id, json_object **state_p,
                           int64_t *version_p, qs_err_t *err);
/*  Replace it when the stored version is still expected_version (optimistic
    concurrency across replicas); the new version is expected_version + 1.
    409 conflict when another writer got there first; 413 over
    QS_STORE_META_MAX; 400 when state is not an object (NULL = {}). state lent. */
int qs_store_dialogue_put (qs_store_t *self, const char *org_id, const char *user_id,
                           const char *conversation_id, json_object *state,
                           int64_t expected_version, qs_err_t *err);

/* ---- messages ----------------------------------------------------------
    Message: {"id","role","content","timestamp","metadata","seq"}; seq is the
    1-based position in the conversation. */

/*  Append {"role":"user|assistant|system","content":str,"metadata"?:object};
    message_count and updated_at change in the same transaction. Content:
    valid UTF-8, no NUL, at most QS_STORE_CONTENT_MAX bytes. Returns Message. */
json_object *qs_store_message_append (qs_store_t *self, const char *org_id,
                                      const char *user_id, const char *conversation_id,
                                      json_object *message, qs_err_t *err);

/*  The end of a chat turn in one write: the conversation created when
    create (conversation_id a fresh qs_id_new id, titled from user_message
    as conversation_create titles), user_message (may be NULL: a turn
    without one, e.g. a confirmation) and reply appended in that order, and
    state (may be NULL: unchanged) replacing the dialogue state when its
    version is still expected_version. All lent. On SQLite one transaction
    (nothing is written on a 409); on MongoDB the conversation, the state,
    then the messages. 0, or -1 with the errors of conversation_create,
    dialogue_put and message_append. */
int qs_store_turn_save (qs_store_t *self, const char *org_id, const char *user_id,
                        const char *conversation_id, bool create, json_object *user_message,
                        json_object *reply, json_object *state, int64_t expected_version,
                        qs_err_t *err);

/*  {"messages":[Message],"next_cursor":str|null}, oldest first, at most limit
    (0 = 100, max 1000) per page. */
json_object *qs_store_message_list (qs_store_t *self, const char *org_id, const char *user_id,
                                    const char *conversation_id, int limit, const char *cursor,
                                    qs_err_t *err);

/*  The last n (1..1000) messages, oldest first, as a JSON array (context). */
json_object *qs_store_message_recent (qs_store_t *self, const char *org_id,
                                      const char *user_id, const char *conversation_id, int n,
                                      qs_err_t *err);

/* ---- workflow checkpoints ---------------------------------------------
    One record per run, the latest step wins:
    {"run_id","conversation_id","step","status","state","created_at","updated_at"}
    status: running | waiting_confirmation | finished | failed | cancelled. */

/*  Save the state of run_id at step. A put with a lower step than the stored
    one is ignored (a stale writer cannot roll a run back). state is lent. */
int qs_store_checkpoint_put (qs_store_t *self, const char *org_id, const char *user_id,
                             const char *run_id, const char *conversation_id, int64_t step,
                             const char *status, json_object *state, qs_err_t *err);
json_object *qs_store_checkpoint_get (qs_store_t *self, const char *org_id,
                                      const char *user_id, const char *run_id, qs_err_t *err);
/*  Runs of the owner with status waiting_confirmation, newest first, as an
    array; conversation_id NULL = all conversations. */
json_object *qs_store_checkpoint_waiting (qs_store_t *self, const char *org_id,
                                          const char *user_id, const char *conversation_id,
                                          qs_err_t *err);
int qs_store_checkpoint_delete (qs_store_t *self, const char *org_id, const char *user_id,
                                const char *run_id, qs_err_t *err);
/*  Maintenance, all owners: remove finished/failed/cancelled runs last
    updated before cutoff_ms. Returns the number removed, or -1. */
long qs_store_checkpoint_prune (qs_store_t *self, int64_t cutoff_ms, qs_err_t *err);

/* ---- actions -----------------------------------------------------------
    Action: {"id","type","status","summary","config"?,"estimate"?,"result"?,
             "conversation_id","run_id","idempotency_key"?,"created_at","updated_at"} */

/*  Every change of an action's state is appended to the org's audit log
    (below) in the same step (SQLite: the same transaction; MongoDB: right
    after the action's own write, see qs_store_mongo.c): create -> proposed;
    executed|failed -> confirmed then executed|failed; cancelled ->
    cancelled or superseded. The Action returned by create, transition and
    supersede then carries "audit": [AuditEntry], the entries this call
    appended (for the audit.appended events; not part of the stored action
    and absent when nothing was appended, e.g. an idempotent create).
    Audit details hold the action's config and estimate (proposed) or
    result (executed/failed), without any key that names a password, token,
    secret or key. */

/*  Create a pending_confirmation action from {"id"? (else generated),
    "conversation_id","run_id"?,"type","summary","config"?,"estimate"?,
    "idempotency_key"?}. An existing action of the owner with the same
    idempotency_key is returned instead of a new one. */
json_object *qs_store_action_create (qs_store_t *self, const char *org_id,
                                     const char *user_id, json_object *action, qs_err_t *err);
json_object *qs_store_action_get (qs_store_t *self, const char *org_id, const char *user_id,
                                  const char *id, qs_err_t *err);
/*  Compare-and-set pending_confirmation -> to (executed|cancelled|failed),
    atomic across processes. result (lent, may be NULL) is stored with it.
    Returns the updated Action; 409 "conflict" when it is no longer pending,
    404 when it is not the owner's. */
json_object *qs_store_action_transition (qs_store_t *self, const char *org_id,
                                         const char *user_id, const char *id, const char *to,
                                         json_object *result, qs_err_t *err);
/*  Cancel a pending action because a revised plan (the action by_id)
    replaces it: the same compare-and-set as a transition to "cancelled",
    with result {"superseded_by": by_id}, and the audit log says
    "superseded" instead of "cancelled". Returns the updated Action (409 /
    404 as for a transition; 400 when by_id is malformed). */
json_object *qs_store_action_supersede (qs_store_t *self, const char *org_id,
                                        const char *user_id, const char *id, const char *by_id,
                                        qs_err_t *err);
/*  Pending actions of a conversation, oldest first, as an array. */
json_object *qs_store_action_pending (qs_store_t *self, const char *org_id,
                                      const char *user_id, const char *conversation_id,
                                      qs_err_t *err);

/* ---- audit log (per organization, contract section 10) -------------------
    AuditEntry: {"seq","at","org_id","actor","action_id","type","event",
    "service_id","summary","details","prev_hash","hash"}: seq 1, 2, 3 ... per
    org; hash = SHA-256 hex of the RFC 8785 form of the entry without "hash"
    (qs_chain.h); prev_hash = the org's previous entry's hash ("" for seq 1).
    Append-only: there is no call that changes or removes an entry. Two
    writers (threads, processes, replicas) appending for one org at once
    never fork the chain: (org, seq) is unique (SQLite UNIQUE; MongoDB a
    unique index and a conditional insert) and the loser re-reads the head
    and retries. */

#define QS_AUDIT_EVENTS "proposed", "superseded", "confirmed", "cancelled", "executed", "failed"

/*  Append {"actor","event" (one of QS_AUDIT_EVENTS),"action_id"?,"type"?,
    "service_id"?,"summary"?,"details"? (object)} to org's chain (the action
    repository does this itself; this call is for other events and tests).
    Keys of details that name a secret are dropped. Returns the sealed
    entry; 400 bad input, 503 when the chain stayed contended. */
json_object *qs_store_audit_append (qs_store_t *self, const char *org_id, json_object *entry,
                                    qs_err_t *err);

/*  {"entries":[AuditEntry],"next_cursor":str|null} in seq order, oldest
    first. actor NULL = the whole org (an admin's view), else only that
    actor's entries. limit 0 = 20, else 1..100 (400 outside); cursor NULL or
    "" = from the start, a bad cursor is 400. Entries are only ever
    appended, so paging never skips or repeats one. */
json_object *qs_store_audit_list (qs_store_t *self, const char *org_id, const char *actor,
                                  int limit, const char *cursor, qs_err_t *err);

/* ---- diagnosis history (per organization) ------------------------------
    Diagnosis: {"id","service_id"?,"service_type","findings":[code],"fix",
                "outcome","at"} */

/*  Record {"service_id"?,"service_type","findings":[snake_case codes],"fix"?,
    "outcome"?,"at"? (RFC 3339, default now)}. Returns the stored record. */
json_object *qs_store_diagnosis_put (qs_store_t *self, const char *org_id,
                                     json_object *record, qs_err_t *err);
/*  The org's most recent records (at most limit, 1..100) whose findings
    contain code, newest first, as an array. */
json_object *qs_store_diagnosis_find (qs_store_t *self, const char *org_id,
                                      const char *code, int limit, qs_err_t *err);

#endif
