/*  qs_cli_chat - see qs_cli_chat.h */
#include "qs_cli_chat.h"
#include "qs_cli_line.h"
#include "qs_cli_md.h"
#include "qs_cli_plan.h"
#include "qs_json.h"
#include "qs_sse.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define S_CHAT_TIMEOUT_MS 180000

//  The state of one streamed answer.
typedef struct {
    const qs_cli_ctx_t *ctx;
    qs_cli_md_t *md;
    json_object *done;          // the final ChatResponse
    json_object *error;         // the payload of an `error` event
    char label[96];             // what the spinner says
    int frame;
    bool spinning;              // a spinner is on stderr
    bool spinner_ok;            // stderr is a terminal
    bool tokens;                // text arrived
    qs_sse_t *sse;
} s_turn_t;

static void
s_spinner_clear (s_turn_t *t)
{
    if (t->spinning) {
        fputs ("\r\033[K", stderr);
        fflush (stderr);
        t->spinning = false;
    }
}

static void
s_on_tick (void *arg)
{
    s_turn_t *t = arg;
    if (!t->spinner_ok || t->tokens)
        return;
    static const char *frames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    fprintf (stderr, "\r%s%s%s %s\033[K", qs_cli_sgr (t->ctx, QS_SGR_CYAN), frames[t->frame++ % 10],
             qs_cli_sgr (t->ctx, QS_SGR_RESET), t->label);
    fflush (stderr);
    t->spinning = true;
}

static int
s_on_event (const qs_sse_event_t *ev, void *arg)
{
    s_turn_t *t = arg;
    const char *event = ev->name;
    json_object *obj = qs_json_parse (ev->data, ev->len, NULL);
    if (!strcmp (event, "intent"))
        snprintf (t->label, sizeof t->label, "thinking (%s)…",
                  qs_json_str (obj, "intent", "?"));
    else if (!strcmp (event, "step"))
        snprintf (t->label, sizeof t->label, "working: %s…", qs_json_str (obj, "step", "?"));
    else if (!strcmp (event, "token")) {
        const char *text = qs_json_str (obj, "text", "");
        if (*text) {
            s_spinner_clear (t);
            t->tokens = true;
            qs_cli_md_feed (t->md, text, strlen (text));
        }
    }
    else if (!strcmp (event, "done")) {
        json_object_put (t->done);
        t->done = json_object_get (obj);
    }
    else if (!strcmp (event, "error")) {
        json_object_put (t->error);
        t->error = json_object_get (obj);
    }
    json_object_put (obj);
    return 0;
}

static int
s_on_chunk (const char *data, size_t len, void *arg)
{
    s_turn_t *t = arg;
    return qs_sse_feed (t->sse, data, len) ? -1 : 0;
}

static void
s_print_error_obj (const char *what, json_object *obj)
{
    json_object *e = qs_json_get (obj, "error", json_type_object);
    if (!e)
        e = obj;
    fprintf (stderr, "%s: %s (%s, request %s)\n", what, qs_json_str (e, "message", "error"),
             qs_json_str (e, "code", "error"), qs_json_str (e, "request_id", "-"));
}

