/*  qs_route - see qs_route.h */
#include "qs_route.h"
#include "qs_catalog.h"
#include "qs_cue.h"
#include "qs_help.h"
#include "qs_resolve.h"
#include "qs_util.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>


/*  "is billing-db ok?", "are my caches fine": a yes/no question about state */
static bool
s_state_question (const char *text)
{
    static const char *const openers[] = {"is", "are", "does", "do", NULL};
    static const char *const states[] = {"ok", "okay", "fine", "alright", "all right", "good", NULL};
    while (*text && !isalnum ((unsigned char) *text))
        text++;
    for (int i = 0; openers[i]; i++) {
        size_t n = strlen (openers[i]);
        if (!strncasecmp (text, openers[i], n) && !isalnum ((unsigned char) text[n]))
            return qs_cue_any (text, states);
    }
    return false;
}


static int
s_word_count (const char *text)
{
    int n = 0;
    for (const char *p = text; *p;) {
        while (*p && !isalnum ((unsigned char) *p))
            p++;
        if (*p)
            n++;
        while (*p && isalnum ((unsigned char) *p))
            p++;
    }
    return n;
}

static const char *const s_create[] = {"create", "need", "want", "provision", "spin up", "set up",
                                       "setup", "deploy", "launch", "new", "make me", "give me",
                                       "get me", "build", NULL};
static const char *const s_revise[] = {"instead", "actually", "change", "switch", "rather",
                                       "make it", "call it", "rename", NULL};
static const char *const s_apply[] = {"apply", "do", "go with", "take", "implement", "accept",
                                      "execute", "run", "use", NULL};
static const char *const s_health[] = {"healthy", "health", "working", "down", "broken",
                                       "failing", "errors", "alive", "crashing", "is it up",
                                       "unhealthy", "wrong", NULL};
static const char *const s_connect[] = {"connect", "connection", "uri", "host", "port", "password",
                                        "credentials", "string", NULL};
static const char *const s_cost[] = {"cost", "costs", "price", "pay", "expensive", "spend",
                                     "bill", "charge", NULL};
/*  The last change taken back ("undo that", "put it back"). */
static const char *const s_undo[] = {"undo", "revert", "roll back", "rollback", "roll it back",
                                     "put it back", "change it back", "set it back", "go back",
                                     "as it was", "reverse that", NULL};
/*  The reason for what was just refused ("why not?", "how come?"). */
static const char *const s_why[] = {"why", "how come", "reason", NULL};
/*  A price asked ("what will that cost?", "how much would that be per month?"). */
static const char *const s_price[] = {"cost", "costs", "price", "pay", "expensive", "charge",
                                      "how much would", "how much will", "how much is", "how much for",
                                      "per month", "a month", "monthly", NULL};
static const char *const s_saving[] = {"reduce", "save", "saving", "savings", "cheaper", "optimize",
                                       "optimise", "cut", "lower", "less", NULL};

bool
qs_route_new_request (const char *message)
{
    return qs_cue_any (message, s_create);
}

bool
qs_route_what_about (const char *message, char *rest, size_t size)
{
    static const char *const cues[] = {"what about", "how about", "and what about", "same for",
                                       "same thing for", "what of", "and for", "now for", NULL};
    const char *p = message;
    while (*p && isspace ((unsigned char) *p))
        p++;
    for (int i = 0; cues[i]; i++) {
        size_t n = strlen (cues[i]);
        const char *hit = strcasestr (p, cues[i]);
        /* the cue starts the message (after "ok,", "and") */
        if (hit && hit - p <= 5 && !isalnum ((unsigned char) hit[n])) {
            qs_strlcpy (rest, hit + n, size);
            return true;
        }
    }
    /* "and billing-db?" */
    if (!strncasecmp (p, "and ", 4) && s_word_count (p) <= 3 && strchr (p, '?')) {
        qs_strlcpy (rest, p + 4, size);
        return true;
    }
    return false;
}

