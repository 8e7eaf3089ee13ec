/*  general - a question for the knowledge base: the best passages of the
    org's and the shared documents, cited when the best one is about the
    question (qs_answer_grounded); a question about the assistant itself,
    "thanks" or "yes" with nothing to confirm are answered by qs_help, a
    question about the tiers from the pricing by qs_catalog. */
#include "qs_flows.h"
#include "qs_answer.h"
#include "qs_catalog.h"
#include "qs_help.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdlib.h>
#include <string.h>

static int
s_run (qs_turn_t *t, qs_err_t *err)
{
    if (!strcmp (t->route.followup, "social")) {
        qs_strlcpy (t->workflow, "answer", sizeof t->workflow);
        const char *reply = qs_help_social_answer (qs_help_social (t->message), *t->dlg.clarify.asked != '\0',
                                                   *t->dlg.pending.action_id != '\0');
        t->text = strdup (reply ? reply : "Anything else I can do?\n");
        qs_dialogue_clarify_clear (&t->dlg);
        return t->text ? 0 : -1;
    }
    if (!strcmp (t->route.followup, "why")) {
        qs_strlcpy (t->workflow, "answer", sizeof t->workflow);
        t->text = qs_strdupf ("That was the reason: %s\n", t->dlg.refusal);
        return t->text ? 0 : -1;
    }
    if (!strcmp (t->route.followup, "catalog")) {
        json_object *pricing = NULL;
        if (qs_platform_pricing (qs_wf_platform (t->run.wf), &t->run.pctx, &pricing, err) != 0)
            return -1;
        qs_strlcpy (t->workflow, "answer", sizeof t->workflow);
        bool plan = !strcmp (t->dlg.pending.action_type, "provision_service");
        t->text = qs_catalog_tiers (pricing, t->message, plan ? t->dlg.pending.config.tier : NULL);
        json_object_put (pricing);
        return t->text ? 0 : -1;
    }
    if (qs_help_about_assistant (t->message)) {
        qs_err_t ignored = {0};
        qs_strlcpy (t->workflow, "answer", sizeof t->workflow);
        t->text = qs_help_answer (t->run.pctx.auth, qs_turn_services (t, &ignored));
        return 0;
    }
    json_object *body = json_object_new_object (), *reply = NULL;
    /* search takes up to 1000 characters: the start of a long message carries its topic */
    char q[1000];
    size_t n = qs_strlcpy (q, t->message, sizeof q);
    if (n >= sizeof q) {
        size_t cut = sizeof q - 1;
        while (cut > 0 && ((unsigned char) q[cut] & 0xC0) == 0x80)
            cut--;                      /* never split a UTF-8 sequence */
        q[cut] = '\0';
    }
    qs_json_add_str (body, "q", q);
    qs_json_add_int (body, "limit", 3);
    qs_err_t kerr = {0};
    if (qs_turn_call (t, "knowledge", "search", body, &reply, &kerr) != 0)
        qs_strlcpy (t->out.knowledge_error, kerr.message, sizeof t->out.knowledge_error);
    json_object *results = qs_json_get (reply, "results", json_type_array);
    if (results && json_object_array_length (results)
        && !qs_answer_grounded (t->message, json_object_array_get_idx (results, 0)))
        results = NULL;                 /* the best page is about something else: no source to quote */
    qs_strlcpy (t->workflow, "answer", sizeof t->workflow);
    t->text = qs_answer_general (t->message, results);
    qs_turn_set (&t->out.sources, json_object_get (results));
    json_object_put (reply);
    json_object_put (body);
    return 0;
}

const qs_flow_t qs_flow_general = {.intent = "general_question", .workflow = "answer", .run = s_run};
