/*  qs_fleet - see qs_fleet.h */
#include "qs_fleet.h"
#include "qs_buf.h"
#include "qs_cue.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
qs_fleet_asked (const char *message)
{
    //  words that quantify over services; a singular "my database" is one service to ask about
    static const char *const cues[] = {"which", "any", "anything", "all", "every", "everything",
                                       "ones", "services", "databases", "caches", "queues", "brokers",
                                       "clusters", "instances", "fleet", "overall", "none", NULL};
    return qs_cue_any (message, cues);
}

/*  rank: 0 down, 1 degraded, 2 could not tell, 3 healthy or starting */
static int
s_rank (json_object *diagnosis)
{
    const char *status = qs_json_str (diagnosis, "status", "unknown");
    return !diagnosis || !strcmp (status, "unknown") ? 2
         : !strcmp (status, "down") ? 0 : !strcmp (status, "degraded") ? 1 : 3;
}

/*  The first finding's evidence, cut at a character boundary. */
static void
s_evidence (json_object *diagnosis, char *out, size_t size)
{
    json_object *f = qs_json_path (diagnosis, "findings.0");
    size_t len = qs_strlcpy (out, qs_json_str (f, "evidence", qs_json_str (f, "code", "")), size);
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';                   /* one line per service */
    if (len >= size) {
        size_t cut = size - 4;
        while (cut > 0 && ((unsigned char) out[cut] & 0xC0) == 0x80)
            cut--;
        memcpy (out + cut, "...", 4);
    }
}

char *
qs_fleet_answer (json_object *services, json_object *diagnoses, bool of_all, json_object **attention_p)
{
    *attention_p = NULL;
    size_t n = json_object_array_length (services);
    qs_buf_t *b = qs_buf_new (64 * 1024);
    json_object *attention = json_object_new_array ();
    if (!b || !attention)
        goto fail;
    int count[4] = {0};
    for (size_t i = 0; i < n; i++)
        count[s_rank (json_object_array_get_idx (diagnoses, i))]++;
    int bad = count[0] + count[1];
    const char *scope = of_all ? "your" : "the";
    if (bad)
        qs_buf_printf (b, "**%d of %s %zu services need%s attention:**\n\n", bad, scope, n, bad == 1 ? "s" : "");
    else if (count[2] < (int) n)
        qs_buf_printf (b, "**None of %s %zu services shows a problem**: their pods are running and ready.\n", scope, n);
    int shown = 0;
    for (int rank = 0; rank < 2; rank++)
        for (size_t i = 0; i < n; i++) {
            json_object *d = json_object_array_get_idx (diagnoses, i), *s = json_object_array_get_idx (services, i);
            if (s_rank (d) != rank)
                continue;
            char why[200];
            s_evidence (d, why, sizeof why);
            qs_buf_printf (b, "%d. **%s** (%s) is **%s**: %s\n", ++shown, qs_json_str (s, "name", "?"),
                           qs_json_str (s, "service_type", "?"), rank ? "degraded" : "down", why);
            json_object_array_add (attention, json_object_get (s));
        }
    if (count[2]) {
        qs_buf_printf (b, "\nI could not tell how %s:", count[2] == 1 ? "this one is" : "these are");
        for (size_t i = 0, k = 0; i < n; i++)
            if (s_rank (json_object_array_get_idx (diagnoses, i)) == 2)
                qs_buf_printf (b, "%s **%s**", k++ ? "," : "", qs_json_str (json_object_array_get_idx (services, i), "name", "?"));
        qs_buf_printf (b, " (no Kubernetes state to read).\n");
    }
    if (count[3] && bad) {
        qs_buf_printf (b, "\nHealthy (%d):", count[3]);
        for (size_t i = 0, k = 0; i < n; i++)
            if (s_rank (json_object_array_get_idx (diagnoses, i)) == 3)
                qs_buf_printf (b, "%s %s", k++ ? "," : "", qs_json_str (json_object_array_get_idx (services, i), "name", "?"));
        qs_buf_printf (b, ".\n");
    }
    if (bad)
        qs_buf_printf (b, "\nAsk *\"why is the first one %s?\"* for its full diagnosis and a fix.\n",
                       count[0] ? "down" : "degraded");
    char *text = qs_buf_steal (b);
    qs_buf_destroy (&b);
    if (!text)
        goto fail;
    *attention_p = attention;
    return text;
fail:
    qs_buf_destroy (&b);
    json_object_put (attention);
    return NULL;
}
