/*  qs_mcp_tools - the MCP tools of contract section 11, one row each: name,
    description, arguments, annotations and the bus operation that answers
    it. Private to qs_mcp. */
#ifndef QS_MCP_TOOLS_H
#define QS_MCP_TOOLS_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;          /* the tool's argument */
    const char *bus_key;       /* its name in the bus body */
    json_type type;            /* json_type_string or json_type_int */
    bool required;
    bool as_string;            /* sent as a string (query-style ops) */
    long min, max;             /* string: length in characters; int: value */
    const char *description;
} qs_mcp_param_t;

typedef struct {
    const char *name;
    const char *title;
    const char *description;
    const char *service;       /* bus service and op that answer it */
    const char *op;
    bool read_only;
    bool destructive;
    bool writes_only;          /* listed only with QS_MCP_WRITES=1 */
    const qs_mcp_param_t *params;
    size_t nparams;
} qs_mcp_tool_t;

/*  The tool called name, or NULL (unknown, or a write tool while writes are
    off). Lent. */
const qs_mcp_tool_t *qs_mcp_tool_find (const char *name, bool writes);

/*  The i-th tool offered (lent), NULL past the end. */
const qs_mcp_tool_t *qs_mcp_tool_at (size_t i, bool writes);

/*  {name,title,description,inputSchema,annotations}: new object. */
json_object *qs_mcp_tool_describe (const qs_mcp_tool_t *tool);

/*  The bus body for args (lent; NULL = no arguments). Returns a new object,
    or NULL with why (size bytes) saying what is wrong with the call. */
json_object *qs_mcp_tool_body (const qs_mcp_tool_t *tool, json_object *args, char *why, size_t size);

#endif
