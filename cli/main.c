/*  quickspin - the command-line client of QuickSpin AI: parses the command
    line, resolves the configuration and hands over to the command. */
#include "qs_cli_audit.h"
#include "qs_cli_keygen.h"
#include "qs_cli_chat.h"
#include "qs_cli_cmds.h"
#include "qs_cli_ctx.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
s_usage (FILE *out)
{
    fprintf (out,
        "usage: quickspin [--json] [--no-color] <command> [arguments]\n"
        "\n"
        "commands:\n"
        "  chat \"question\" [-c ID]    ask once; the answer streams in. Pending actions get a\n"
        "                             y/N prompt on a terminal, else the commands to settle them\n"
        "  chat                       interactive session: Up/Down history, Ctrl-A/E/U/K/W\n"
        "                             editing, Ctrl-C drops the line, Ctrl-D leaves (status 0);\n"
        "                             /new starts a new conversation\n"
        "  confirm <action_id>        execute a pending action\n"
        "  cancel <action_id>         cancel a pending action\n"
        "  recommend                  cost recommendations: savings per service and the total\n"
        "  recommend --apply ID [--yes]\n"
        "                             show recommendation ID's change, ask (y/N; a delete: the\n"
        "                             service's name) and carry it out; --yes skips the question\n"
        "                             (never for a delete)\n"
        "  conversations [list] [--limit N] [--cursor C]\n"
        "  conversations show <id>    a conversation with its messages\n"
        "  conversations delete <id>  delete a conversation\n"
        "  audit [--limit N] [--cursor C] [--all]\n"
        "                             the audit log, oldest first (an admin sees the org's,\n"
        "                             anyone else their own entries); --all follows every page\n"
        "  audit verify               fetch every page and check the hash chain\n"
        "  health                     gateway liveness and readiness (no token needed)\n"
        "  token --sub U --org O [--roles member[,admin]] [--tier pro] [--ttl SECONDS]\n"
        "                             mint a development token from QS_JWT_SECRET\n"
        "  keygen --out BASE [--role R] [--name N]\n"
        "                             a CURVE key pair for the secured bus: BASE.key, BASE.pub;\n"
        "                             with --role prints the broker's allowed-keys line\n"
        "\n"
        "options:\n"
        "  --json       print the API's JSON (chat: the ChatResponse; no prompts)\n"
        "  --no-color   no colour or styling (also NO_COLOR=1; off anyway when not a terminal)\n"
        "\n"
        "configuration: QUICKSPIN_URL (default " QS_CLI_DEFAULT_URL ") and QUICKSPIN_TOKEN;\n"
        "  what they leave unset comes from ~/.config/quickspin/config (or $QUICKSPIN_CONFIG,\n"
        "  $XDG_CONFIG_HOME/quickspin/config): lines url=... and token=...\n"
        "\n"
        "exit status:\n"
        "  0  success (also an interactive session ended with Ctrl-D)\n"
        "  1  the server answered with an error (bad request, not found, conflict, 5xx...)\n"
        "  2  usage: bad command line or configuration file\n"
        "  3  the gateway could not be reached (or the connection broke)\n"
        "  4  not authorized: missing, invalid or expired token (401) or role (403)\n"
        "  5  audit verify: the audit chain is broken (the first broken entry is named)\n");
}

static int
s_chat (const qs_cli_ctx_t *ctx, int argc, char **argv)
{
    const char *conversation = NULL;
    size_t size = 1;
    int first = 1;
    for (; first < argc; first++) {
        if ((!strcmp (argv[first], "-c") || !strcmp (argv[first], "--conversation"))
            && first + 1 < argc)
            conversation = argv[++first];
        else if (!strcmp (argv[first], "--"))
            {
                first++;
                break;
            }
        else if (argv[first][0] == '-' && argv[first][1]) {
            fprintf (stderr, "quickspin chat: unknown option '%s'\n", argv[first]);
            return QS_CLI_USAGE;
        }
        else
            break;
    }
    if (first >= argc) {
        if (conversation) {
            fprintf (stderr, "quickspin chat: -c needs a question\n");
            return QS_CLI_USAGE;
        }
        return qs_cli_chat_repl (ctx);
    }
    for (int i = first; i < argc; i++)
        size += strlen (argv[i]) + 1;
    char *message = calloc (1, size);
    if (!message)
        return QS_CLI_SERVER;
    //  the words after `chat` make one question, as a shell user expects
    size_t used = 0;
    for (int i = first; i < argc; i++)
        used += (size_t) snprintf (message + used, size - used, "%s%s", i > first ? " " : "", argv[i]);
    int rc = QS_CLI_USAGE;
    if (!*message)
        fprintf (stderr, "quickspin chat: the question is empty\n");
    else
        rc = qs_cli_chat_once (ctx, message, conversation);
    free (message);
    return rc;
}

