/*  qs_cli_cmds - see qs_cli_cmds.h */
#include "qs_cli_cmds.h"
#include "qs_cli_apply.h"
#include "qs_cli_md.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_env.h"
#include "qs_json.h"
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

char *
qs_cli_money (double amount, char *out, size_t size)
{
    char digits[32];
    long long cents = llround (fabs (amount) * 100.0);
    snprintf (digits, sizeof digits, "%lld", cents / 100);
    //  thousands separators, right to left
    char grouped[48];
    size_t n = strlen (digits), g = 0;
    for (size_t i = 0; i < n && g + 2 < sizeof grouped; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[g++] = ',';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    snprintf (out, size, "%s$%s.%02lld", amount < 0 && cents ? "-" : "", grouped, cents % 100);
    return out;
}

#define S_COLS 7

static void
s_row (const qs_cli_ctx_t *ctx, const int *w, char cells[][64], const char *tail, bool strong)
{
    fputs (strong ? qs_cli_sgr (ctx, QS_SGR_BOLD) : "", stdout);
    for (int c = 0; c < S_COLS; c++) {
        //  money right-aligned, words left-aligned
        if (c >= 3 && c < 6)
            printf ("%*s  ", w[c], cells[c]);
        else
            printf ("%-*s  ", w[c], cells[c]);
    }
    printf ("%s%s\n", tail ? tail : "", strong ? qs_cli_sgr (ctx, QS_SGR_RESET) : "");
}

int
qs_cli_cmd_recommend (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    const char *apply = NULL;
    bool yes = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp (argv[i], "--apply") && i + 1 < argc)
            apply = argv[++i];
        else if (!strcmp (argv[i], "--yes") || !strcmp (argv[i], "-y"))
            yes = true;
        else {
            fprintf (stderr, "usage: quickspin recommend [--apply ID [--yes]]\n");
            return QS_CLI_USAGE;
        }
    }
    if (apply)
        return qs_cli_apply (ctx, apply, yes);
    if (yes) {
        fprintf (stderr, "quickspin recommend: --yes goes with --apply ID\n");
        return QS_CLI_USAGE;
    }
    json_object *resp = NULL;
    int rc = qs_cli_call (ctx, "quickspin recommend", "GET", "/api/v1/recommendations", NULL, &resp,
                          NULL);
    if (rc != QS_CLI_OK || !resp) {
        json_object_put (resp);
        return rc != QS_CLI_OK ? rc : QS_CLI_SERVER;
    }
    if (ctx->json) {
        qs_cli_print_json (resp);
        json_object_put (resp);
        return QS_CLI_OK;
    }
    json_object *recs = qs_json_get (resp, "recommendations", json_type_array);
    size_t n = recs ? json_object_array_length (recs) : 0;
    char head[S_COLS][64] = {"SERVICE", "TYPE", "PRIORITY", "CURRENT/MO", "PROJECTED/MO", "SAVINGS/MO", "ID"};
    int w[S_COLS];
    for (int c = 0; c < S_COLS; c++)
        w[c] = (int) strlen (head[c]);
    char (*cells)[S_COLS][64] = calloc (n + 1, sizeof *cells);
    if (!cells) {
        json_object_put (resp);
        return QS_CLI_SERVER;
    }
    double total = qs_json_double (resp, "total_potential_savings", 0);
    for (size_t i = 0; i <= n; i++) {
        if (i < n) {
            json_object *r = json_object_array_get_idx (recs, i);
            snprintf (cells[i][0], 64, "%s", qs_json_str (r, "service_name", qs_json_str (r, "service_id", "?")));
            snprintf (cells[i][1], 64, "%s", qs_json_str (r, "type", "?"));
            snprintf (cells[i][2], 64, "%s", qs_json_str (r, "priority", "?"));
            qs_cli_money (qs_json_double (r, "current_monthly_cost", 0), cells[i][3], 64);
            qs_cli_money (qs_json_double (r, "projected_monthly_cost", 0), cells[i][4], 64);
            qs_cli_money (qs_json_double (r, "monthly_savings", 0), cells[i][5], 64);
            snprintf (cells[i][6], 64, "%s", qs_json_str (r, "id", ""));
        }
        else {
            snprintf (cells[i][0], 64, "TOTAL");
            qs_cli_money (total, cells[i][5], 64);
        }
        for (int c = 0; c < S_COLS; c++)
            if ((int) strlen (cells[i][c]) > w[c])
                w[c] = (int) strlen (cells[i][c]);
    }
    if (n == 0)
        printf ("No recommendations: nothing to save right now.\n");
    else {
        s_row (ctx, w, head, "DESCRIPTION", true);
        for (size_t i = 0; i < n; i++)
            s_row (ctx, w, cells[i],
                   qs_json_str (json_object_array_get_idx (recs, i), "description", ""), false);
        s_row (ctx, w, cells[n], "", true);
    }
    json_object *ca = qs_json_get (resp, "cost_analysis", json_type_object);
    if (ca) {
        char money[32];
        printf ("\nCurrent monthly cost %s across %lld services; potential savings %s/month.\n",
                qs_cli_money (qs_json_double (ca, "total_monthly_cost", 0), money, sizeof money),
                (long long) qs_json_int (ca, "services_analyzed", 0), cells[n][5]);
        if (n)
            printf ("Apply one with: quickspin recommend --apply ID\n");
    }
    free (cells);
    json_object_put (resp);
    return QS_CLI_OK;
}

