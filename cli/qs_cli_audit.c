/*  qs_cli_audit - see qs_cli_audit.h */
#include "qs_cli_audit.h"
#include "qs_chain.h"
#include "qs_json.h"
#include "qs_util.h"
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define S_PAGE_MAX 100

/*  True when the token's roles claim has "admin". The claim is read, not
    verified: the gateway verifies the token, this only picks how strictly
    the answer can be checked (an admin gets the org's whole log). */
static bool
s_token_is_admin (const char *token)
{
    const char *dot = token ? strchr (token, '.') : NULL;
    const char *end = dot ? strchr (dot + 1, '.') : NULL;
    if (!end || end - dot - 1 > 8192)
        return false;
    size_t n = (size_t) (end - dot - 1);
    //  base64url without padding -> base64 for EVP_DecodeBlock
    char b64[8200];
    unsigned char raw[6200];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        b64[m++] = dot[1 + i] == '-' ? '+' : dot[1 + i] == '_' ? '/' : dot[1 + i];
    while (m % 4)
        b64[m++] = '=';
    int len = EVP_DecodeBlock (raw, (const unsigned char *) b64, (int) m);
    if (len < 0)
        return false;
    raw[len] = '\0';
    json_object *claims = qs_json_parse ((const char *) raw, strlen ((const char *) raw), NULL);
    json_object *roles = qs_json_get (claims, "roles", json_type_array);
    bool admin = false;
    for (size_t i = 0; roles && i < json_object_array_length (roles); i++)
        if (!strcmp (json_object_get_string (json_object_array_get_idx (roles, i)), "admin"))
            admin = true;
    json_object_put (claims);
    return admin;
}

/*  GET one page; *page_p gets the answer (caller puts). */
static int
s_page (const qs_cli_ctx_t *ctx, const char *what, long limit, const char *cursor,
        json_object **page_p)
{
    char path[512];
    snprintf (path, sizeof path, "/api/v1/audit?limit=%ld%s%s", limit, cursor ? "&cursor=" : "",
              cursor ? cursor : "");
    int rc = qs_cli_call (ctx, what, "GET", path, NULL, page_p, NULL);
    if (rc == QS_CLI_OK && !qs_json_get (*page_p, "entries", json_type_array)) {
        fprintf (stderr, "%s: the answer has no entries\n", what);
        rc = QS_CLI_SERVER;
    }
    return rc;
}

static void
s_table (const qs_cli_ctx_t *ctx, json_object *entries, bool header)
{
    size_t n = json_object_array_length (entries);
    if (header)
        printf ("%s%6s  %-24s  %-16s  %-10s  %-16s  %s%s\n", qs_cli_sgr (ctx, QS_SGR_BOLD), "SEQ",
                "AT", "ACTOR", "EVENT", "TYPE", "SUMMARY", qs_cli_sgr (ctx, QS_SGR_RESET));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx (entries, i);
        printf ("%6lld  %-24s  %-16s  %-10s  %-16s  %s\n", (long long) qs_json_int (e, "seq", 0),
                qs_json_str (e, "at", ""), qs_json_str (e, "actor", ""), qs_json_str (e, "event", ""),
                qs_json_str (e, "type", ""), qs_json_str (e, "summary", ""));
    }
}

static int
s_list (const qs_cli_ctx_t *ctx, long limit, const char *cursor, bool all)
{
    const char *what = "quickspin audit";
    json_object *merged = all && ctx->json ? json_object_new_array () : NULL;
    char next_buf[256];
    int rc = QS_CLI_OK;
    bool first = true;
    for (;;) {
        json_object *page = NULL;
        if ((rc = s_page (ctx, what, limit, cursor, &page)) != QS_CLI_OK) {
            json_object_put (page);
            break;
        }
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        const char *next = qs_json_str (page, "next_cursor", NULL);
        if (merged)
            for (size_t i = 0; i < json_object_array_length (entries); i++)
                json_object_array_add (merged, json_object_get (json_object_array_get_idx (entries, i)));
        else if (ctx->json)
            qs_cli_print_json (page);
        else {
            if (first && json_object_array_length (entries) == 0)
                printf ("No audit entries.\n");
            else
                s_table (ctx, entries, first);
            if (next && !all)
                printf ("%smore: quickspin audit --cursor %s (or --all)%s\n",
                        qs_cli_sgr (ctx, QS_SGR_DIM), next, qs_cli_sgr (ctx, QS_SGR_RESET));
        }
        first = false;
        if (next)
            qs_strlcpy (next_buf, next, sizeof next_buf);
        json_object_put (page);
        if (!next || !all)
            break;
        cursor = next_buf;
    }
    if (merged && rc == QS_CLI_OK) {
        json_object *out = json_object_new_object ();
        json_object_object_add (out, "entries", json_object_get (merged));
        json_object_object_add (out, "next_cursor", NULL);
        qs_cli_print_json (out);
        json_object_put (out);
    }
    json_object_put (merged);
    return rc;
}

