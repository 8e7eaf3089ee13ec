/*  qs_answer_prompt - see qs_answer_prompt.h */
#include "qs_answer_prompt.h"
#include "qs_buf.h"
#include "qs_env.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_llm.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QS_WF_PROMPT_DIR
#define QS_WF_PROMPT_DIR "workflow-svc/prompts"
#endif

#define S_TEMPLATE_MAX   (16 * 1024)   /* the prompt file */
#define S_FACTS_MAX      (14 * 1024)   /* serialised facts */
#define S_DRAFT_MAX      (6 * 1024)
#define S_MESSAGE_MAX    3000
#define S_HISTORY_TURNS  6
#define S_TURN_MAX       500
#define S_DEPTH_MAX      8

/*  How much of each string and array the facts keep; a second, tighter pass
    runs when the first does not fit S_FACTS_MAX. */
typedef struct {
    size_t string_max;
    size_t array_max;
} s_limits_t;

static const s_limits_t s_wide = {600, 20};
static const s_limits_t s_tight = {160, 6};

/* ---- cleaning ------------------------------------------------------------ */

/*  Length of at most max bytes of text that does not split a UTF-8 sequence. */
static size_t
s_utf8_cut (const char *text, size_t max)
{
    size_t len = strnlen (text, max);
    if (text[len] == '\0')
        return len;
    while (len > 0 && ((unsigned char) text[len] & 0xC0) == 0x80)
        len--;
    return len;
}

/*  A copy of text cut to max bytes (marked with an ellipsis) and redacted.
    Caller frees; NULL on allocation failure. */
static char *
s_clean (const char *text, size_t max)
{
    text = text ? text : "";
    size_t len = s_utf8_cut (text, max);
    int cut = text[len] != '\0';
    char *part = strndup (text, len);
    /* masking can lengthen a short secret ("pwd=x" -> "pwd=[REDACTED]") */
    size_t size = 3 * len + 64;
    char *out = malloc (size);
    if (!part || !out) {
        free (part);
        free (out);
        return NULL;
    }
    qs_redact (out, size, part);
    free (part);
    if (cut) {
        size_t n = strlen (out);
        snprintf (out + n, size - n, "…");
    }
    return out;
}

/*  Keys whose values never reach a prompt, whatever they hold. */
static int
s_secret_key (const char *key)
{
    static const char *words[] = {"password", "passwd", "secret", "token", "api_key", "apikey",
                                  "authorization", "credential", "private", "_key", NULL};
    char low[64];
    size_t i = 0;
    for (; key[i] && i < sizeof low - 1; i++)
        low[i] = (char) tolower ((unsigned char) key[i]);
    low[i] = '\0';
    for (int k = 0; words[k]; k++)
        if (strstr (low, words[k]))
            return 1;
    return 0;
}

/*  A number as the model should copy it: no binary noise (45.99, not
    45.990000000000002). */
static json_object *
s_number (json_object *v)
{
    if (!json_object_is_type (v, json_type_double))
        return json_object_new_int64 (json_object_get_int64 (v));
    char text[64];
    snprintf (text, sizeof text, "%.10g", json_object_get_double (v));
    return json_object_new_double_s (json_object_get_double (v), text);
}

static json_object *
s_sanitize (json_object *v, const s_limits_t *lim, int depth)
{
    if (!v || depth > S_DEPTH_MAX)
        return NULL;
    switch (json_object_get_type (v)) {
    case json_type_object: {
        json_object *out = json_object_new_object ();
        json_object_object_foreach (v, key, value) {
            if (s_secret_key (key))
                continue;
            json_object *clean = s_sanitize (value, lim, depth + 1);
            if (clean || !value)
                json_object_object_add (out, key, clean);
        }
        return out;
    }
    case json_type_array: {
        json_object *out = json_object_new_array ();
        size_t n = json_object_array_length (v);
        for (size_t i = 0; i < n && i < lim->array_max; i++) {
            json_object *clean = s_sanitize (json_object_array_get_idx (v, i), lim, depth + 1);
            if (clean)
                json_object_array_add (out, clean);
        }
        if (n > lim->array_max) {
            char more[64];
            snprintf (more, sizeof more, "(%zu more not shown)", n - lim->array_max);
            json_object_array_add (out, json_object_new_string (more));
        }
        return out;
    }
    case json_type_string: {
        char *clean = s_clean (json_object_get_string (v), lim->string_max);
        json_object *out = clean ? json_object_new_string (clean) : NULL;
        free (clean);
        return out;
    }
    case json_type_int:
    case json_type_double:
        return s_number (v);
    case json_type_boolean:
        return json_object_new_boolean (json_object_get_boolean (v));
    default:
        return NULL;
    }
}

/*  A Service as the model may see it: what it is and where it listens, no
    connection secret (the URI is redacted like every string). */
