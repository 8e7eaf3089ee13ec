/*  qs_cli_keygen - see qs_cli_keygen.h */
#include "qs_cli_keygen.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "qs_curve.h"
#include "qs_json.h"
#include "qs_zap.h"

static int
s_usage (void)
{
    fprintf (stderr, "usage: quickspin keygen --out BASE [--role worker|client|integration|gateway] "
                     "[--name NAME]\n"
                     "  writes BASE.key (public+secret, mode 0600) and BASE.pub (public only)\n");
    return QS_CLI_USAGE;
}

int
qs_cli_cmd_keygen (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    const char *out = NULL, *role = NULL, *name = NULL;
    static struct option longopts [] = {
        {"out", required_argument, NULL, 'o'}, {"role", required_argument, NULL, 'r'},
        {"name", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
            case 'o': out = optarg; break;
            case 'r': role = optarg; break;
            case 'n': name = optarg; break;
            default: return s_usage ();
        }
    }
    if (optind < argc || !out || !*out)
        return s_usage ();
    if (role && !qs_zap_role_valid (role)) {
        fprintf (stderr, "quickspin keygen: role must be worker, client, integration or gateway\n");
        return QS_CLI_USAGE;
    }
    if (name && strpbrk (name, " \t\r\n#")) {
        fprintf (stderr, "quickspin keygen: the name may not hold spaces or '#'\n");
        return QS_CLI_USAGE;
    }
    const char *base = strrchr (out, '/');
    if (!name)
        name = base ? base + 1 : out;
    qs_curve_keypair_t kp;
    qs_err_t err = {0};
    if (qs_curve_keypair_new (&kp, &err) != 0 || qs_curve_keypair_save (&kp, out, &err) != 0) {
        qs_curve_keypair_wipe (&kp);
        fprintf (stderr, "quickspin keygen: %s\n", err.message);
        return QS_CLI_SERVER;      /* status 1: the command failed */
    }
    if (ctx->json) {
        json_object *o = json_object_new_object ();
        qs_json_add_str (o, "public_key", kp.public_key);
        char path [1100];
        snprintf (path, sizeof path, "%s.key", out);
        qs_json_add_str (o, "key_file", path);
        snprintf (path, sizeof path, "%s.pub", out);
        qs_json_add_str (o, "public_file", path);
        if (role) {
            char line [256];
            snprintf (line, sizeof line, "%s %s %s", role, kp.public_key, name);
            qs_json_add_str (o, "allowed_keys_line", line);
        }
        printf ("%s\n", qs_json_text (o));
        json_object_put (o);
    }
    else
    if (role)
        printf ("%s %s %s\n", role, kp.public_key, name);    /* a line for QS_CURVE_KEYS_FILE */
    else
        printf ("%s\n", kp.public_key);
    qs_curve_keypair_wipe (&kp);
    return QS_CLI_OK;
}
