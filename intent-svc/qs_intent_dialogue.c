/*  qs_intent_dialogue - see qs_intent_dialogue.h */
#include "qs_intent_dialogue.h"
#include <stdlib.h>
#include <string.h>
#include "qs_intent_fields.h"
#include "qs_intent_lexicon.h"
#include "qs_intent_op.h"
#include "qs_intent_ref.h"
#include "qs_intent_resolve.h"
#include "qs_json.h"

#define S_SHORT 8              /* tokens: longer messages are requests of their own */

static const char *const s_asks[] = { "how", "what", "why", "is", "does", "do", "which",
                                      "when", "whats", "are", "can", "where", "who", NULL };

/*  The intent a pending plan belongs to, or -1. */
static int
s_pending_intent (json_object *dialogue)
{
    json_object *pending = qs_json_get (dialogue, "pending", json_type_object);
    const char *type = qs_json_str (pending, "action_type", NULL);
    if (!type)
        return -1;
    return strcmp (type, "provision_service") == 0 ? QS_INTENT_PROVISION : QS_INTENT_MANAGE;
}

/*  Does the message state a setting of a plan ("large", "call it X", "in
    eu-west-1", "with HA", "no backups", "3 replicas", "for staging")? */
static int
s_states_setting (const qs_intent_tokens_t *t)
{
    static const char *const words[] = { "replica", "replicas", "nodes", "node", "name",
                                         "call", "called", "named", "rename", "version",
                                         "region", "tier", "bigger", "smaller", NULL };
    char region[32] = "";
    int ha, backup;
    qs_intent_find_region (t, region, sizeof region);
    qs_intent_find_flags (t, &ha, &backup);
    if (region[0] || ha >= 0 || backup >= 0 || qs_intent_find_env (t)
        || qs_intent_op_scale_to (t) > 0)
        return 1;
    for (int i = 0; i < t->n; i++)
        if (qs_intent_lex_tier_at (t, i, NULL) || qs_intent_word_in (t->tok[i], words))
            return 1;
    return 0;
}

/*  A word shaped like an existing service's name, not the name being
    given to a new one ("call it ledger-db"). */
static int
s_names_other (const qs_intent_tokens_t *t)
{
    static const char *const leads[] = { "call", "called", "name", "named", "rename", "it",
                                         "as", "be", NULL };
    for (int i = 0; i < t->n; i++)
        if (qs_intent_lex_dashed_name_at (t, i) && !(i > 0 && qs_intent_word_in (t->tok[i - 1], leads)))
            return 1;
    return 0;
}

/*  A request complete on its own: a new service of a named type, a
    delete or restart, a change to a named service, or a long message. */
static int
s_complete (const qs_intent_tokens_t *t)
{
    qs_intent_op_kind_t verb = qs_intent_op_verb (t);
    return t->n > 2 * S_SHORT || verb == QS_INTENT_OP_DELETE || verb == QS_INTENT_OP_RESTART
           || ((verb == QS_INTENT_OP_SCALE || verb == QS_INTENT_OP_TIER) && s_names_other (t))
           || (qs_intent_lex_first_type (t, NULL) && qs_intent_lex_has_create_verb (t));
}

/*  Moves the result to intent, keeping some of the model's spread for the
    alternatives. */
static void
s_set (qs_intent_result_t *r, int intent, const char *followup)
{
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        r->probs[c] = 0.2f * r->probs[c] + (c == intent ? 0.8f : 0.0f);
    r->intent = intent;
    r->confidence = r->probs[intent];
    r->followup = followup;
}

/*  "what about X?", "how about X", "and X?", "same for X": the lead's
    length in tokens, or 0. Only when little else follows. */
static int
s_what_about (const qs_intent_tokens_t *t)
{
    static const char *const leads[] = { "and what about", "what about", "how about",
                                         "same for", "same with", "and for", "and", NULL };
    for (int k = 0; leads[k]; k++)
        if (qs_intent_find_phrase (t, 0, leads[k]) == 0) {
            int len = 1;
            for (const char *p = leads[k]; *p; p++)
                len += *p == ' ';
            int rest = t->n - len;
            if (rest < 1 || rest > 4)
                return 0;
            /* "and how much does it cost?" asks something new */
            for (int i = len; i < t->n; i++)
                if (qs_intent_word_in (t->tok[i], s_asks) || qs_intent_word_in (t->tok[i],
                        (const char *const[]) { "it", "its", "cost", "much", NULL }))
                    return 0;
            return len;
        }
    return 0;
}

/*  A reference to the subject: "it", "its", "that one", "this one", or
    no service named at all. */
static int
s_about_subject (const qs_intent_tokens_t *t)
{
    static const char *const refs[] = { "it", "its", "that one", "this one", "that service",
                                        "this service", "that", NULL };
    for (int k = 0; refs[k]; k++)
        if (qs_intent_find_phrase (t, 0, refs[k]) >= 0)
            return 1;
    return 0;
}

/*  "is it healthy?" -> troubleshoot; "how much does it cost?", "what
    tier is it?" -> get_service_info; "how do I connect to it" ->
    connection; or -1 to leave the model's reading. */