static int
s_conv_list (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    long limit = 20;
    const char *cursor = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp (argv[i], "--limit") && i + 1 < argc)
            limit = strtol (argv[++i], NULL, 10);
        else if (!strcmp (argv[i], "--cursor") && i + 1 < argc)
            cursor = argv[++i];
        else {
            fprintf (stderr, "quickspin conversations list: unexpected '%s' (--limit N, --cursor C)\n", argv[i]);
            return QS_CLI_USAGE;
        }
    }
    if (limit < 1 || limit > 100) {
        fprintf (stderr, "quickspin conversations list: --limit must be 1..100\n");
        return QS_CLI_USAGE;
    }
    char path[512];
    snprintf (path, sizeof path, "/api/v1/chat/conversations?limit=%ld%s%s", limit,
              cursor ? "&cursor=" : "", cursor ? cursor : "");
    json_object *resp = NULL;
    int rc = qs_cli_call (ctx, "quickspin conversations", "GET", path, NULL, &resp, NULL);
    if (rc != QS_CLI_OK) {
        json_object_put (resp);
        return rc;
    }
    if (ctx->json) {
        qs_cli_print_json (resp);
        json_object_put (resp);
        return QS_CLI_OK;
    }
    json_object *list = qs_json_get (resp, "conversations", json_type_array);
    size_t n = list ? json_object_array_length (list) : 0;
    if (n == 0)
        printf ("No conversations yet.\n");
    else
        printf ("%s%-24s  %-24s  %4s  %s%s\n", qs_cli_sgr (ctx, QS_SGR_BOLD), "ID", "UPDATED",
                "MSGS", "TITLE", qs_cli_sgr (ctx, QS_SGR_RESET));
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx (list, i);
        printf ("%-24s  %-24s  %4lld  %s\n", qs_json_str (c, "id", "?"),
                qs_json_str (c, "updated_at", ""), (long long) qs_json_int (c, "message_count", 0),
                qs_json_str (c, "title", ""));
    }
    const char *next = qs_json_str (resp, "next_cursor", NULL);
    if (next)
        printf ("more: quickspin conversations list --cursor %s\n", next);
    json_object_put (resp);
    return QS_CLI_OK;
}

