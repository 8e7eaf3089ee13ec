/*  qs_ops - see qs_ops.h */
#include "qs_ops.h"
#include "qs_auth.h"
#include "qs_json.h"
#include "qs_util.h"
#include <string.h>

#define V QS_ROLE_VIEWER
#define M QS_ROLE_MEMBER
#define A QS_ROLE_ADMIN
#define CHAT qs_ops_validate_chat, 0, QS_CHAT_MESSAGE_MAX
//  One JSON-RPC message: a chat tool call of 8000 characters fits even
//  when every one is written as an escaped surrogate pair (12 bytes)
#define MCP_BODY_MAX (128 * 1024)

//  Contract section 4, then the operations' own routes, then the ops
//  between services. Confirming runs the paused workflow (it executes), so
//  it needs member; cancelling executes nothing.
static const qs_ops_row_t s_ops[] = {
    //  method, path, kind, service, op, role, has_body, stream, internal, validator, limits, effects
    { "GET",    "/api/v1/health",        QS_OP_HEALTH,  NULL, NULL, 0, false, false, false, NULL, 0, 0, false },
    { "GET",    "/api/v1/health/ready",  QS_OP_READY,   NULL, NULL, 0, false, false, false, NULL, 0, 0, false },
    { "GET",    "/api/v1/metrics",       QS_OP_METRICS, NULL, NULL, 0, false, false, false, NULL, 0, 0, false },
    { "POST",   "/api/v1/chat",          QS_OP_BUS, "workflow", "chat", V, true, false, false, CHAT, true },
    { "POST",   "/api/v1/chat/stream",   QS_OP_BUS, "workflow", "chat", V, true, true, false, CHAT, true },
    { "GET",    "/api/v1/chat/conversations", QS_OP_BUS, "workflow", "conversations_list", V, false, false, false, NULL, 0, 0, false },
    { "GET",    "/api/v1/chat/conversations/{id}", QS_OP_BUS, "workflow", "conversation_get", V, false, false, false, NULL, 0, 0, false },
    { "DELETE", "/api/v1/chat/conversations/{id}", QS_OP_BUS, "workflow", "conversation_delete", V, false, false, false, NULL, 0, 0, false },
    { "POST",   "/api/v1/actions/{action_id}/confirm", QS_OP_BUS, "workflow", "action_confirm", M, true, false, false, NULL, 0, 0, true },
    { "POST",   "/api/v1/actions/{action_id}/cancel",  QS_OP_BUS, "workflow", "action_cancel", V, true, false, false, NULL, 0, 0, true },
    { "GET",    "/api/v1/recommendations", QS_OP_BUS, "workflow", "recommendations", V, false, false, false, NULL, 0, 0, false },
    //  a viewer may ask: it only proposes; confirming needs member or admin
    { "POST",   "/api/v1/recommendations/{id}/apply", QS_OP_BUS, "workflow", "recommendation_apply", V, true, false, false, NULL, 0, 0, true },
    { "GET",    "/api/v1/audit",         QS_OP_BUS, "workflow", "audit_list", V, false, false, false, NULL, 0, 0, false },
    { "GET",    "/api/v1/knowledge/search", QS_OP_BUS, "knowledge", "search", V, false, false, false, NULL, 0, 0, false },
    { "POST",   "/api/v1/knowledge/documents", QS_OP_BUS, "knowledge", "add_document", A, true, false, false, NULL, 0, 0, true },
    { "DELETE", "/api/v1/knowledge/documents/{id}", QS_OP_BUS, "knowledge", "delete_document", A, false, false, false, NULL, 0, 0, true },
    //  Contract section 11: Alertmanager's receiver (a member token of the
    //  org: alerts open incidents and notify; the body within QS_MAX_BODY_BYTES),
    //  incidents for every role, the org's notification settings for admins
    { "POST",   "/api/v1/alerts/alertmanager", QS_OP_BUS, "workflow", "alert_receive", M, true, false, false, NULL, 0, 0, true },
    { "GET",    "/api/v1/incidents", QS_OP_BUS, "workflow", "incidents_list", V, false, false, false, NULL, 0, 0, false },
    { "GET",    "/api/v1/settings/notifications", QS_OP_BUS, "workflow", "notifications_get", A, false, false, false, NULL, 0, 0, false },
    { "PUT",    "/api/v1/settings/notifications", QS_OP_BUS, "workflow", "notifications_put", A, true, false, false, NULL, 16384, 0, false },
    //  Not contract section 4: one round trip to a worker's built-in ping
    //  (the benchmark's gateway -> broker -> worker path)
    { "GET",    "/api/v1/ping/{service}", QS_OP_BUS, NULL, "ping", V, false, false, false, NULL, 0, 0, false },
    //  Contract section 11: the MCP server, answered by the gateway (qs_mcp)
    //  with the caller's token; its tools run the bus ops of their rows
    { "POST",   "/mcp",                  QS_OP_MCP, NULL, NULL, V, true, false, false, NULL, MCP_BODY_MAX, 0, false },
    //  Bus clients only (no REST route): the MCP tools' reads of services
    { NULL, NULL, QS_OP_BUS, "workflow", "services_list",    V, false, false, false, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "workflow", "service_get",      V, false, false, false, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "workflow", "service_diagnose", V, false, false, false, NULL, 0, 0, true },
    { NULL, NULL, QS_OP_BUS, "workflow", "connection_info",  V, false, false, false, NULL, 0, 0, false },
    //  Between services only (proto/bus.md); the broker keeps bus clients
    //  out, so no role applies
    { NULL, NULL, QS_OP_BUS, "intent", "classify", V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "intent", "extract",  V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "intent", "understand", V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "pods",     V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "pod",      V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "logs",     V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "events",   V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "metrics",  V, false, false, true, NULL, 0, 0, false },
    { NULL, NULL, QS_OP_BUS, "k8s", "restart",  V, false, false, true, NULL, 0, 0, true },
    { NULL, NULL, QS_OP_BUS, "k8s", "scale",    V, false, false, true, NULL, 0, 0, true },
    { NULL, NULL, QS_OP_BUS, "k8s", "snapshot", V, false, false, true, NULL, 0, 0, false },
};