static int
s_subject_question (const qs_intent_tokens_t *t, const qs_intent_result_t *base)
{
    static const char *const health[] = { "healthy", "health", "ok", "okay", "fine", "working",
                                          "alive", "broken", "down", "problems", "errors",
                                          "unhealthy", "struggling", NULL };
    static const char *const facts[] = { "cost", "costs", "much", "price", "tier", "version",
                                         "region", "size", "replicas", "status", "running",
                                         "environment", "expensive", NULL };
    static const char *const saving[] = { "save", "cheaper", "reduce", "optimize", "optimise",
                                          "cut", "savings", "lower", NULL };
    if (base->intent == QS_INTENT_CONNECTION || base->intent == QS_INTENT_MANAGE)
        return base->intent;
    for (int i = 0; i < t->n; i++)
        if (qs_intent_word_in (t->tok[i], health))
            return QS_INTENT_TROUBLESHOOT;
    for (int i = 0; i < t->n; i++)
        if (qs_intent_word_in (t->tok[i], saving))
            return -1;
    for (int i = 0; i < t->n; i++)
        if (qs_intent_word_in (t->tok[i], facts))
            return QS_INTENT_SERVICE_INFO;
    return -1;
}

static void
s_contextual (const char *message, const qs_intent_tokens_t *t, json_object *dialogue,
              qs_intent_result_t *r)
{
    int pending = s_pending_intent (dialogue);
    const char *asked = qs_json_str (dialogue, "asked", NULL);
    json_object *subject = qs_json_get (dialogue, "subject", json_type_array);
    json_object *last_list = qs_json_get (dialogue, "last_list", json_type_object);
    int last_kind = qs_intent_from_name (qs_json_str (dialogue, "last_kind", NULL));
    int complete = s_complete (t);
    int question = t->n > 0 && qs_intent_word_in (t->tok[0], s_asks);
    const char *confirm = qs_intent_confirmation (t);
    if (t->n == 0)
        return;
    int asking = pending >= 0 ? pending : last_kind >= 0 ? last_kind : r->intent;
    /* "never mind" drops a plan or a question; a typed-back name (not
       "yes") answers a delete's confirmation */
    if (strcmp (confirm, "no") == 0 && (pending >= 0 || asked)) {
        s_set (r, asking, "cancel");
        return;
    }
    int name_asked = asked && strcmp (asked, "confirm_name") == 0;
    if (pending >= 0 && !name_asked && strcmp (confirm, "yes") == 0) {
        s_set (r, pending, "confirm");
        return;
    }
    /* an answer to what we asked continues the asking request */
    if (asked && !complete && t->n <= S_SHORT && !question) {
        int answers = name_asked ? t->n <= 3
                    : strcmp (asked, "service_type") == 0 ? qs_intent_lex_first_type (t, NULL) != NULL
                    : 1;
        if (answers) {
            s_set (r, strcmp (asked, "service_type") == 0 ? QS_INTENT_PROVISION : asking,
                   "answer");
            return;
        }
    }
    if (pending >= 0 && !complete && !question && t->n <= 2 * S_SHORT && s_states_setting (t)) {
        s_set (r, pending, "edit_plan");
        return;
    }
    if (complete || t->n > S_SHORT)
        return;
    if (last_kind >= 0 && s_what_about (t)) {
        s_set (r, last_kind, "what_about");
        return;
    }
    if (last_list) {
        qs_intent_scope_t scope = { message, NULL, subject, last_list, 1 };
        json_object *ref = qs_intent_resolve (t, &scope, -1);
        const char *match = qs_json_str (ref, "match", "");
        int listed = strcmp (match, "ordinal") == 0 || strcmp (match, "list_name") == 0;
        json_object_put (ref);
        if (listed) {
            int recs = strcmp (qs_json_str (last_list, "kind", ""), "recommendations") == 0;
            int intent = recs ? QS_INTENT_MANAGE : QS_INTENT_SERVICE_INFO;
            /* "restart the first one", "connect to the second one" say more */
            int own = r->intent == QS_INTENT_CONNECTION || r->intent == QS_INTENT_TROUBLESHOOT
                   || (r->intent == QS_INTENT_MANAGE && qs_intent_op_verb (t) != QS_INTENT_OP_NONE);
            if (!recs && own && r->confidence >= 0.5f)
                intent = r->intent;
            s_set (r, intent, "list_ref");
            return;
        }
    }
    if (subject && json_object_array_length (subject) > 0 && s_about_subject (t)) {
        int intent = s_subject_question (t, r);
        if (intent < 0 && last_kind >= 0 && r->confidence < 0.6f)
            intent = last_kind;
        if (intent >= 0)
            s_set (r, intent, "subject");
    }
}

void
qs_intent_classify_dialogue (const qs_intent_classifier_t *self, const char *message,
                             json_object *history, json_object *dialogue,
                             qs_intent_result_t *result)
{
    qs_intent_classify (self, message, history, result);
    if (!dialogue || !json_object_is_type (dialogue, json_type_object))
        return;
    qs_intent_tokens_t *t = malloc (sizeof *t);
    if (!t)
        return;
    qs_intent_tokenize (message, t);
    s_contextual (message, t, dialogue, result);
    free (t);
}