static int
s_conv_path (const char *id, char *out, size_t size)
{
    size_t n = strlen (id);
    if (n == 0 || n > 100
        || strspn (id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n) {
        fprintf (stderr, "quickspin conversations: '%s' is not a conversation id\n", id);
        return QS_CLI_USAGE;
    }
    snprintf (out, size, "/api/v1/chat/conversations/%s", id);
    return QS_CLI_OK;
}

static int
s_conv_show (const qs_cli_ctx_t *ctx, const char *id)
{
    char path[300];
    int rc = s_conv_path (id, path, sizeof path);
    if (rc != QS_CLI_OK)
        return rc;
    json_object *resp = NULL;
    rc = qs_cli_call (ctx, "quickspin conversations show", "GET", path, NULL, &resp, NULL);
    if (rc != QS_CLI_OK || !resp) {
        json_object_put (resp);
        return rc != QS_CLI_OK ? rc : QS_CLI_SERVER;
    }
    if (ctx->json) {
        qs_cli_print_json (resp);
        json_object_put (resp);
        return QS_CLI_OK;
    }
    printf ("%s%s%s  (%s, %lld messages)\n", qs_cli_sgr (ctx, QS_SGR_BOLD),
            qs_json_str (resp, "title", "(untitled)"), qs_cli_sgr (ctx, QS_SGR_RESET),
            qs_json_str (resp, "id", id), (long long) qs_json_int (resp, "message_count", 0));
    json_object *msgs = qs_json_get (resp, "messages", json_type_array);
    size_t n = msgs ? json_object_array_length (msgs) : 0;
    qs_cli_md_t *md = qs_cli_md_new (stdout, ctx->color);
    for (size_t i = 0; md && i < n; i++) {
        json_object *m = json_object_array_get_idx (msgs, i);
        const char *role = qs_json_str (m, "role", "?");
        printf ("\n%s%s%s  %s%s%s\n",
                qs_cli_sgr (ctx, !strcmp (role, "user") ? QS_SGR_GREEN : QS_SGR_CYAN), role,
                qs_cli_sgr (ctx, QS_SGR_RESET), qs_cli_sgr (ctx, QS_SGR_DIM),
                qs_json_str (m, "timestamp", ""), qs_cli_sgr (ctx, QS_SGR_RESET));
        const char *content = qs_json_str (m, "content", "");
        qs_cli_md_feed (md, content, strlen (content));
        qs_cli_md_flush (md);
    }
    qs_cli_md_destroy (&md);
    json_object_put (resp);
    return QS_CLI_OK;
}

static int
s_conv_delete (const qs_cli_ctx_t *ctx, const char *id)
{
    char path[300];
    int rc = s_conv_path (id, path, sizeof path);
    if (rc != QS_CLI_OK)
        return rc;
    json_object *resp = NULL;
    rc = qs_cli_call (ctx, "quickspin conversations delete", "DELETE", path, NULL, &resp, NULL);
    json_object_put (resp);
    if (rc != QS_CLI_OK)
        return rc;
    if (ctx->json) {
        //  the API answers 204 without a body: say what happened in JSON
        json_object *out = json_object_new_object ();
        qs_json_add_str (out, "id", id);
        qs_json_add_bool (out, "deleted", true);
        qs_cli_print_json (out);
        json_object_put (out);
    }
    else
        printf ("deleted conversation %s\n", id);
    return QS_CLI_OK;
}

int
qs_cli_cmd_conversations (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "list";
    if (!strcmp (sub, "list") || !strcmp (sub, "ls"))
        return s_conv_list (ctx, argc > 1 ? argc - 1 : 1, argc > 1 ? argv + 1 : argv);
    if ((!strcmp (sub, "show") || !strcmp (sub, "delete") || !strcmp (sub, "rm")) && argc == 3)
        return !strcmp (sub, "show") ? s_conv_show (ctx, argv[2]) : s_conv_delete (ctx, argv[2]);
    fprintf (stderr, "usage: quickspin conversations list [--limit N] [--cursor C] | show <id> | delete <id>\n");
    return QS_CLI_USAGE;
}

int
qs_cli_cmd_health (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    (void) argv;
    if (argc > 1) {
        fprintf (stderr, "quickspin health: takes no arguments\n");
        return QS_CLI_USAGE;
    }
    const char *url = ctx->cfg.url;
    qs_err_t err = {0};
    qs_http_resp_t live, ready;
    if (qs_cli_http ("GET", url, "/api/v1/health", NULL, NULL, 5000, &live, &err) != 0) {
        fprintf (stderr, "quickspin health: %s\n", err.message);
        return QS_CLI_UNREACHABLE;
    }
    if (qs_cli_http ("GET", url, "/api/v1/health/ready", NULL, NULL, 10000, &ready, &err) != 0) {
        qs_http_resp_clear (&live);
        fprintf (stderr, "quickspin health: %s\n", err.message);
        return QS_CLI_UNREACHABLE;
    }
    json_object *lj = qs_json_parse (live.body ? live.body : "", live.len, NULL);
    json_object *rj = qs_json_parse (ready.body ? ready.body : "", ready.len, NULL);
    int ok = live.status == 200 && ready.status == 200;
    if (ctx->json) {
        json_object *out = json_object_new_object ();
        json_object_object_add (out, "health", json_object_get (lj));
        json_object_object_add (out, "ready", json_object_get (rj));
        qs_cli_print_json (out);
        json_object_put (out);
    }
    else {
        printf ("gateway  %s%s%s  version %s\n",
                qs_cli_sgr (ctx, live.status == 200 ? QS_SGR_GREEN : QS_SGR_RED),
                live.status == 200 ? "up" : "DOWN", qs_cli_sgr (ctx, QS_SGR_RESET),
                qs_json_str (lj, "version", "?"));
        printf ("ready    %s%s%s\n", qs_cli_sgr (ctx, ready.status == 200 ? QS_SGR_GREEN : QS_SGR_RED),
                ready.status == 200 ? "yes" : "NO", qs_cli_sgr (ctx, QS_SGR_RESET));
        json_object *checks = qs_json_get (rj, "checks", json_type_object);
        if (checks) {
            json_object_object_foreach (checks, name, val) {
                const char *status = json_object_is_type (val, json_type_object)
                                         ? qs_json_str (val, "status", "?")
                                         : json_object_get_string (val);
                printf ("  %-12s %s\n", name, status);
            }
        }
    }
    json_object_put (lj);
    json_object_put (rj);
    qs_http_resp_clear (&live);
    qs_http_resp_clear (&ready);
    return ok ? QS_CLI_OK : QS_CLI_SERVER;
}

int
qs_cli_cmd_token (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    (void) ctx;
    qs_cli_token_opts_t opts = {0};
    static struct option longopts[] = {
        {"sub", required_argument, NULL, 's'},   {"org", required_argument, NULL, 'o'},
        {"roles", required_argument, NULL, 'r'}, {"tier", required_argument, NULL, 't'},
        {"ttl", required_argument, NULL, 'l'},   {"iss", required_argument, NULL, 'i'},
        {"aud", required_argument, NULL, 'a'},   {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
            case 's': opts.sub = optarg; break;
            case 'o': opts.org_id = optarg; break;
            case 'r': opts.roles = optarg; break;
            case 't': opts.tier = optarg; break;
            case 'l': opts.ttl_seconds = strtol (optarg, NULL, 10); break;
            case 'i': opts.issuer = optarg; break;
            case 'a': opts.audience = optarg; break;
            default:
                fprintf (stderr, "usage: quickspin token --sub U --org O [--roles member[,admin]] "
                                 "[--tier pro] [--ttl SECONDS] [--iss I] [--aud A]\n");
                return QS_CLI_USAGE;
        }
    }
    if (optind < argc) {
        fprintf (stderr, "quickspin token: unexpected '%s'\n", argv[optind]);
        return QS_CLI_USAGE;
    }
    if (!opts.issuer)
        opts.issuer = qs_env_str ("QS_JWT_ISSUER", NULL);
    if (!opts.audience)
        opts.audience = qs_env_str ("QS_JWT_AUDIENCE", NULL);
    const char *secret = qs_env_str ("QS_JWT_SECRET", NULL);
    if (!secret) {
        fprintf (stderr, "warning: QS_JWT_SECRET is unset; signing with the built-in DEV secret\n");
        secret = QS_DEV_JWT_SECRET;
    }
    qs_err_t err = {0};
    char *token = qs_cli_token_mint (&opts, secret, &err);
    if (!token) {
        fprintf (stderr, "quickspin token: %s\n", err.message);
        return QS_CLI_USAGE;
    }
    printf ("%s\n", token);
    free (token);
    return QS_CLI_OK;
}