static json_object *
s_service (json_object *svc)
{
    static const char *keys[] = {"name", "service_type", "tier", "version", "region", "status",
                                 "replicas", "high_availability", "backup_enabled", "environment",
                                 "created_at", "hourly_cost", "monthly_cost", NULL};
    static const char *conn_keys[] = {"host", "port", "username", "database", "uri", NULL};
    json_object *out = json_object_new_object ();
    for (int i = 0; keys[i]; i++) {
        json_object *v;
        if (json_object_object_get_ex (svc, keys[i], &v) && v)
            json_object_object_add (out, keys[i], json_object_get (v));
    }
    json_object *conn = qs_json_get (svc, "connection", json_type_object);
    if (conn) {
        json_object *c = json_object_new_object ();
        for (int i = 0; conn_keys[i]; i++) {
            json_object *v;
            if (json_object_object_get_ex (conn, conn_keys[i], &v) && v)
                json_object_object_add (c, conn_keys[i], json_object_get (v));
        }
        json_object_object_add (out, "connection", c);
    }
    return out;
}

/*  The raw facts before cleaning: shared references into in (put after use). */
static json_object *
s_raw_facts (const qs_answer_input_t *in)
{
    static const char *keys[] = {"workflow", "awaiting", "config", "estimate", "validation",
                                 "revision", "diagnosis", "data_gaps", "optimization", "change",
                                 "verification", "dialogue", NULL};
    json_object *raw = json_object_new_object ();
    for (int i = 0; keys[i]; i++) {
        json_object *v;
        if (json_object_object_get_ex (in->meta, keys[i], &v) && v)
            json_object_object_add (raw, keys[i], json_object_get (v));
    }
    json_object *services = qs_json_get (in->meta, "services", json_type_array);
    if (services) {
        json_object *list = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (services); i++)
            json_object_array_add (list, s_service (json_object_array_get_idx (services, i)));
        json_object_object_add (raw, "services", list);
    }
    json_object *sources = qs_json_get (in->meta, "sources_full", json_type_array);
    if (sources) {
        json_object *list = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (sources); i++) {
            json_object *r = json_object_array_get_idx (sources, i), *p = json_object_new_object ();
            qs_json_add_str (p, "title", qs_json_str (r, "title", ""));
            qs_json_add_str (p, "passage", qs_json_str (r, "snippet", qs_json_str (r, "content", "")));
            json_object_array_add (list, p);
        }
        json_object_object_add (raw, "knowledge", list);
    }
    size_t n = in->actions ? json_object_array_length (in->actions) : 0;
    if (n) {
        static const char *akeys[] = {"type", "status", "summary", "config", "estimate", "change", NULL};
        json_object *list = json_object_new_array ();
        for (size_t i = 0; i < n; i++) {
            json_object *a = json_object_array_get_idx (in->actions, i), *p = json_object_new_object ();
            for (int k = 0; akeys[k]; k++) {
                json_object *v;
                if (json_object_object_get_ex (a, akeys[k], &v) && v)
                    json_object_object_add (p, akeys[k], json_object_get (v));
            }
            json_object_array_add (list, p);
        }
        json_object_object_add (raw, "actions", list);
    }
    return raw;
}

json_object *
qs_answer_prompt_facts (const qs_answer_input_t *in)
{
    json_object *raw = s_raw_facts (in);
    json_object *facts = s_sanitize (raw, &s_wide, 0);
    json_object_put (raw);
    return facts;
}

/* ---- the prompt ---------------------------------------------------------- */

/*  Replace each {{name}} of tmpl by its value (one pass: values are not
    scanned again). Unknown placeholders stay as they are. Caller frees. */
static char *
s_render (const char *tmpl, const char **names, const char **values)
{
    qs_buf_t *b = qs_buf_new (0);
    if (!b)
        return NULL;
    const char *p = tmpl;
    while (*p) {
        const char *open = strstr (p, "{{");
        if (!open) {
            qs_buf_puts (b, p);
            break;
        }
        qs_buf_append (b, p, (size_t) (open - p));
        const char *close = strstr (open, "}}");
        int done = 0;
        for (int i = 0; close && names[i] && !done; i++) {
            size_t n = strlen (names[i]);
            if ((size_t) (close - open - 2) == n && !strncmp (open + 2, names[i], n)) {
                qs_buf_puts (b, values[i]);
                p = close + 2;
                done = 1;
            }
        }
        if (!done) {
            qs_buf_append (b, "{{", 2);
            p = open + 2;
        }
    }
    /* NULL when an append failed: the buffer remembers it */
    char *text = qs_buf_steal (b);
    qs_buf_destroy (&b);
    return text;
}

