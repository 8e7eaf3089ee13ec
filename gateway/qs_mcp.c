/*  qs_mcp - see qs_mcp.h. */
#include "qs_mcp.h"
#include "qs_mcp_tools.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RPC_PARSE_ERROR       -32700
#define RPC_INVALID_REQUEST   -32600
#define RPC_METHOD_NOT_FOUND  -32601
#define RPC_INVALID_PARAMS    -32602
#define RPC_HEADER_MISMATCH   -32020     /* 2026-07-28 */
#define RPC_UNSUPPORTED_VERSION -32022   /* 2026-07-28 */
#define ID_MAX_BYTES          256
#define META_VERSION          "io.modelcontextprotocol/protocolVersion"

//  Newest first. The first four speak the initialize handshake; 2026-07-28
//  is stateless (every request carries its version in _meta).
static const char *const s_versions[] = {
    "2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", NULL
};
#define HANDSHAKE_LATEST 1    /* s_versions[1]: what initialize falls back to */

static const char s_instructions[] =
    "QuickSpin AI manages the organisation's Redis, RabbitMQ, PostgreSQL, MongoDB, MySQL, "
    "Kafka and Elasticsearch services. Read tools never change anything. `chat` may propose a "
    "change as a pending action; only confirm_action (when offered) executes it, with the "
    "caller's own permissions.";

struct _qs_mcp_t {
    bool writes;
    char version[32];
};

qs_mcp_t *
qs_mcp_new (const qs_mcp_config_t *config)
{
    qs_mcp_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->writes = config && config->writes;
    qs_strlcpy (self->version, config && config->version ? config->version : "0", sizeof self->version);
    return self;
}

