/*  qs_cli_incidents - see qs_cli_incidents.h */
#include "qs_cli_incidents.h"
#include "qs_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  "2026-12-07T10:00:00Z" -> "2026-12-07 10:00" (lent static-free: into out). */
static const char *
s_when (json_object *inc, const char *key, char *out, size_t size)
{
    const char *t = qs_json_str (inc, key, NULL);
    if (!t || strlen (t) < 16)
        return "-";
    snprintf (out, size, "%.10s %.5s", t, t + 11);
    return out;
}

int
qs_cli_cmd_incidents (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    const char *status = NULL;
    long limit = 50;
    for (int i = 1; i < argc; i++) {
        if (!strcmp (argv[i], "--status") && i + 1 < argc)
            status = argv[++i];
        else if (!strcmp (argv[i], "--limit") && i + 1 < argc)
            limit = strtol (argv[++i], NULL, 10);
        else {
            fprintf (stderr, "quickspin incidents: unexpected '%s' (--status firing|resolved, --limit N)\n", argv[i]);
            return QS_CLI_USAGE;
        }
    }
    if (status && strcmp (status, "firing") && strcmp (status, "resolved")) {
        fprintf (stderr, "quickspin incidents: --status is firing or resolved\n");
        return QS_CLI_USAGE;
    }
    if (limit < 1 || limit > 200) {
        fprintf (stderr, "quickspin incidents: --limit must be 1..200\n");
        return QS_CLI_USAGE;
    }
    char path[128];
    snprintf (path, sizeof path, "/api/v1/incidents?limit=%ld%s%s", limit, status ? "&status=" : "",
              status ? status : "");
    json_object *resp = NULL;
    int rc = qs_cli_call (ctx, "quickspin incidents", "GET", path, NULL, &resp, NULL);
    if (rc != QS_CLI_OK) {
        json_object_put (resp);
        return rc;
    }
    if (ctx->json) {
        qs_cli_print_json (resp);
        json_object_put (resp);
        return QS_CLI_OK;
    }
    json_object *list = qs_json_get (resp, "incidents", json_type_array);
    size_t n = list ? json_object_array_length (list) : 0;
    if (n == 0)
        printf ("No incidents%s.\n", status ? " with that status" : " yet");
    else
        printf ("%s%-8s  %-22s  %-24s  %-16s  %-16s  %5s  %s%s\n", qs_cli_sgr (ctx, QS_SGR_BOLD), "STATUS",
                "SERVICE", "ALERT", "OPENED", "RESOLVED", "ALERTS", "FINDING", qs_cli_sgr (ctx, QS_SGR_RESET));
    for (size_t i = 0; i < n; i++) {
        json_object *inc = json_object_array_get_idx (list, i);
        bool firing = !strcmp (qs_json_str (inc, "status", ""), "firing");
        json_object *f = qs_json_path (inc, "diagnosis.findings.0");
        char opened[24], resolved[24];
        printf ("%s%-8s%s  %-22.22s  %-24.24s  %-16s  %-16s  %5lld  %s\n",
                qs_cli_sgr (ctx, firing ? QS_SGR_RED : QS_SGR_GREEN), firing ? "firing" : "resolved",
                qs_cli_sgr (ctx, QS_SGR_RESET),
                qs_json_str (inc, "service_name", "(unmatched)"), qs_json_str (inc, "alertname", "?"),
                s_when (inc, "opened_at", opened, sizeof opened), s_when (inc, "resolved_at", resolved, sizeof resolved),
                (long long) qs_json_int (inc, "alerts_received", 0),
                f ? qs_json_str (f, "code", "?")
                  : qs_json_str (inc, "service_id", NULL) && firing ? "(diagnosing)" : "-");
    }
    json_object_put (resp);
    return QS_CLI_OK;
}
