/*  quickspin - the command-line client.
    Reads QUICKSPIN_URL (default http://127.0.0.1:8080) and QUICKSPIN_TOKEN.
    Exit status: 0 success, 1 the server answered an error, 2 usage, 3 the
    server could not be reached. */
#include "qs_cli_http.h"
#include "qs_cli_token.h"
#include "qs_devsecret.h"
#include "qs_env.h"
#include "qs_json.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_SERVER = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

static void
s_usage (FILE *out)
{
    fprintf (out,
             "usage: quickspin [--json] <command> [options]\n"
             "commands:\n"
             "  health                     gateway liveness and readiness\n"
             "  token --sub U --org O [--roles member[,admin]] [--tier pro] [--ttl SECONDS]\n"
             "                             mint a development token from QS_JWT_SECRET\n"
             "environment: QUICKSPIN_URL (default http://127.0.0.1:8080), QUICKSPIN_TOKEN\n");
}

static int
s_cmd_token (int argc, char **argv)
{
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
            default: s_usage (stderr); return EXIT_USAGE;
        }
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
        return EXIT_USAGE;
    }
    printf ("%s\n", token);
    free (token);
    return EXIT_OK;
}

static int
s_cmd_health (const char *url, int as_json)
{
    qs_err_t err = {0};
    qs_cli_resp_t live, ready;
    if (qs_cli_http ("GET", url, "/api/v1/health", NULL, NULL, 5000, &live, &err) != 0) {
        fprintf (stderr, "quickspin health: %s\n", err.message);
        return EXIT_UNREACHABLE;
    }
    if (qs_cli_http ("GET", url, "/api/v1/health/ready", NULL, NULL, 10000, &ready, &err) != 0) {
        qs_cli_resp_free (&live);
        fprintf (stderr, "quickspin health: %s\n", err.message);
        return EXIT_UNREACHABLE;
    }
    json_object *lj = qs_json_parse (live.body ? live.body : "", live.len, NULL);
    json_object *rj = qs_json_parse (ready.body ? ready.body : "", ready.len, NULL);
    int ok = live.status == 200 && ready.status == 200;
    if (as_json) {
        json_object *out = json_object_new_object ();
        json_object_object_add (out, "health", json_object_get (lj));
        json_object_object_add (out, "ready", json_object_get (rj));
        printf ("%s\n", json_object_to_json_string_ext (out, JSON_C_TO_STRING_PRETTY));
        json_object_put (out);
    }
    else {
        printf ("gateway  %s  version %s\n", live.status == 200 ? "up" : "DOWN",
                qs_json_str (lj, "version", "?"));
        printf ("ready    %s\n", ready.status == 200 ? "yes" : "NO");
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
    qs_cli_resp_free (&live);
    qs_cli_resp_free (&ready);
    return ok ? EXIT_OK : EXIT_SERVER;
}

int
main (int argc, char **argv)
{
    int as_json = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp (argv[i], "--json"))
            as_json = 1;
        else if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h")) {
            s_usage (stdout);
            return EXIT_OK;
        }
        else {
            s_usage (stderr);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        s_usage (stderr);
        return EXIT_USAGE;
    }
    const char *url = qs_env_str ("QUICKSPIN_URL", "http://127.0.0.1:8080");
    const char *cmd = argv[i];
    if (!strcmp (cmd, "token"))
        return s_cmd_token (argc - i, argv + i);
    if (!strcmp (cmd, "health"))
        return s_cmd_health (url, as_json);
    fprintf (stderr, "quickspin: unknown command '%s'\n", cmd);
    s_usage (stderr);
    return EXIT_USAGE;
}
