/*  qs_reply - see qs_reply.h */
#include "qs_reply.h"
#include "qs_answer_llm.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

/*  Stream the answer as token partials (line by line keeps Markdown whole). */
static void
s_stream_text (qs_turn_t *t)
{
    const char *p = t->text;
    while (p && *p) {
        const char *nl = strchr (p, '\n');
        size_t len = nl ? (size_t) (nl - p) + 1 : strlen (p);
        json_object *d = json_object_new_object ();
        json_object_object_add (d, "text", json_object_new_string_len (p, (int) len));
        qs_wf_emit (&t->run, "token", &d);
        p += len;
    }
}

/*  The LLM's deltas go out as "token" partials as they arrive; a caller
    that went away stops the generation. */
static int
s_on_token (const char *text, size_t len, void *arg)
{
    qs_turn_t *t = arg;
    json_object *d = json_object_new_object ();
    json_object_object_add (d, "text", json_object_new_string_len (text, (int) len));
    qs_wf_emit (&t->run, "token", &d);
    return t->run.req && qs_req_cancelled (t->run.req) ? 1 : 0;
}

/*  ChatResponse.metadata (section 4) from the turn. New object. */
json_object *
qs_reply_metadata (qs_turn_t *t, const char *engine)
{
    json_object *m = json_object_new_object ();
    qs_json_add_double (m, "confidence", t->confidence);
    qs_json_add_str (m, "workflow", *t->workflow ? t->workflow : "answer");
    qs_json_add_str (m, "engine", engine);
    qs_json_add_str (m, "intent_engine", *t->intent_engine ? t->intent_engine : "local");
    if (*t->route.followup)
        qs_json_add_str (m, "followup", t->route.followup);
    json_object *sources = json_object_new_array ();
    for (size_t i = 0; t->out.sources && i < json_object_array_length (t->out.sources); i++) {
        json_object *r = json_object_array_get_idx (t->out.sources, i), *s = json_object_new_object ();
        qs_json_add_str (s, "id", qs_json_str (r, "id", ""));
        qs_json_add_str (s, "title", qs_json_str (r, "title", ""));
        json_object_array_add (sources, s);
    }
    json_object_object_add (m, "sources", sources);
    const char *keys[] = {"config", "estimate", "validation", "revision", "diagnosis", "data_gaps",
                          "optimization", "change", "services", "candidates", "steps_ms"};
    json_object *vals[] = {t->out.config, t->out.estimate, t->out.validation, t->out.revision,
                           t->out.diagnosis, t->out.data_gaps, t->out.optimization, t->out.change,
                           t->out.services, t->out.candidates, t->out.steps_ms};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        if (vals[i])
            json_object_object_add (m, keys[i], json_object_get (vals[i]));
    const char *texts[] = {"verification", "awaiting", "knowledge_error", "llm_error"};
    const char *tvals[] = {t->out.verification, t->out.awaiting, t->out.knowledge_error, t->out.llm_error};
    for (size_t i = 0; i < 4; i++)
        if (*tvals[i])
            qs_json_add_str (m, texts[i], tvals[i]);
    json_object *timings = json_object_new_object ();
    for (int i = 0; i < t->ntimings; i++)
        qs_json_add_int (timings, t->timings[i].what, t->timings[i].ms);
    json_object_object_add (m, "timings_ms", timings);
    return m;
}

/*  The answer: the LLM's words when one is configured and it answers
    (engine "llm", with the dialogue state in its facts), else the template
    (engine "local"). Returns the engine. */
const char *
qs_reply_write (qs_turn_t *t)
{
    qs_llm_t *llm = qs_wf_llm (t->run.wf);
    if (llm && t->run.req) {
        json_object *facts = qs_reply_metadata (t, "llm");
        if (t->dlg_loaded)
            json_object_object_add (facts, "dialogue", qs_dialogue_summary (&t->dlg));
        if (t->out.sources)
            json_object_object_add (facts, "sources_full", json_object_get (t->out.sources));
        qs_answer_input_t in = {t->intent, t->message, t->history, facts, t->actions, t->text};
        qs_answer_llm_call_t call = {qs_req_remaining_ms (t->run.req), qs_req_id (t->run.req), NULL,
                                     s_on_token, t};
        qs_err_t err = {0};
        char *text = qs_answer_llm_write (llm, &in, &call, &err);
        json_object_put (facts);
        if (err.status)
            qs_strlcpy (t->out.llm_error, err.code, sizeof t->out.llm_error);
        if (text) {
            free (t->text);
            t->text = text;
            return "llm";
        }
    }
    s_stream_text (t);
    return "local";
}