void
qs_mcp_destroy (qs_mcp_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

void
qs_mcp_reply_free (qs_mcp_reply_t *reply)
{
    if (reply) {
        free (reply->body);
        reply->body = NULL;
    }
}

json_object *
qs_mcp_tools (qs_mcp_t *self)
{
    json_object *list = json_object_new_array ();
    const qs_mcp_tool_t *t;
    for (size_t i = 0; (t = qs_mcp_tool_at (i, self->writes)); i++)
        json_object_array_add (list, qs_mcp_tool_describe (t));
    return list;
}

static int
s_send (qs_mcp_reply_t *reply, int status, json_object **msg_p)
{
    const char *text = qs_json_text (*msg_p);
    reply->status = status;
    reply->body = text ? strdup (text) : NULL;
    json_object_put (*msg_p);
    *msg_p = NULL;
    return reply->body ? 0 : -1;
}

static json_object *
s_envelope (json_object *id)
{
    json_object *msg = json_object_new_object ();
    qs_json_add_str (msg, "jsonrpc", "2.0");
    json_object_object_add (msg, "id", json_object_get (id));
    return msg;
}

/*  A JSON-RPC error reply (data taken, may be NULL). */
static int
s_error (qs_mcp_reply_t *reply, int status, json_object *id, int code, const char *message,
         json_object *data)
{
    json_object *msg = s_envelope (id), *e = json_object_new_object ();
    qs_json_add_int (e, "code", code);
    qs_json_add_str (e, "message", message);
    if (data)
        json_object_object_add (e, "data", data);
    json_object_object_add (msg, "error", e);
    return s_send (reply, status, &msg);
}

static int
s_result (qs_mcp_reply_t *reply, json_object *id, json_object *result)
{
    json_object *msg = s_envelope (id);
    json_object_object_add (msg, "result", result);
    return s_send (reply, 200, &msg);
}

static bool
s_known_version (const char *v, size_t from)
{
    for (size_t i = from; v && s_versions[i]; i++)
        if (!strcmp (v, s_versions[i]))
            return true;
    return false;
}

static json_object *
s_version_list (size_t from)
{
    json_object *list = json_object_new_array ();
    for (size_t i = from; s_versions[i]; i++)
        json_object_array_add (list, json_object_new_string (s_versions[i]));
    return list;
}

static json_object *
s_server_info (qs_mcp_t *self)
{
    json_object *info = json_object_new_object ();
    qs_json_add_str (info, "name", "quickspin-ai");
    qs_json_add_str (info, "title", "QuickSpin AI");
    qs_json_add_str (info, "version", self->version);
    return info;
}

static json_object *
s_capabilities (void)
{
    json_object *caps = json_object_new_object (), *tools = json_object_new_object ();
    qs_json_add_bool (tools, "listChanged", false);
    json_object_object_add (caps, "tools", tools);
    return caps;
}

/*  A JSON-RPC id is a string or an integer; null, fractions and integers
    json-c could not hold exactly (it saturates) are refused. */
static bool
s_id_ok (json_object *id)
{
    if (json_object_is_type (id, json_type_string))
        return json_object_get_string_len (id) <= ID_MAX_BYTES;
    if (!json_object_is_type (id, json_type_int))
        return false;
    int64_t n = json_object_get_int64 (id);
    return n != INT64_MAX && n != INT64_MIN;
}

static int
s_call_tool (qs_mcp_t *self, json_object *id, json_object *params, qs_mcp_exec_fn *exec,
             void *arg, qs_mcp_reply_t *reply)
{
    const char *name = qs_json_str (params, "name", NULL);
    if (!name)
        return s_error (reply, 200, id, RPC_INVALID_PARAMS, "tools/call needs params.name", NULL);
    const qs_mcp_tool_t *tool = qs_mcp_tool_find (name, self->writes);
    if (!tool) {
        char msg[160];
        snprintf (msg, sizeof msg, "Unknown tool: %.100s", name);
        return s_error (reply, 200, id, RPC_INVALID_PARAMS, msg, NULL);
    }
    char why[200];
    json_object *args = NULL;
    json_object_object_get_ex (params, "arguments", &args);
    json_object *body = qs_mcp_tool_body (tool, args, why, sizeof why);
    if (!body)
        return s_error (reply, 200, id, RPC_INVALID_PARAMS, why, NULL);
    json_object *out = NULL;
    qs_err_t err = {0};
    int rc = exec (arg, tool->service, tool->op, body, &out, &err);
    json_object_put (body);
    json_object *result = json_object_new_object (), *content = json_object_new_array ();
    json_object *text = json_object_new_object ();
    qs_json_add_str (text, "type", "text");
    if (rc == 0 && out) {
        //  the JSON as text too, for clients that ignore structuredContent
        qs_json_add_str (text, "text", qs_json_text (out));
        json_object_object_add (result, "structuredContent", out);
        qs_json_add_bool (result, "isError", false);
    }
    else {
        json_object_put (out);
        if (!err.status)
            qs_err_set (&err, 502, "bad_gateway", "the tool returned nothing");
        char msg[640];
        snprintf (msg, sizeof msg, "%s (%s)", err.message, err.code);
        qs_json_add_str (text, "text", msg);
        json_object *e = json_object_new_object (), *wrap = json_object_new_object ();
        qs_json_add_str (e, "code", err.code);
        qs_json_add_str (e, "message", err.message);
        qs_json_add_int (e, "status", err.status);
        json_object_object_add (wrap, "error", e);
        json_object_object_add (result, "structuredContent", wrap);
        qs_json_add_bool (result, "isError", true);
    }
    json_object_array_add (content, text);
    json_object_object_add (result, "content", content);
    return s_result (reply, id, result);
}

/*  An Mcp-Name header's value: plain, or "=?base64?<value>?=" decoded into
    buf. NULL when the encoding is broken. */
static const char *
s_header_value (const char *value, char *buf, size_t size)
{
    static const char pre[] = "=?base64?";
    size_t len = strlen (value);
    if (strncmp (value, pre, sizeof pre - 1) != 0)
        return value;
    if (len < sizeof pre + 1 || strcmp (value + len - 2, "?=") != 0)
        return NULL;
    long out = qs_base64_decode (value + sizeof pre - 1, len - (sizeof pre - 1) - 2,
                                 (unsigned char *) buf, size - 1);
    if (out < 0)
        return NULL;
    buf[out] = '\0';
    return memchr (buf, 0, (size_t) out) ? NULL : buf;
}

/*  The 2026-07-28 checks: the _meta version must be one we speak and agree
    with the headers, which an HTTP request of that revision must carry.
    0 to go on, 1 when reply holds the refusal. */
static int
s_check_revision (json_object *id, const char *method, json_object *params,
                  const qs_mcp_headers_t *h, qs_mcp_reply_t *reply, int *rc)
{
    const char *meta = qs_json_str (qs_json_get (params, "_meta", json_type_object), META_VERSION, NULL);
    const char *header = h ? h->protocol_version : NULL;
    const char *asked = meta ? meta : header;
    if (asked && !s_known_version (asked, 0)) {
        json_object *data = json_object_new_object ();
        json_object_object_add (data, "supported", s_version_list (0));
        qs_json_add_str (data, "requested", asked);
        *rc = s_error (reply, 400, id, RPC_UNSUPPORTED_VERSION, "Unsupported protocol version", data);
        return 1;
    }
    bool stateless = asked && !strcmp (asked, s_versions[0]);
    bool needs_name = !strcmp (method, "tools/call");
    const char *tool = qs_json_str (params, "name", "");
    char buf[256];
    const char *name = h && h->name ? s_header_value (h->name, buf, sizeof buf) : NULL;
    const char *mismatch =
        stateless && h && h->http && !header ? "Header mismatch: MCP-Protocol-Version is required"
      : stateless && h && h->http && !h->method ? "Header mismatch: Mcp-Method is required"
      : stateless && h && h->http && needs_name && !h->name ? "Header mismatch: Mcp-Name is required"
      : header && !strcmp (header, s_versions[0]) && !meta ? "Header mismatch: MCP-Protocol-Version without _meta"
      : meta && header && strcmp (meta, header) ? "Header mismatch: MCP-Protocol-Version does not match _meta"
      : h && h->method && strcmp (h->method, method) ? "Header mismatch: Mcp-Method does not match the body's method"
      : h && h->name && needs_name && (!name || strcmp (name, tool)) ? "Header mismatch: Mcp-Name does not match params.name"
      : NULL;
    if (mismatch) {
        *rc = s_error (reply, 400, id, RPC_HEADER_MISMATCH, mismatch, NULL);
        return 1;
    }
    return 0;
}

int
qs_mcp_handle (qs_mcp_t *self, const char *body, size_t len, const qs_mcp_headers_t *headers,
               qs_mcp_exec_fn *exec, void *arg, qs_mcp_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    const char *why = NULL;
    //  JSON is UTF-8 (RFC 8259); json-c would pass other bytes through
    bool utf8 = body && qs_utf8_length (body, len) >= 0;
    json_object *msg = utf8 ? qs_json_parse (body, len, &why) : NULL, *id = NULL, *params = NULL;
    int rc = 0;
    if (body && !utf8)
        why = "the message is not valid UTF-8";
    if (!msg) {
        char text[160];
        snprintf (text, sizeof text, "Parse error: %s", why ? why : "not JSON");
        return s_error (reply, 400, NULL, RPC_PARSE_ERROR, text, NULL);
    }
    if (json_object_is_type (msg, json_type_array)) {
        rc = s_error (reply, 400, NULL, RPC_INVALID_REQUEST, "Invalid Request: batches are not supported", NULL);
        goto done;
    }
    bool has_id = json_object_object_get_ex (msg, "id", &id);
    json_object *method_v = NULL;
    bool has_method = json_object_object_get_ex (msg, "method", &method_v);
    if (!json_object_is_type (msg, json_type_object)
        || strcmp (qs_json_str (msg, "jsonrpc", ""), "2.0") != 0
        || (has_id && !s_id_ok (id))
        || (has_method && !json_object_is_type (method_v, json_type_string))) {
        rc = s_error (reply, 400, NULL, RPC_INVALID_REQUEST, "Invalid Request", NULL);
        goto done;
    }
    //  notifications and responses (we send no requests) are accepted silently
    if (!has_id || !has_method) {
        if (!has_method && !json_object_object_get_ex (msg, "result", NULL)
            && !json_object_object_get_ex (msg, "error", NULL))
            rc = s_error (reply, 400, NULL, RPC_INVALID_REQUEST, "Invalid Request: no method", NULL);
        else
            reply->status = 202;
        goto done;
    }
    const char *method = json_object_get_string (method_v);
    if (json_object_object_get_ex (msg, "params", &params) && params
        && !json_object_is_type (params, json_type_object)) {
        rc = s_error (reply, 200, id, RPC_INVALID_PARAMS, "params must be an object", NULL);
        goto done;
    }
    if (s_check_revision (id, method, params, headers, reply, &rc))
        goto done;
    if (!strcmp (method, "initialize")) {
        const char *asked = qs_json_str (params, "protocolVersion", NULL);
        if (!asked) {
            rc = s_error (reply, 200, id, RPC_INVALID_PARAMS, "initialize needs params.protocolVersion", NULL);
            goto done;
        }
        json_object *r = json_object_new_object ();
        qs_json_add_str (r, "protocolVersion",
                         s_known_version (asked, HANDSHAKE_LATEST) ? asked : s_versions[HANDSHAKE_LATEST]);
        json_object_object_add (r, "capabilities", s_capabilities ());
        json_object_object_add (r, "serverInfo", s_server_info (self));
        qs_json_add_str (r, "instructions", s_instructions);
        rc = s_result (reply, id, r);
    }
    else
    if (!strcmp (method, "server/discover")) {
        json_object *r = json_object_new_object ();
        json_object_object_add (r, "supportedVersions", s_version_list (0));
        json_object_object_add (r, "capabilities", s_capabilities ());
        json_object_object_add (r, "serverInfo", s_server_info (self));
        qs_json_add_str (r, "instructions", s_instructions);
        qs_json_add_int (r, "ttlMs", 300000);
        qs_json_add_str (r, "cacheScope", "public");   /* the same for every caller */
        rc = s_result (reply, id, r);
    }
    else
    if (!strcmp (method, "ping"))
        rc = s_result (reply, id, json_object_new_object ());
    else
    if (!strcmp (method, "tools/list")) {
        json_object *r = json_object_new_object ();
        json_object_object_add (r, "tools", qs_mcp_tools (self));
        rc = s_result (reply, id, r);
    }
    else
    if (!strcmp (method, "tools/call"))
        rc = s_call_tool (self, id, params, exec, arg, reply);
    else {
        char text[160];
        snprintf (text, sizeof text, "Method not found: %.100s", method);
        //  2026-07-28 over HTTP: 404, which a legacy endpoint never sends with -32601
        const char *meta = qs_json_str (qs_json_get (params, "_meta", json_type_object), META_VERSION, "");
        rc = s_error (reply, !strcmp (meta, s_versions[0]) ? 404 : 200, id, RPC_METHOD_NOT_FOUND, text, NULL);
    }
done:
    json_object_put (msg);
    return rc;
}