static int
s_verify (const qs_cli_ctx_t *ctx)
{
    const char *what = "quickspin audit verify";
    bool full = s_token_is_admin (ctx->cfg.token);
    qs_chain_walk_t walk;
    qs_chain_walk_init (&walk, full);
    char cursor[256] = "";
    qs_err_t err = {0};
    bool broken = false;
    int64_t broken_seq = 0;
    for (;;) {
        json_object *page = NULL;
        int rc = s_page (ctx, what, S_PAGE_MAX, *cursor ? cursor : NULL, &page);
        if (rc != QS_CLI_OK) {
            json_object_put (page);
            return rc;
        }
        json_object *entries = qs_json_get (page, "entries", json_type_array);
        for (size_t i = 0; !broken && i < json_object_array_length (entries); i++) {
            json_object *e = json_object_array_get_idx (entries, i);
            if (qs_chain_walk_next (&walk, e, &err) != 0) {
                //  the first seq that is wrong: a missing one, or this one
                int64_t seq = qs_json_int (e, "seq", 0);
                broken = true;
                broken_seq = full && seq > walk.last_seq + 1 ? walk.last_seq + 1 : seq;
            }
        }
        const char *next = qs_json_str (page, "next_cursor", NULL);
        qs_strlcpy (cursor, next ? next : "", sizeof cursor);
        json_object_put (page);
        if (broken || !*cursor)
            break;
    }
    const char *scope = full ? "the organisation's audit log" : "your own audit entries";
    if (ctx->json) {
        json_object *out = json_object_new_object ();
        qs_json_add_bool (out, "ok", !broken);
        qs_json_add_str (out, "scope", full ? "org" : "own");
        qs_json_add_int (out, "checked", walk.checked);
        if (broken) {
            qs_json_add_int (out, "broken_seq", broken_seq);
            qs_json_add_str (out, "reason", err.message);
        }
        qs_cli_print_json (out);
        json_object_put (out);
    }
    else if (broken)
        fprintf (stderr, "%s: %sthe chain is broken at entry %lld%s: %s (%lld entries before it verified)\n",
                 what, qs_cli_sgr (ctx, QS_SGR_RED), (long long) broken_seq, qs_cli_sgr (ctx, QS_SGR_RESET),
                 err.message, (long long) walk.checked);
    else
        printf ("%sverified%s %lld entries of %s\n", qs_cli_sgr (ctx, QS_SGR_GREEN),
                qs_cli_sgr (ctx, QS_SGR_RESET), (long long) walk.checked, scope);
    return broken ? QS_CLI_BROKEN : QS_CLI_OK;
}

int
qs_cli_cmd_audit (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    if (argc == 2 && !strcmp (argv[1], "verify"))
        return s_verify (ctx);
    long limit = 20;
    const char *cursor = NULL;
    bool all = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp (argv[i], "--limit") && i + 1 < argc)
            limit = strtol (argv[++i], NULL, 10);
        else if (!strcmp (argv[i], "--cursor") && i + 1 < argc)
            cursor = argv[++i];
        else if (!strcmp (argv[i], "--all"))
            all = true;
        else {
            fprintf (stderr, "usage: quickspin audit [--limit N] [--cursor C] [--all] | audit verify\n");
            return QS_CLI_USAGE;
        }
    }
    if (limit < 1 || limit > S_PAGE_MAX) {
        fprintf (stderr, "quickspin audit: --limit must be 1..%d\n", S_PAGE_MAX);
        return QS_CLI_USAGE;
    }
    return s_list (ctx, limit, cursor, all);
}
