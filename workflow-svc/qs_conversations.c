/*  qs_conversations - see qs_conversations.h */
#include "qs_conversations.h"
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

/*  The caller's owner, or a 401 answer when the envelope carried none. */
static const qs_auth_t *
s_owner (qs_req_t *req)
{
    const qs_auth_t *auth = qs_req_auth (req);
    if (!auth || !auth->sub[0] || !auth->org_id[0]) {
        qs_req_fail (req, 401, "unauthorized", "authentication required");
        return NULL;
    }
    return auth;
}

/*  Integer parameter from the body: a JSON number or a decimal string (query
    strings arrive as strings). Absent = def. -1 when malformed or outside
    min..max. */
static int
s_int_param (json_object *body, const char *key, int def, int min, int max, int *out)
{
    json_object *val = NULL;
    *out = def;
    if (!json_object_object_get_ex (body, key, &val) || json_object_is_type (val, json_type_null))
        return 0;
    long n;
    if (json_object_is_type (val, json_type_int)) {
        int64_t v = json_object_get_int64 (val);
        if (v < min || v > max)
            return -1;
        n = (long) v;
    }
    else if (json_object_is_type (val, json_type_string)) {
        const char *s = json_object_get_string (val);
        if (!*s)
            return 0;
        if (strspn (s, "0123456789") != strlen (s) || strlen (s) > 9)
            return -1;
        n = strtol (s, NULL, 10);
    }
    else
        return -1;
    if (n < min || n > max)
        return -1;
    *out = (int) n;
    return 0;
}

/*  Lent string parameter or NULL; non-strings count as absent. */
static const char *
s_str_param (json_object *body, const char *key)
{
    json_object *val = qs_json_get (body, key, json_type_string);
    return val ? json_object_get_string (val) : NULL;
}

/*  The page size of a list op ("limit", default 20, 1..100); a bad one is
    answered 400 here (-1). */
static int
s_page_limit (qs_req_t *req, int *limit)
{
    if (s_int_param (qs_req_body (req), "limit", QS_STORE_LIMIT_DEFAULT, 1, QS_STORE_LIMIT_MAX, limit) != 0)
        return qs_req_fail (req, 400, "bad_request", "limit must be an integer from 1 to %d",
                            QS_STORE_LIMIT_MAX);
    return 0;
}

int
qs_conversations_list_op (qs_req_t *req, void *arg)
{
    qs_store_t *store = arg;
    qs_err_t err = {0};
    const qs_auth_t *auth = s_owner (req);
    if (!auth)
        return -1;
    int limit;
    if (s_page_limit (req, &limit) != 0)
        return -1;
    json_object *out = qs_store_conversation_list (store, auth->org_id, auth->sub, limit,
                                                   s_str_param (qs_req_body (req), "cursor"), &err);
    if (!out)
        return qs_req_fail_err (req, &err);
    return qs_req_reply (req, &out);
}

int
qs_conversation_get_op (qs_req_t *req, void *arg)
{
    qs_store_t *store = arg;
    qs_err_t err = {0};
    const qs_auth_t *auth = s_owner (req);
    if (!auth)
        return -1;
    json_object *body = qs_req_body (req);
    const char *id = s_str_param (body, "id");
    int limit;
    if (s_int_param (body, "messages_limit", 200, 1, 1000, &limit) != 0)
        return qs_req_fail (req, 400, "bad_request",
                            "messages_limit must be an integer from 1 to 1000");
    json_object *conv = qs_store_conversation_get (store, auth->org_id, auth->sub, id, &err);
    if (!conv)
        return qs_req_fail_err (req, &err);
    json_object *page = qs_store_message_list (store, auth->org_id, auth->sub, id, limit,
                                               s_str_param (body, "messages_cursor"), &err);
    if (!page) {
        json_object_put (conv);
        return qs_req_fail_err (req, &err);
    }
    json_object *messages = json_object_get (json_object_object_get (page, "messages"));
    /* the contract's Message has no seq: paging goes through the cursor */
    for (size_t i = 0; i < json_object_array_length (messages); i++)
        json_object_object_del (json_object_array_get_idx (messages, i), "seq");
    json_object_object_add (conv, "messages", messages);
    json_object_object_add (conv, "messages_next_cursor",
                            json_object_get (json_object_object_get (page, "next_cursor")));
    json_object_put (page);
    return qs_req_reply (req, &conv);
}

int
qs_conversation_delete_op (qs_req_t *req, void *arg)
{
    qs_store_t *store = arg;
    qs_err_t err = {0};
    const qs_auth_t *auth = s_owner (req);
    if (!auth)
        return -1;
    const char *id = s_str_param (qs_req_body (req), "id");
    if (qs_store_conversation_delete (store, auth->org_id, auth->sub, id, &err) != 0)
        return qs_req_fail_err (req, &err);
    return qs_req_reply_status (req, 204, NULL);
}

int
qs_audit_list_op (qs_req_t *req, void *arg)
{
    qs_store_t *store = arg;
    qs_err_t err = {0};
    const qs_auth_t *auth = s_owner (req);
    if (!auth)
        return -1;
    int limit;
    if (s_page_limit (req, &limit) != 0)
        return -1;
    //  contract section 10: an admin sees the org's log, anyone else their own entries
    json_object *out = qs_store_audit_list (store, auth->org_id,
                                            qs_auth_is_admin (auth) ? NULL : auth->sub, limit,
                                            s_str_param (qs_req_body (req), "cursor"), &err);
    if (!out)
        return qs_req_fail_err (req, &err);
    return qs_req_reply (req, &out);
}
