/*  qs_cli_ctx - see qs_cli_ctx.h */
#include "qs_cli_ctx.h"
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

const char *
qs_cli_sgr (const qs_cli_ctx_t *ctx, const char *code)
{
    if (!ctx->color)
        return "";
    static const struct { const char *code, *seq; } seqs[] = {
        {QS_SGR_BOLD, "\033[1m"},   {QS_SGR_DIM, "\033[2m"},   {QS_SGR_RED, "\033[31m"},
        {QS_SGR_GREEN, "\033[32m"}, {QS_SGR_YELLOW, "\033[33m"}, {QS_SGR_CYAN, "\033[36m"},
        {QS_SGR_RESET, "\033[0m"},
    };
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
        if (!strcmp (seqs[i].code, code))
            return seqs[i].seq;
    return "";
}

int
qs_cli_exit_for_status (long status)
{
    if (status >= 200 && status < 300)
        return QS_CLI_OK;
    if (status == 401 || status == 403)
        return QS_CLI_UNAUTHORIZED;
    if (status == 0)
        return QS_CLI_UNREACHABLE;
    return QS_CLI_SERVER;
}

int
qs_cli_report (const char *what, const qs_http_resp_t *resp)
{
    json_object *body = resp->body ? qs_json_parse (resp->body, resp->len, NULL) : NULL;
    json_object *error = qs_json_get (body, "error", json_type_object);
    if (error)
        fprintf (stderr, "%s: %s (HTTP %ld %s, request %s)\n", what,
                 qs_json_str (error, "message", "error"), resp->status,
                 qs_json_str (error, "code", "?"), qs_json_str (error, "request_id", "-"));
    else
        fprintf (stderr, "%s: the gateway answered HTTP %ld\n", what, resp->status);
    if (resp->status == 401)
        fprintf (stderr, "hint: set QUICKSPIN_TOKEN (or token= in the config file); "
                         "`quickspin token --sub you --org org-acme --roles member` mints a dev token\n");
    json_object_put (body);
    return qs_cli_exit_for_status (resp->status);
}

int
qs_cli_call (const qs_cli_ctx_t *ctx, const char *what, const char *method, const char *path,
             json_object *body, json_object **json_p, char **raw_p)
{
    qs_err_t err = {0};
    qs_http_resp_t resp;
    *json_p = NULL;
    if (raw_p)
        *raw_p = NULL;
    if (qs_cli_http (method, ctx->cfg.url, path, ctx->cfg.token, body, ctx->timeout_ms, &resp,
                     &err) != 0) {
        fprintf (stderr, "%s: %s\n", what, err.message);
        return QS_CLI_UNREACHABLE;
    }
    int rc = qs_cli_exit_for_status (resp.status);
    if (rc != QS_CLI_OK)
        rc = qs_cli_report (what, &resp);
    else if (resp.len > 0) {
        const char *why = NULL;
        *json_p = qs_json_parse (resp.body, resp.len, &why);
        if (!*json_p) {
            fprintf (stderr, "%s: the gateway sent a body that is not JSON (%s)\n", what,
                     why ? why : "?");
            rc = QS_CLI_SERVER;
        }
        else if (raw_p) {
            *raw_p = resp.body;
            resp.body = NULL;
        }
    }
    qs_http_resp_clear (&resp);
    return rc;
}

void
qs_cli_print_json (json_object *obj)
{
    printf ("%s\n", json_object_to_json_string_ext (
                        obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}