static void
s_set (qs_route_t *out, qs_route_kind_t kind, const char *intent, const char *followup)
{
    out->kind = kind;
    qs_strlcpy (out->intent, intent, sizeof out->intent);
    qs_strlcpy (out->followup, followup, sizeof out->followup);
}

/*  What a follow-up's cue words ask about a service already in question:
    its health (a diagnosis) or its cost (its details); otherwise fallback. */
static const char *
s_cue_intent (const char *msg, const char *fallback)
{
    if (qs_cue_any (msg, s_health) && !qs_cue_any (msg, s_connect) && !qs_route_new_request (msg))
        return "troubleshoot";
    if (qs_cue_any (msg, s_cost) && !qs_cue_any (msg, s_saving))
        return "get_service_info";
    return fallback;
}

static const char *
s_pending_intent (const qs_dialogue_t *d)
{
    return !strcmp (d->pending.action_type, "provision_service") ? "provision_service" : "manage_service";
}

void
qs_route_decide (const qs_dialogue_t *d, const qs_route_in_t *in, qs_route_t *out)
{
    memset (out, 0, sizeof *out);
    out->list_index = -1;
    const char *msg = in->message ? in->message : "";
    const char *fu = in->followup && strcmp (in->followup, "none") ? in->followup : "";
    const char *conf = in->confirmation ? in->confirmation : "none";
    const char *intent = in->intent && *in->intent ? in->intent : "general_question";
    bool short_msg = s_word_count (msg) <= 7;
    s_set (out, QS_ROUTE_FLOW, intent, "");

    /* "what's the difference between small and medium?": a question, never an edit */
    if (qs_catalog_asked (msg) && strcmp (fu, "confirm") && strcmp (fu, "cancel")) {
        s_set (out, QS_ROUTE_FLOW, "general_question", "catalog");
        return;
    }
    /* a plan awaits confirmation */
    if (*d->pending.action_id) {
        if (!strcmp (fu, "confirm") || !strcmp (conf, "yes")
            || (*d->pending.service_name && !strcmp (msg, d->pending.service_name))) {
            s_set (out, QS_ROUTE_CONFIRM, s_pending_intent (d), "confirm");
            return;
        }
        if (!strcmp (fu, "cancel") || !strcmp (conf, "no")) {
            if (!qs_config_any (in->config)) {
                s_set (out, QS_ROUTE_CANCEL, s_pending_intent (d), "cancel");
                return;
            }
            fu = "edit_plan";           /* "no wait, small": a correction, not a cancel */
        }
        if (!strcmp (d->pending.action_type, "provision_service")) {
            bool fresh = !fu[0] && !strcmp (intent, "provision_service") && qs_route_new_request (msg)
                         && *in->config->service_type && !qs_cue_any (msg, s_revise);
            bool other = in->names_service && strcmp (intent, "provision_service");
            if (!strcmp (fu, "edit_plan") || (!fu[0] && qs_config_any (in->config) && !fresh && !other)) {
                s_set (out, QS_ROUTE_EDIT, "provision_service", "edit_plan");
                return;
            }
        }
        /* "what will that cost?": the plan's price, not the org's review (a restart has none) */
        bool priced = !strcmp (d->pending.action_type, "provision_service")
                      || !strcmp (d->pending.action_type, "update_service");
        if (priced && (!fu[0] || !strcmp (fu, "subject"))) {
            if (qs_cue_any (msg, s_price) && !qs_cue_any (msg, s_saving) && !in->names_service
                && !qs_config_any (in->config) && short_msg) {
                s_set (out, QS_ROUTE_PLAN, s_pending_intent (d), "plan");
                return;
            }
        }
        /* "make it 4 replicas instead", "and turn on HA too": a pending change revised */
        if (!strcmp (d->pending.action_type, "update_service")
            && (!strcmp (fu, "edit_plan")
                || (!fu[0] && !strcmp (intent, "manage_service") && !in->names_service
                    && qs_config_any (in->config)))) {
            s_set (out, QS_ROUTE_EDIT, "manage_service", "edit_plan");
            return;
        }
    }
    /* "thanks", "ok", "bye", or "yes" / "no" with nothing to confirm: no request at all */
    if (qs_help_social (msg) != QS_SOCIAL_NONE) {
        s_set (out, QS_ROUTE_FLOW, "general_question", "social");
        return;
    }
    /* "why not?" right after a refusal: its reason */
    if (*d->refusal && qs_cue_any (msg, s_why) && s_word_count (msg) <= 4) {
        s_set (out, QS_ROUTE_FLOW, "general_question", "why");
        return;
    }
    /* "undo that": the last change made here, the other way (no plan waits) */
    if (!*d->pending.action_id && *d->last_done.service_id && short_msg && qs_cue_any (msg, s_undo)
        && !in->names_service) {
        s_set (out, QS_ROUTE_FLOW, "manage_service", "undo");
        return;
    }
    /* an open question: its answer continues the request that asked */
    if (!strcmp (d->clarify.asked, "service_type")
        && (!strcmp (fu, "answer") || *in->config->service_type)) {
        s_set (out, QS_ROUTE_ANSWER, "provision_service", "answer");
        return;
    }
    if (!strcmp (d->clarify.asked, "service") && *d->clarify.intent
        && (!strcmp (fu, "answer") || (short_msg && !qs_route_new_request (msg)))) {
        /* "is it healthy?" while we ask which one: the same question, now a diagnosis */
        s_set (out, QS_ROUTE_ANSWER, s_cue_intent (msg, d->clarify.intent), "answer");
        return;
    }
    /* an item of the last list */
    int index = qs_resolve_list_index (msg, d);
    if (!strcmp (d->list_kind, "recommendations") && index >= 0
        && (!strcmp (fu, "list_ref") || !strcmp (intent, "manage_service") || qs_cue_any (msg, s_apply) || short_msg)) {
        s_set (out, QS_ROUTE_FLOW, "manage_service", "list_ref");
        out->list_index = index;
        return;
    }
    if (!strcmp (d->list_kind, "services") && index >= 0 && (!strcmp (fu, "list_ref") || short_msg)) {
        bool keep = !fu[0] && (!strcmp (intent, "general_question") || in->confidence < 0.6);
        s_set (out, QS_ROUTE_FLOW, keep ? (*d->last_kind ? d->last_kind : "get_service_info") : intent,
               "list_ref");
        out->list_index = index;
        return;
    }
    /* "what about X?": the same question about X */
    char rest[256];
    if (*d->last_kind && (!strcmp (fu, "what_about") || (!fu[0] && qs_route_what_about (msg, rest, sizeof rest)))) {
        s_set (out, QS_ROUTE_FLOW, fu[0] ? intent : d->last_kind, "what_about");
        return;
    }
    /* a follow-up about the subject */
    if (d->nsubject && (!strcmp (fu, "subject") || (!fu[0] && short_msg && !in->names_service
                                                    && qs_resolve_pronoun (msg)))) {
        /* the cue words decide even when the intent service read the follow-up:
           "is it healthy?" is never its connection info */
        const char *to = s_cue_intent (msg, intent);
        if (to == intent && !fu[0] && (!strcmp (intent, "general_question") || !strcmp (intent, "optimize_costs")))
            to = "get_service_info";
        s_set (out, QS_ROUTE_FLOW, to, "subject");
        return;
    }
    /* "is my database healthy?" asks for a diagnosis, not the details */
    if (!fu[0] && !strcmp (intent, "get_service_info") && (qs_cue_any (msg, s_health) || s_state_question (msg))
        && !qs_cue_any (msg, s_connect))
        s_set (out, QS_ROUTE_FLOW, "troubleshoot", "");
    /* "how much does billing-db cost?" is that service's details, not the org's review */
    if (!fu[0] && !strcmp (intent, "optimize_costs") && in->refers_service && qs_cue_any (msg, s_cost)
        && !qs_cue_any (msg, s_saving))
        s_set (out, QS_ROUTE_FLOW, "get_service_info", "");
}
