/*  qs_conversations - the workflow worker's conversation ops (contract section 4):
      conversations_list   {"limit"?, "cursor"?}  -> {"conversations":[...],"next_cursor"}
      conversation_get     {"id", "messages_limit"?, "messages_cursor"?}
                           -> Conversation + "messages" (oldest first, at most
                              messages_limit, default 200, max 1000) +
                              "messages_next_cursor" (null when complete)
      conversation_delete  {"id"} -> 204
      audit_list           {"limit"?, "cursor"?} -> {"entries":[AuditEntry],"next_cursor"}
                           (contract section 10: the org's log for an admin, the
                           caller's own entries for anyone else; oldest first)
    Every op is scoped to the caller's (org_id, sub); another user's
    conversation answers 404. Handlers are plain qs_op_fn over a lent
    qs_store_t, so tests call them with qs_req_new_local. */
#ifndef QS_CONVERSATIONS_H
#define QS_CONVERSATIONS_H

#include "qs_store.h"
#include "qs_worker.h"

/*  arg is the qs_store_t (lent; must outlive the worker). */
int qs_conversations_list_op (qs_req_t *req, void *arg);
int qs_conversation_get_op (qs_req_t *req, void *arg);
int qs_conversation_delete_op (qs_req_t *req, void *arg);
int qs_audit_list_op (qs_req_t *req, void *arg);

#endif
