/*  info - a service's details (get_service_info) and how to connect to it
    (get_connection_info). The service comes from the dialogue-aware
    resolution ("what tier is it?", "and billing-db?", "the first one");
    nothing named lists every service (an overview), an ambiguous reference
    asks which one. */
#include "qs_flows.h"
#include "qs_answer.h"
#include "qs_json.h"
#include "qs_util.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/*  The message asks for several services ("list my databases", "all"). */
static bool
s_wants_list (const char *message)
{
    static const char *cues[] = {"list", "all", "every", "services", "databases", "caches",
                                 "queues", "clusters", "overview", NULL};
    for (int i = 0; cues[i]; i++) {
        const char *p = strcasestr (message, cues[i]);
        if (p && (p == message || !isalnum ((unsigned char) p[-1])) && !isalnum ((unsigned char) p[strlen (cues[i])]))
            return true;
    }
    return false;
}

static int
s_info (qs_turn_t *t, int connection, qs_err_t *err)
{
    qs_strlcpy (t->workflow, connection ? "connection_info" : "service_info", sizeof t->workflow);
    if (qs_turn_resolve (t, err) < 0)
        return -1;
    json_object *hit = t->ref.service;
    if (hit && !(t->ref.match[0] && !strcmp (t->ref.match, "only") && s_wants_list (t->message))) {
        t->text = connection ? qs_answer_connection (hit) : qs_answer_service (hit);
        qs_turn_mention (t, hit);
        return 0;
    }
    json_object *cands = t->ref.candidates;
    if (connection || (t->ref.named && cands && !s_wants_list (t->message))) {
        qs_turn_ask_which (t, cands, connection ? "connect to" : "describe");
        return 0;
    }
    /* nothing named: the overview answers "what do I have?" */
    json_object *shown = cands && t->ref.named ? cands : t->services;
    t->text = qs_answer_services (shown);
    qs_turn_set (&t->out.services, json_object_get (shown));
    qs_dialogue_list_set (&t->dlg, "services", shown);
    return 0;
}

static int
s_service (qs_turn_t *t, qs_err_t *err)
{
    return s_info (t, 0, err);
}

static int
s_connection (qs_turn_t *t, qs_err_t *err)
{
    return s_info (t, 1, err);
}

const qs_flow_t qs_flow_info = {.intent = "get_service_info", .workflow = "service_info", .run = s_service};
const qs_flow_t qs_flow_connection = {.intent = "get_connection_info", .workflow = "connection_info",
                                      .run = s_connection};