static const char *
s_json (json_object *obj)
{
    return json_object_to_json_string_ext (obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*  The facts as JSON text within S_FACTS_MAX bytes. Caller frees. */
static char *
s_facts_text (const qs_answer_input_t *in)
{
    json_object *raw = s_raw_facts (in);
    json_object *facts = s_sanitize (raw, &s_wide, 0);
    if (facts && strlen (s_json (facts)) > S_FACTS_MAX) {
        json_object_put (facts);
        facts = s_sanitize (raw, &s_tight, 0);
    }
    json_object_put (raw);
    if (!facts)
        return NULL;
    const char *text = s_json (facts);
    size_t len = s_utf8_cut (text, S_FACTS_MAX);
    /* still too big: the model reads a cut JSON text better than none */
    char *out = text[len] ? qs_strdupf ("%.*s …(cut)", (int) len, text) : strdup (text);
    json_object_put (facts);
    return out;
}

/*  The last turns before the current message, cleaned, as JSON text. */
static char *
s_history_text (const qs_answer_input_t *in)
{
    json_object *out = json_object_new_array ();
    size_t n = in->history && json_object_is_type (in->history, json_type_array)
                   ? json_object_array_length (in->history) : 0;
    if (n > 0 && in->message) {
        json_object *last = json_object_array_get_idx (in->history, n - 1);
        if (!strcmp (qs_json_str (last, "role", ""), "user")
            && !strcmp (qs_json_str (last, "content", ""), in->message))
            n--;                 /* the message itself comes on its own */
    }
    for (size_t i = n > S_HISTORY_TURNS ? n - S_HISTORY_TURNS : 0; i < n; i++) {
        json_object *m = json_object_array_get_idx (in->history, i);
        const char *role = qs_json_str (m, "role", "");
        if (strcmp (role, "user") != 0 && strcmp (role, "assistant") != 0)
            continue;
        char *clean = s_clean (qs_json_str (m, "content", ""), S_TURN_MAX);
        json_object *turn = json_object_new_object ();
        qs_json_add_str (turn, "role", role);
        qs_json_add_str (turn, "content", clean ? clean : "");
        free (clean);
        json_object_array_add (out, turn);
    }
    char *text = strdup (s_json (out));
    json_object_put (out);
    return text;
}

char *
qs_answer_prompt_load (const char *dir, qs_err_t *err)
{
    dir = dir ? dir : qs_env_str ("QS_PROMPT_DIR", QS_WF_PROMPT_DIR);
    char path[1024];
    snprintf (path, sizeof path, "%s/answer.txt", dir);
    FILE *f = fopen (path, "rb");
    if (!f) {
        qs_err_set (err, 500, "internal", "cannot read the answer prompt %s", path);
        return NULL;
    }
    char *text = malloc (S_TEMPLATE_MAX + 1);
    size_t n = text ? fread (text, 1, S_TEMPLATE_MAX + 1, f) : 0;
    fclose (f);
    if (!text || n > S_TEMPLATE_MAX) {
        free (text);
        qs_err_set (err, 500, "internal", "the answer prompt %s is missing or too large", path);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

json_object *
qs_answer_prompt_messages (const char *prompt, const qs_answer_input_t *in, qs_err_t *err)
{
    static const char *sys_mark = "=== system ===\n", *user_mark = "=== user ===\n";
    const char *sys = prompt ? strstr (prompt, sys_mark) : NULL;
    const char *user = sys ? strstr (sys, user_mark) : NULL;
    if (!user) {
        qs_err_set (err, 500, "internal", "the answer prompt has no system and user sections");
        return NULL;
    }
    sys += strlen (sys_mark);
    size_t slen = (size_t) (user - sys);
    while (slen > 0 && sys[slen - 1] == '\n')
        slen--;
    user += strlen (user_mark);
    if (slen + strlen (user) > S_TEMPLATE_MAX) {
        qs_err_set (err, 500, "internal", "the answer prompt is too large");
        return NULL;
    }
    json_object *messages = NULL;
    char *system = strndup (sys, slen);
    char *facts = s_facts_text (in);
    char *draft = s_clean (in->draft, S_DRAFT_MAX);
    char *history = s_history_text (in);
    char *msg = s_clean (in->message ? in->message : "(the user answered a pending action)", S_MESSAGE_MAX);
    json_object *jmsg = json_object_new_string (msg ? msg : "");
    char *intent = s_clean (in->intent ? in->intent : "general_question", 40);
    const char *names[] = {"intent", "facts", "reference", "history", "message", NULL};
    const char *values[] = {intent, facts, draft, history, s_json (jmsg), NULL};
    char *text = NULL;
    if (system && facts && draft && history && msg && intent
        && (text = s_render (user, names, values))) {
        messages = json_object_new_array ();
        qs_llm_messages_add (messages, "system", system);
        qs_llm_messages_add (messages, "user", text);
    }
    else
        qs_err_set (err, 500, "internal", "out of memory building the answer prompt");
    free (text);
    free (system);
    free (facts);
    free (draft);
    free (history);
    free (msg);
    free (intent);
    json_object_put (jmsg);
    return messages;
}