int
main (int argc, char **argv)
{
    qs_cli_ctx_t ctx = {.timeout_ms = 30000};
    bool no_color = getenv ("NO_COLOR") && *getenv ("NO_COLOR");
    //  global options go before the command; --json is also taken after it
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp (argv[i], "--json"))
            ctx.json = true;
        else if (!strcmp (argv[i], "--no-color"))
            no_color = true;
        else if (!strcmp (argv[i], "--help") || !strcmp (argv[i], "-h")) {
            s_usage (stdout);
            return QS_CLI_OK;
        }
        else {
            fprintf (stderr, "quickspin: unknown option '%s'\n", argv[i]);
            s_usage (stderr);
            return QS_CLI_USAGE;
        }
    }
    if (i >= argc) {
        s_usage (stderr);
        return QS_CLI_USAGE;
    }
    int cargc = 0;
    char **cargv = calloc ((size_t) (argc - i + 1), sizeof (char *));
    if (!cargv)
        return QS_CLI_SERVER;
    for (int j = i; j < argc; j++) {
        if (!strcmp (argv[j], "--json"))
            ctx.json = true;
        else if (!strcmp (argv[j], "--help") && j > i) {
            free (cargv);
            s_usage (stdout);
            return QS_CLI_OK;
        }
        else
            cargv[cargc++] = argv[j];
    }
    const char *cmd = cargv[0];
    ctx.tty_out = isatty (STDOUT_FILENO);
    ctx.tty_in = isatty (STDIN_FILENO);
    const char *term = getenv ("TERM");
    ctx.color = ctx.tty_out && !no_color && !ctx.json && !(term && !strcmp (term, "dumb"));
    int rc;
    if (!strcmp (cmd, "token"))
        rc = qs_cli_cmd_token (&ctx, cargc, cargv);
    else if (!strcmp (cmd, "keygen"))
        rc = qs_cli_cmd_keygen (&ctx, cargc, cargv);
    else {
        char path[1024];
        qs_err_t err = {0};
        if (qs_cli_config_resolve (&ctx.cfg, getenv ("QUICKSPIN_URL"), getenv ("QUICKSPIN_TOKEN"),
                                   qs_cli_config_path (path, sizeof path), &err) != 0) {
            fprintf (stderr, "quickspin: %s\n", err.message);
            rc = QS_CLI_USAGE;
        }
        else if (!strcmp (cmd, "chat"))
            rc = s_chat (&ctx, cargc, cargv);
        else if (!strcmp (cmd, "recommend") || !strcmp (cmd, "recommendations"))
            rc = qs_cli_cmd_recommend (&ctx, cargc, cargv);
        else if (!strcmp (cmd, "conversations") || !strcmp (cmd, "conv"))
            rc = qs_cli_cmd_conversations (&ctx, cargc, cargv);
        else if (!strcmp (cmd, "audit"))
            rc = qs_cli_cmd_audit (&ctx, cargc, cargv);
        else if (!strcmp (cmd, "health"))
            rc = qs_cli_cmd_health (&ctx, cargc, cargv);
        else if ((!strcmp (cmd, "confirm") || !strcmp (cmd, "cancel")) && cargc == 2)
            rc = qs_cli_chat_action (&ctx, cargv[1], cmd);
        else if (!strcmp (cmd, "confirm") || !strcmp (cmd, "cancel")) {
            fprintf (stderr, "usage: quickspin %s <action_id>\n", cmd);
            rc = QS_CLI_USAGE;
        }
        else if (!strcmp (cmd, "help")) {
            s_usage (stdout);
            rc = QS_CLI_OK;
        }
        else {
            fprintf (stderr, "quickspin: unknown command '%s' (quickspin --help lists them)\n", cmd);
            rc = QS_CLI_USAGE;
        }
    }
    free (cargv);
    return rc;
}
