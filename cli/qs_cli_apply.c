/*  qs_cli_apply - see qs_cli_apply.h */
#include "qs_cli_apply.h"
#include "qs_cli_chat.h"
#include "qs_cli_cmds.h"
#include "qs_cli_line.h"
#include "qs_cli_plan.h"
#include "qs_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_APPLY_TIMEOUT_MS 120000

/*  The pending action of resp, or NULL. Lent. */
static json_object *
s_pending (json_object *resp)
{
    json_object *actions = qs_json_get (resp, "actions", json_type_array);
    for (size_t i = 0; actions && i < json_object_array_length (actions); i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        if (!strcmp (qs_json_str (a, "status", ""), "pending_confirmation"))
            return a;
    }
    return NULL;
}

/*  Member key of obj, or NULL. Lent. */
static json_object *
s_member (json_object *obj, const char *key)
{
    json_object *v = NULL;
    return obj && json_object_object_get_ex (obj, key, &v) ? v : NULL;
}

char *
qs_cli_apply_render (json_object *resp)
{
    json_object *a = s_pending (resp);
    if (!a)
        return NULL;
    json_object *change = qs_json_get (a, "change", json_type_object);
    json_object *after = qs_json_get (change, "after", json_type_object);
    const char *name = qs_json_str (qs_json_get (a, "config", json_type_object), "name",
                                    qs_json_str (a, "service_id", "?"));
    bool delete = !strcmp (qs_json_str (a, "type", ""), "delete_service");
    char *text = NULL, m1[32], m2[32], m3[32];
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    double cost_before = qs_json_double (change, "monthly_cost_before", 0);
    double cost_after = qs_json_double (change, "monthly_cost_after", 0);
    fprintf (out, "%s %s (action %s):\n", delete ? "Delete" : "Change", name, qs_json_str (a, "id", "?"));
    json_object_object_foreach (after, key, value) {
        fputs ("  ", out);
        qs_cli_plan_setting (out, key, s_member (s_member (change, "before"), key), value);
        fputc ('\n', out);
    }
    fprintf (out, "  monthly cost %s -> %s (saves %s/month)\n", qs_cli_money (cost_before, m1, sizeof m1),
             qs_cli_money (cost_after, m2, sizeof m2), qs_cli_money (cost_before - cost_after, m3, sizeof m3));
    fclose (out);
    return text;
}

/*  One answer line from the user (a terminal's line editor, else stdin).
    NULL at the end of input. Caller frees. */
static char *
s_ask (const qs_cli_ctx_t *ctx, const char *prompt)
{
    qs_cli_line_t *editor = ctx->tty_in ? qs_cli_line_new (4) : NULL;
    char *answer = NULL;
    if (editor)
        answer = qs_cli_line_read (editor, prompt);
    else {
        size_t cap = 0;
        FILE *say = ctx->json ? stderr : stdout;     /* stdout holds only JSON then */
        fputs (prompt, say);
        fflush (say);
        if (getline (&answer, &cap, stdin) < 0) {
            free (answer);
            answer = NULL;
        }
        else
            answer[strcspn (answer, "\r\n")] = '\0';
    }
    qs_cli_line_destroy (&editor);
    return answer;
}

int
qs_cli_apply (const qs_cli_ctx_t *ctx, const char *id, bool yes)
{
    size_t idlen = strlen (id);
    if (idlen == 0 || idlen > 100
        || strspn (id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != idlen) {
        fprintf (stderr, "quickspin recommend: '%s' is not a recommendation id\n", id);
        return QS_CLI_USAGE;
    }
    char path[200];
    snprintf (path, sizeof path, "/api/v1/recommendations/%s/apply", id);
    json_object *body = json_object_new_object (), *resp = NULL;
    qs_cli_ctx_t slow = *ctx;
    slow.timeout_ms = S_APPLY_TIMEOUT_MS;
    int rc = qs_cli_call (&slow, "quickspin recommend --apply", "POST", path, body, &resp, NULL);
    json_object_put (body);
    if (rc != QS_CLI_OK || !resp) {
        json_object_put (resp);
        return rc != QS_CLI_OK ? rc : QS_CLI_SERVER;
    }
    if (ctx->json)
        qs_cli_print_json (resp);
    json_object *a = s_pending (resp);
    char *shown = qs_cli_apply_render (resp);
    if (!a || !shown) {
        //  refused before asking (role, plan): the answer says why
        if (!ctx->json)
            fprintf (stderr, "%s", qs_json_str (resp, "message", "nothing to apply\n"));
        free (shown);
        json_object_put (resp);
        return QS_CLI_UNAUTHORIZED;
    }
    if (!ctx->json)
        fputs (shown, stdout);
    free (shown);
    char action[128], name[128];
    snprintf (action, sizeof action, "%s", qs_json_str (a, "id", ""));
    snprintf (name, sizeof name, "%s", qs_json_str (qs_json_get (a, "config", json_type_object), "name", ""));
    bool delete = !strcmp (qs_json_str (a, "type", ""), "delete_service");
    json_object_put (resp);
    char *answer = NULL;
    bool go = yes && !delete;
    FILE *say = ctx->json ? stderr : stdout;
    if (!go) {
        if (yes)
            fprintf (say, "--yes does not delete a service: type its name to confirm.\n");
        answer = s_ask (ctx, delete ? "Type the service's name to delete it: " : "Apply this change? [y/N] ");
        go = answer && (delete ? !strcmp (answer, name) : (!strcasecmp (answer, "y") || !strcasecmp (answer, "yes")));
    }
    if (go)
        rc = qs_cli_chat_decide (ctx, action, "confirm", delete ? name : NULL);
    else {
        fprintf (say, "%s; nothing changed.\n", delete && answer && *answer ? "The name does not match" : "Not applied");
        rc = qs_cli_chat_decide (ctx, action, "cancel", NULL);
        //  a script that said --yes did not get what it asked for
        if (rc == QS_CLI_OK && yes)
            rc = QS_CLI_USAGE;
        else if (rc == QS_CLI_OK && delete && answer && *answer)
            rc = QS_CLI_SERVER;
    }
    free (answer);
    return rc;
}
