/*  qs_mcp_tools - see qs_mcp_tools.h. */
#include "qs_mcp_tools.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <string.h>

#define S json_type_string
#define I json_type_int

static const qs_mcp_param_t s_service[] = {
    { "service", "service", S, true, false, 1, 128, "The service's name or id (of your organisation)" },
};
static const qs_mcp_param_t s_search[] = {
    { "query", "q", S, true, true, 1, 1000, "What to look for, in plain words" },
    { "limit", "limit", I, false, true, 1, 20, "How many passages (1-20, default 5)" },
};
static const qs_mcp_param_t s_chat[] = {
    { "message", "message", S, true, false, 1, 8000, "What to ask the assistant" },
    { "conversation_id", "conversation_id", S, false, false, 1, 128, "Continue this conversation" },
};
static const qs_mcp_param_t s_confirm[] = {
    { "action_id", "action_id", S, true, false, 1, 128, "The pending action to execute" },
    { "confirm_name", "confirm_name", S, false, false, 1, 128,
      "For delete_service: the service's name, typed back" },
};

#define ROW(params) params, sizeof params / sizeof params[0]

//  read_only, destructive, writes_only
static const qs_mcp_tool_t s_tools[] = {
    { "list_services", "List services", "The managed services of your organisation with their "
      "type, tier, status, region and monthly cost.", "workflow", "services_list",
      true, false, false, NULL, 0 },
    { "get_service", "Get a service", "One service's settings, status, cost and connection "
      "endpoint (no password).", "workflow", "service_get", true, false, false, ROW (s_service) },
    { "diagnose_service", "Diagnose a service", "Reads the service's Kubernetes pods, events, "
      "logs and metrics and returns findings (OOM kills, crash loops, full disks, connection "
      "limits ...) with evidence and recommended fixes. Changes nothing.", "workflow",
      "service_diagnose", true, false, false, ROW (s_service) },
    { "get_recommendations", "Cost recommendations", "Ways to cut the organisation's bill "
      "(idle services, oversized tiers, HA or backups a non-production service does not "
      "need) with monthly savings.", "workflow", "recommendations", true, false, false, NULL, 0 },
    { "search_knowledge", "Search the knowledge base", "Passages of the platform's "
      "documentation that answer a question.", "knowledge", "search", true, false, false,
      ROW (s_search) },
    { "get_connection_info", "Connection details", "Host, port, user, database and URI of a "
      "service (passwords are only referenced).", "workflow", "connection_info", true, false,
      false, ROW (s_service) },
    { "chat", "Ask the assistant", "One turn of a conversation with the QuickSpin assistant. "
      "Changes are only proposed (a pending action), never executed by this tool.", "workflow",
      "chat", false, false, false, ROW (s_chat) },
    { "confirm_action", "Confirm a pending action", "Executes an action the assistant "
      "proposed (provision, scale, tier change, restart, delete) with your own permissions.",
      "workflow", "action_confirm", false, true, true, ROW (s_confirm) },
};

#undef S
#undef I
#undef ROW

const qs_mcp_tool_t *
qs_mcp_tool_at (size_t i, bool writes)
{
    for (size_t k = 0; k < sizeof s_tools / sizeof s_tools[0]; k++)
        if (writes || !s_tools[k].writes_only) {
            if (i == 0)
                return &s_tools[k];
            i--;
        }
    return NULL;
}

const qs_mcp_tool_t *
qs_mcp_tool_find (const char *name, bool writes)
{
    const qs_mcp_tool_t *t;
    for (size_t i = 0; name && (t = qs_mcp_tool_at (i, writes)); i++)
        if (!strcmp (t->name, name))
            return t;
    return NULL;
}

