/*  qs_intent_prompt - see qs_intent_prompt.h */
#include "qs_intent_prompt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_buf.h"
#include "qs_json.h"
#include "qs_log.h"

#define S_MAX_TEMPLATE (64 * 1024)
#define S_HISTORY_TURNS 6
#define S_TURN_CHARS 600

struct _qs_intent_prompt_t {
    char *system;
    char *user;
    json_object *schema;
};

static char *
s_read_file (const char *dir, const char *name)
{
    char path[1024];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    char *text = (char *) malloc (S_MAX_TEMPLATE + 1);
    size_t n = text ? fread (text, 1, S_MAX_TEMPLATE + 1, f) : 0;
    fclose (f);
    if (!text || n > S_MAX_TEMPLATE) {
        free (text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/*  "<comments>=== system ===\n...=== user ===\n..." -> the two messages. */
static int
s_load (const char *dir, const char *base, qs_intent_prompt_t *p)
{
    int rc = -1;
    char name[64];
    snprintf (name, sizeof name, "%s.txt", base);
    char *text = s_read_file (dir, name);
    snprintf (name, sizeof name, "%s.schema.json", base);
    char *schema = s_read_file (dir, name);
    if (!text || !schema)
        goto cleanup;
    const char *sys = strstr (text, "=== system ===\n");
    const char *user = sys ? strstr (sys, "=== user ===\n") : NULL;
    if (!user)
        goto cleanup;
    sys += strlen ("=== system ===\n");
    size_t slen = (size_t) (user - sys);
    while (slen > 0 && sys[slen - 1] == '\n')
        slen--;
    user += strlen ("=== user ===\n");
    p->system = strndup (sys, slen);
    p->user = strdup (user);
    const char *why;
    p->schema = qs_json_parse (schema, strlen (schema), &why);
    if (p->system && p->user && p->schema && strstr (p->user, "{{message}}"))
        rc = 0;
cleanup:
    free (text);
    free (schema);
    return rc;
}

qs_intent_prompt_t *
qs_intent_prompt_load (const char *dir, const char *base)
{
    qs_intent_prompt_t *self = (qs_intent_prompt_t *) calloc (1, sizeof *self);
    if (self && s_load (dir, base, self))
        qs_intent_prompt_destroy (&self);
    return self;
}

void
qs_intent_prompt_destroy (qs_intent_prompt_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_intent_prompt_t *self = *self_p;
    free (self->system);
    free (self->user);
    if (self->schema)
        json_object_put (self->schema);
    free (self);
    *self_p = NULL;
}

const char *
qs_intent_prompt_system (qs_intent_prompt_t *self)
{
    return self->system;
}

json_object *
qs_intent_prompt_schema (qs_intent_prompt_t *self)
{
    return self->schema;
}

/*  A copy of outside text fit for a prompt: secrets masked, length capped. */
char *
qs_intent_prompt_clean (const char *text, size_t max)
{
    text = text ? text : "";
    size_t len = strnlen (text, max);
    /* never cut a UTF-8 sequence: the API wants valid UTF-8 */
    while (len > 0 && text[len] && ((unsigned char) text[len] & 0xC0) == 0x80)
        len--;
    char *out = (char *) malloc (len + 64);
    if (!out)
        return NULL;
    char *tmp = strndup (text, len);
    if (!tmp) {
        free (out);
        return NULL;
    }
    qs_redact (out, len + 64, tmp);
    free (tmp);
    return out;
}

/*  The last turns of a history array as [{"role","content"}], cleaned. */
json_object *
qs_intent_prompt_history (json_object *history)
{
    json_object *out = json_object_new_array ();
    if (!out || !history || !json_object_is_type (history, json_type_array))
        return out;
    size_t n = json_object_array_length (history);
    size_t from = n > S_HISTORY_TURNS ? n - S_HISTORY_TURNS : 0;
    for (size_t i = from; i < n; i++) {
        json_object *turn = json_object_array_get_idx (history, i);
        const char *role = qs_json_str (turn, "role", "");
        const char *content = qs_json_str (turn, "content", NULL);
        if (!content || (strcmp (role, "user") != 0 && strcmp (role, "assistant") != 0))
            continue;
        char *clean = qs_intent_prompt_clean (content, S_TURN_CHARS);
        json_object *t = json_object_new_object ();
        qs_json_add_str (t, "role", role);
        qs_json_add_str (t, "content", clean);
        json_object_array_add (out, t);
        free (clean);
    }
    return out;
}

/*  Replace each {{name}} in tmpl with the JSON text of the value. Caller frees. */
static char *
s_render (const char *tmpl, const char **names, json_object **values, int n)
{
    qs_buf_t *out = qs_buf_new (0);
    if (!out)
        return NULL;
    const char *p = tmpl;
    while (*p) {
        const char *open = strstr (p, "{{");
        if (!open) {
            qs_buf_puts (out, p);
            break;
        }
        qs_buf_append (out, p, (size_t) (open - p));
        const char *close = strstr (open, "}}");
        int i = 0;
        for (; close && i < n; i++)
            if (strlen (names[i]) == (size_t) (close - open - 2)
                && strncmp (open + 2, names[i], (size_t) (close - open - 2)) == 0)
                break;
        if (!close || i == n) {
            /* not a placeholder of ours: copy as text */
            qs_buf_append (out, open, 2);
            p = open + 2;
            continue;
        }
        qs_buf_puts (out, json_object_to_json_string_ext (
            values[i], JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        p = close + 2;
    }
    /* NULL when an append failed: the buffer remembers it */
    char *text = qs_buf_steal (out);
    qs_buf_destroy (&out);
    return text;
}

char *
qs_intent_prompt_render (qs_intent_prompt_t *self, const char **names, json_object **values,
                         int n)
{
    return s_render (self->user, names, values, n);
}