//  One streamed turn: the answer is printed as it arrives; *done_p gets the
//  ChatResponse (caller puts).
static int
s_stream (const qs_cli_ctx_t *ctx, const char *conversation_id, const char *message,
          json_object **done_p)
{
    *done_p = NULL;
    s_turn_t t = {.ctx = ctx, .spinner_ok = isatty (STDERR_FILENO) != 0};
    snprintf (t.label, sizeof t.label, "thinking…");
    t.md = qs_cli_md_new (stdout, ctx->color);
    t.sse = qs_sse_new (s_on_event, &t, 0);
    json_object *body = json_object_new_object ();
    qs_http_resp_t resp = {0};
    int rc = QS_CLI_SERVER;
    if (!t.md || !t.sse || !body) {
        fprintf (stderr, "quickspin chat: out of memory\n");
        goto cleanup;
    }
    qs_json_add_str (body, "message", message);
    if (conversation_id && *conversation_id)
        qs_json_add_str (body, "conversation_id", conversation_id);
    qs_err_t err = {0};
    s_on_tick (&t);
    int got = qs_cli_http_stream ("POST", ctx->cfg.url, "/api/v1/chat/stream", ctx->cfg.token,
                                  body, S_CHAT_TIMEOUT_MS, s_on_chunk, s_on_tick, &t, &resp, &err);
    s_spinner_clear (&t);
    if (got != 0) {
        qs_cli_md_flush (t.md);
        fprintf (stderr, "quickspin chat: %s\n", err.message);
        rc = QS_CLI_UNREACHABLE;
        goto cleanup;
    }
    if (resp.status < 200 || resp.status > 299) {
        rc = qs_cli_report ("quickspin chat", &resp);
        goto cleanup;
    }
    qs_sse_feed (t.sse, "\n\n", 2);     // a last event without its blank line
    if (!t.tokens && t.done) {
        const char *text = qs_json_str (t.done, "message", "");
        qs_cli_md_feed (t.md, text, strlen (text));
    }
    qs_cli_md_flush (t.md);
    if (t.error) {
        s_print_error_obj ("quickspin chat", t.error);
        rc = QS_CLI_SERVER;
    }
    else if (!t.done) {
        fprintf (stderr, "quickspin chat: the answer ended before it was complete\n");
        rc = QS_CLI_UNREACHABLE;
    }
    else {
        *done_p = t.done;
        t.done = NULL;
        rc = QS_CLI_OK;
    }
cleanup:
    qs_http_resp_clear (&resp);
    json_object_put (t.done);
    json_object_put (t.error);
    qs_sse_destroy (&t.sse);
    qs_cli_md_destroy (&t.md);
    json_object_put (body);
    return rc;
}

//  One turn without streaming, for --json: the API's ChatResponse as is.
static int
s_plain (const qs_cli_ctx_t *ctx, const char *conversation_id, const char *message,
         json_object **done_p)
{
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "message", message);
    if (conversation_id && *conversation_id)
        qs_json_add_str (body, "conversation_id", conversation_id);
    qs_cli_ctx_t slow = *ctx;
    slow.timeout_ms = S_CHAT_TIMEOUT_MS;
    int rc = qs_cli_call (&slow, "quickspin chat", "POST", "/api/v1/chat", body, done_p, NULL);
    json_object_put (body);
    if (rc == QS_CLI_OK && *done_p)
        qs_cli_print_json (*done_p);
    return rc;
}

static void
s_print_answer (const qs_cli_ctx_t *ctx, json_object *resp)
{
    qs_cli_md_t *md = qs_cli_md_new (stdout, ctx->color);
    const char *text = qs_json_str (resp, "message", "");
    if (md) {
        qs_cli_md_feed (md, text, strlen (text));
        qs_cli_md_flush (md);
    }
    qs_cli_md_destroy (&md);
    qs_cli_plan_print (ctx, resp, stdout);
    json_object *actions = qs_json_get (resp, "actions", json_type_array);
    size_t n = actions ? json_object_array_length (actions) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        const char *status = qs_json_str (a, "status", "?");
        if (strcmp (status, "pending_confirmation") != 0)
            printf ("%saction %s (%s): %s%s\n", qs_cli_sgr (ctx, QS_SGR_BOLD),
                    qs_json_str (a, "id", "?"), qs_json_str (a, "type", "?"), status,
                    qs_cli_sgr (ctx, QS_SGR_RESET));
    }
}

int
qs_cli_chat_action (const qs_cli_ctx_t *ctx, const char *action_id, const char *verb)
{
    return qs_cli_chat_decide (ctx, action_id, verb, NULL);
}