json_object *
qs_mcp_tool_describe (const qs_mcp_tool_t *tool)
{
    json_object *props = json_object_new_object (), *required = json_object_new_array ();
    for (size_t i = 0; i < tool->nparams; i++) {
        const qs_mcp_param_t *p = &tool->params[i];
        json_object *prop = json_object_new_object ();
        bool str = p->type == json_type_string;
        qs_json_add_str (prop, "type", str ? "string" : "integer");
        qs_json_add_str (prop, "description", p->description);
        qs_json_add_int (prop, str ? "minLength" : "minimum", p->min);
        qs_json_add_int (prop, str ? "maxLength" : "maximum", p->max);
        json_object_object_add (props, p->name, prop);
        if (p->required)
            json_object_array_add (required, json_object_new_string (p->name));
    }
    json_object *schema = json_object_new_object ();
    qs_json_add_str (schema, "type", "object");
    json_object_object_add (schema, "properties", props);
    json_object_object_add (schema, "required", required);
    qs_json_add_bool (schema, "additionalProperties", false);
    json_object *notes = json_object_new_object ();
    qs_json_add_str (notes, "title", tool->title);
    qs_json_add_bool (notes, "readOnlyHint", tool->read_only);
    qs_json_add_bool (notes, "destructiveHint", tool->destructive);
    qs_json_add_bool (notes, "idempotentHint", tool->read_only);
    qs_json_add_bool (notes, "openWorldHint", false);
    json_object *d = json_object_new_object ();
    qs_json_add_str (d, "name", tool->name);
    qs_json_add_str (d, "title", tool->title);
    qs_json_add_str (d, "description", tool->description);
    json_object_object_add (d, "inputSchema", schema);
    json_object_object_add (d, "annotations", notes);
    return d;
}

static const qs_mcp_param_t *
s_param (const qs_mcp_tool_t *tool, const char *name)
{
    for (size_t i = 0; i < tool->nparams; i++)
        if (!strcmp (tool->params[i].name, name))
            return &tool->params[i];
    return NULL;
}

json_object *
qs_mcp_tool_body (const qs_mcp_tool_t *tool, json_object *args, char *why, size_t size)
{
    if (args && !json_object_is_type (args, json_type_object)) {
        snprintf (why, size, "arguments must be an object");
        return NULL;
    }
    json_object *body = json_object_new_object ();
    if (!args)
        goto required;
    json_object_object_foreach (args, key, val) {
        const qs_mcp_param_t *p = s_param (tool, key);
        if (!p) {
            snprintf (why, size, "%s takes no argument '%.64s'", tool->name, key);
            goto fail;
        }
        if (p->type == json_type_string) {
            const char *s = json_object_is_type (val, json_type_string) ? json_object_get_string (val) : NULL;
            size_t bytes = s ? (size_t) json_object_get_string_len (val) : 0;
            long chars = s && !memchr (s, 0, bytes) ? qs_utf8_length (s, bytes) : -1;
            if (chars < p->min || chars > p->max) {
                snprintf (why, size, "%s must be a string of %ld to %ld characters", p->name, p->min, p->max);
                goto fail;
            }
            qs_json_add_str (body, p->bus_key, s);
            continue;
        }
        //  integers only: 5.0 or "5" are not an integer argument
        int64_t n = json_object_get_int64 (val);
        if (!json_object_is_type (val, json_type_int) || n < p->min || n > p->max) {
            snprintf (why, size, "%s must be an integer from %ld to %ld", p->name, p->min, p->max);
            goto fail;
        }
        if (p->as_string) {
            char text[24];
            snprintf (text, sizeof text, "%lld", (long long) n);
            qs_json_add_str (body, p->bus_key, text);
        }
        else
            qs_json_add_int (body, p->bus_key, n);
    }
required:
    for (size_t i = 0; i < tool->nparams; i++)
        if (tool->params[i].required && !json_object_object_get_ex (body, tool->params[i].bus_key, NULL)) {
            snprintf (why, size, "%s needs the argument '%s'", tool->name, tool->params[i].name);
            goto fail;
        }
    return body;
fail:
    json_object_put (body);
    return NULL;
}
