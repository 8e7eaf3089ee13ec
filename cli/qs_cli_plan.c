/*  qs_cli_plan - see qs_cli_plan.h */
#include "qs_cli_plan.h"
#include "qs_json.h"
#include <stdlib.h>
#include <string.h>

//  A setting as people read it: on/off, none, the value.
static void
s_value (FILE *out, json_object *v)
{
    if (!v || json_object_is_type (v, json_type_null)
        || (json_object_is_type (v, json_type_string) && !*json_object_get_string (v)))
        fputs ("none", out);
    else if (json_object_is_type (v, json_type_boolean))
        fputs (json_object_get_boolean (v) ? "on" : "off", out);
    else
        fputs (json_object_get_string (v), out);
}

void
qs_cli_plan_setting (FILE *out, const char *field, json_object *before, json_object *after)
{
    for (const char *p = field; *p; p++)
        fputc (*p == '_' ? ' ' : *p, out);
    fputc (' ', out);
    s_value (out, before);
    fputs (" -> ", out);
    s_value (out, after);
}

char *
qs_cli_plan_revision (json_object *resp)
{
    json_object *rev = qs_json_path (resp, "metadata.revision");
    if (!json_object_is_type (rev, json_type_object))
        return NULL;
    json_object *changes = qs_json_get (rev, "changes", json_type_array);
    size_t n = changes ? json_object_array_length (changes) : 0;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    int shown = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx (changes, i);
        const char *field = qs_json_str (c, "field", NULL);
        if (!field || !*field)
            continue;
        fputs (shown++ ? ", " : "Revised plan: ", out);
        qs_cli_plan_setting (out, field, qs_json_path (c, "before"), qs_json_path (c, "after"));
    }
    if (!shown && qs_json_str (rev, "supersedes", NULL)) {
        fputs ("Revised plan", out);
        shown = 1;
    }
    fclose (out);
    if (!shown) {
        free (text);
        return NULL;
    }
    return text;
}

void
qs_cli_plan_print (const qs_cli_ctx_t *ctx, json_object *resp, FILE *out)
{
    char *line = qs_cli_plan_revision (resp);
    if (!line)
        return;
    fprintf (out, "\n%s%s%s\n", qs_cli_sgr (ctx, QS_SGR_BOLD), line,
             qs_cli_sgr (ctx, QS_SGR_RESET));
    const char *old = qs_json_str (qs_json_path (resp, "metadata.revision"), "supersedes", NULL);
    if (old && *old)
        fprintf (out, "%saction %s: cancelled (superseded)%s\n", qs_cli_sgr (ctx, QS_SGR_DIM), old,
                 qs_cli_sgr (ctx, QS_SGR_RESET));
    free (line);
}