int
qs_cli_chat_decide (const qs_cli_ctx_t *ctx, const char *action_id, const char *verb,
                    const char *confirm_name)
{
    char path[300], what[64];
    //  the id goes into the URL path: letters, digits, - and _ only
    size_t idlen = strlen (action_id);
    if (idlen == 0 || idlen > 100
        || strspn (action_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
               != idlen) {
        fprintf (stderr, "quickspin %s: '%s' is not an action id\n", verb, action_id);
        return QS_CLI_USAGE;
    }
    snprintf (path, sizeof path, "/api/v1/actions/%s/%s", action_id, verb);
    snprintf (what, sizeof what, "quickspin %s", verb);
    json_object *body = json_object_new_object (), *resp = NULL;
    if (confirm_name)
        qs_json_add_str (body, "confirm_name", confirm_name);
    qs_cli_ctx_t slow = *ctx;
    slow.timeout_ms = S_CHAT_TIMEOUT_MS;
    int rc = qs_cli_call (&slow, what, "POST", path, body, &resp, NULL);
    json_object_put (body);
    if (rc == QS_CLI_OK && resp) {
        if (ctx->json)
            qs_cli_print_json (resp);
        else
            s_print_answer (ctx, resp);
    }
    json_object_put (resp);
    return rc;
}

//  Offer each pending action of resp: a y/N prompt through editor (when not
//  NULL), else the commands that settle it. Anything else typed at the
//  prompt is the conversation's next message (a change to the plan, a
//  question): it comes back in *next_p (caller frees) and the action stays
//  pending for the assistant to revise. Returns an exit status; *eof is set
//  when the input ended at a prompt.
static int
s_pending (const qs_cli_ctx_t *ctx, json_object *resp, qs_cli_line_t *editor, bool *eof,
           char **next_p)
{
    json_object *actions = qs_json_get (resp, "actions", json_type_array);
    size_t n = actions ? json_object_array_length (actions) : 0;
    int rc = QS_CLI_OK;
    for (size_t i = 0; i < n && rc == QS_CLI_OK; i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        if (strcmp (qs_json_str (a, "status", ""), "pending_confirmation") != 0)
            continue;
        const char *id = qs_json_str (a, "id", "?");
        json_object *est = qs_json_get (a, "estimate", json_type_object);
        if (!est)
            est = qs_json_path (resp, "metadata.estimate");
        printf ("\n%s⚑ pending action%s %s: %s", qs_cli_sgr (ctx, QS_SGR_YELLOW),
                qs_cli_sgr (ctx, QS_SGR_RESET), id, qs_json_str (a, "summary", qs_json_str (a, "type", "")));
        const char *summary = qs_json_str (a, "summary", "");
        if (est && qs_json_double (est, "monthly_cost", -1) >= 0 && !strchr (summary, '$'))
            printf (" (about $%.2f/month)", qs_json_double (est, "monthly_cost", 0));
        printf ("\n");
        if (!editor) {
            printf ("  confirm: quickspin confirm %s\n  cancel:  quickspin cancel %s\n", id, id);
            continue;
        }
        char *answer = qs_cli_line_read (editor, "Confirm? [y/N] (or type a change) ");
        if (!answer) {
            *eof = true;
            printf ("left pending; confirm later with: quickspin confirm %s\n", id);
            break;
        }
        bool yes = !strcasecmp (answer, "y") || !strcasecmp (answer, "yes");
        if (!yes && *answer && strcasecmp (answer, "n") && strcasecmp (answer, "no")) {
            *next_p = answer;
            break;
        }
        free (answer);
        rc = qs_cli_chat_action (ctx, id, yes ? "confirm" : "cancel");
    }
    fflush (stdout);
    return rc;
}

//  After the answer resp (taken): a revised plan's line, its pending
//  actions, and each message typed at their prompt streamed as the next turn
//  of the conversation, until no prompt is left. Returns an exit status.
static int
s_follow (const qs_cli_ctx_t *ctx, json_object *resp, qs_cli_line_t *editor, bool *eof)
{
    int rc = QS_CLI_OK;
    while (rc == QS_CLI_OK && resp) {
        char *next = NULL, conv[128];
        qs_cli_plan_print (ctx, resp, stdout);
        rc = s_pending (ctx, resp, editor, eof, &next);
        qs_strlcpy (conv, qs_json_str (resp, "conversation_id", ""), sizeof conv);
        json_object_put (resp);
        resp = NULL;
        if (rc == QS_CLI_OK && next)
            rc = s_stream (ctx, conv, next, &resp);
        free (next);
    }
    json_object_put (resp);
    return rc;
}

int
qs_cli_chat_once (const qs_cli_ctx_t *ctx, const char *message, const char *conversation_id)
{
    json_object *done = NULL;
    int rc = ctx->json ? s_plain (ctx, conversation_id, message, &done)
                       : s_stream (ctx, conversation_id, message, &done);
    if (rc == QS_CLI_OK && !ctx->json) {
        //  a prompt only where someone can see it and answer it
        qs_cli_line_t *editor = ctx->tty_in && ctx->tty_out ? qs_cli_line_new (4) : NULL;
        bool eof = false;
        rc = s_follow (ctx, done, editor, &eof);
        done = NULL;
        qs_cli_line_destroy (&editor);
    }
    json_object_put (done);
    return rc;
}

static void
s_repl_help (const qs_cli_ctx_t *ctx)
{
    printf ("%sQuickSpin AI%s - ask about your services, costs and problems.\n"
            "  /new   start a new conversation    /id  show the conversation id\n"
            "  /help  this text                    Ctrl-D or /quit  leave\n",
            qs_cli_sgr (ctx, QS_SGR_BOLD), qs_cli_sgr (ctx, QS_SGR_RESET));
}

int
qs_cli_chat_repl (const qs_cli_ctx_t *ctx)
{
    qs_cli_line_t *editor = qs_cli_line_new (200);
    if (!editor)
        return QS_CLI_SERVER;
    char conversation[128] = "", prompt[64];
    snprintf (prompt, sizeof prompt, "%syou>%s ", qs_cli_sgr (ctx, QS_SGR_GREEN),
              qs_cli_sgr (ctx, QS_SGR_RESET));
    int rc = QS_CLI_OK;
    if (ctx->tty_out)
        s_repl_help (ctx);
    for (;;) {
        char *line = qs_cli_line_read (editor, ctx->tty_in ? prompt : "");
        if (!line)
            break;
        char *q = line;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q) {
            free (line);
            continue;
        }
        qs_cli_line_history_add (editor, q);
        if (!strcmp (q, "/quit") || !strcmp (q, "/exit")) {
            free (line);
            break;
        }
        if (!strcmp (q, "/help"))
            s_repl_help (ctx);
        else if (!strcmp (q, "/new")) {
            conversation[0] = '\0';
            printf ("new conversation\n");
        }
        else if (!strcmp (q, "/id"))
            printf ("%s\n", conversation[0] ? conversation : "(none yet)");
        else {
            json_object *done = NULL;
            int turn = ctx->json ? s_plain (ctx, conversation, q, &done)
                                 : s_stream (ctx, conversation, q, &done);
            if (turn == QS_CLI_OK) {
                qs_strlcpy (conversation, qs_json_str (done, "conversation_id", conversation),
                            sizeof conversation);
                bool eof = false;
                if (!ctx->json) {
                    s_follow (ctx, done, ctx->tty_in && ctx->tty_out ? editor : NULL, &eof);
                    done = NULL;
                }
                if (eof) {
                    json_object_put (done);
                    free (line);
                    break;
                }
            }
            //  a failed turn is reported and the session goes on; only a
            //  bad token ends it (every next turn would fail the same way)
            json_object_put (done);
            if (turn == QS_CLI_UNAUTHORIZED) {
                rc = turn;
                free (line);
                break;
            }
            if (!ctx->json)
                printf ("\n");
        }
        fflush (stdout);
        free (line);
    }
    qs_cli_line_destroy (&editor);
    return rc;
}