#undef V
#undef M
#undef A
#undef CHAT
#undef MCP_BODY_MAX

//  The targets of /api/v1/ping/{service} and of readiness; the table's
//  unit test checks that each has rows and each row's service is here.
static const char *const s_services[] = { "intent", "workflow", "knowledge", "k8s", NULL };

const qs_ops_row_t *
qs_ops_table (size_t *count)
{
    if (count)
        *count = sizeof s_ops / sizeof s_ops[0];
    return s_ops;
}

const qs_ops_row_t *
qs_ops_http (size_t *count)
{
    size_t n = 0, total = sizeof s_ops / sizeof s_ops[0];
    while (n < total && s_ops[n].pattern)
        n++;
    if (count)
        *count = n;
    return s_ops;
}

const char *const *
qs_ops_services (void)
{
    return s_services;
}

const qs_ops_row_t *
qs_ops_find (const char *service, const char *op)
{
    for (size_t i = 0; service && op && i < sizeof s_ops / sizeof s_ops[0]; i++)
        if (s_ops[i].service && s_ops[i].op
            && !strcmp (s_ops[i].service, service) && !strcmp (s_ops[i].op, op))
            return &s_ops[i];
    return NULL;
}

bool
qs_ops_retry_safe (const char *service, const char *op)
{
    const qs_ops_row_t *row = service && op ? qs_ops_find (service, op) : NULL;
    return row && !row->effects;
}

bool
qs_ops_allows (const qs_ops_row_t *row, unsigned roles)
{
    if (!row)
        return false;
    if (row->role & QS_ROLE_ADMIN)
        return (roles & QS_ROLE_ADMIN) != 0;
    if (row->role & QS_ROLE_MEMBER)
        return (roles & (QS_ROLE_MEMBER | QS_ROLE_ADMIN)) != 0;
    return true;
}

int
qs_ops_validate_chat (const qs_ops_row_t *row, json_object *body, qs_err_t *err)
{
    int max = row && row->chars_max > 0 ? row->chars_max : QS_CHAT_MESSAGE_MAX;
    json_object *msg = NULL;
    if (!body || !json_object_is_type (body, json_type_object)
        || !json_object_object_get_ex (body, "message", &msg) || !msg)
        return qs_err_set (err, 400, "bad_request", "\"message\" is required");
    if (!json_object_is_type (msg, json_type_string))
        return qs_err_set (err, 400, "bad_request", "\"message\" must be a string");
    long chars = qs_utf8_length (json_object_get_string (msg),
                                 (size_t) json_object_get_string_len (msg));
    if (chars < 0)
        return qs_err_set (err, 400, "bad_request", "\"message\" is not valid UTF-8");
    if (chars < 1 || chars > max)
        return qs_err_set (err, 400, "bad_request", "\"message\" must have 1 to %d characters", max);
    json_object *cid = NULL;
    if (json_object_object_get_ex (body, "conversation_id", &cid) && cid
        && !json_object_is_type (cid, json_type_string))
        return qs_err_set (err, 400, "bad_request", "\"conversation_id\" must be a string");
    return 0;
}

int
qs_ops_admit (void *arg, const char *service, const char *op, unsigned roles,
              const char *body, size_t len, qs_err_t *err)
{
    (void) arg;
    const qs_ops_row_t *row = qs_ops_find (service, op);
    if (!row || row->internal)
        return qs_err_set (err, 403, "forbidden", "this operation is not open to bus clients");
    if (!qs_ops_allows (row, roles))
        return qs_err_set (err, 403, "forbidden", "your role cannot run this operation");
    if (!row->validate)
        return 0;
    const char *why = NULL;
    json_object *parsed = qs_json_parse (body, len, &why);
    int rc = parsed ? row->validate (row, parsed, err)
                    : qs_err_set (err, 400, "bad_request", "the body is not valid JSON");
    json_object_put (parsed);
    return rc;
}
