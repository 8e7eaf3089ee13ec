/*  qs_intent_classify - see qs_intent_classify.h */
#include "qs_intent_classify.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_lexicon.h"
#include "qs_intent_op.h"
#include "qs_json.h"

#define S_HISTORY_TURNS 6          /* user turns of history that matter */

struct _qs_intent_classifier_t {
    qs_intent_model_t *model;
};

/*  High-precision cues: a phrase (tokenized form) and what it adds to the
    model's score of an intent. Scores are logits, so 2.5 is a strong push
    that a confident model can still overrule. */
typedef struct {
    const char *phrase;
    int intent;
    float boost;
} s_rule_t;

#define T QS_INTENT_TROUBLESHOOT
#define C QS_INTENT_CONNECTION
#define O QS_INTENT_OPTIMIZE
#define I QS_INTENT_SERVICE_INFO
#define G QS_INTENT_GENERAL
static const s_rule_t s_rules[] = {
    /* failure signatures, mostly Kubernetes reasons and driver errors */
    { "oomkilled", T, 3.0f }, { "oom", T, 2.5f }, { "crashloopbackoff", T, 3.0f },
    { "crash loop", T, 3.0f }, { "crashloop", T, 3.0f }, { "imagepullbackoff", T, 3.0f },
    { "errimagepull", T, 3.0f }, { "too many connections", T, 3.0f },
    { "too many clients", T, 3.0f }, { "max number of clients", T, 3.0f },
    { "out of memory", T, 2.5f }, { "connection refused", T, 3.0f },
    { "refusing connections", T, 3.0f }, { "econnrefused", T, 3.0f },
    { "econnreset", T, 3.0f }, { "no space left", T, 3.0f }, { "disk full", T, 2.5f },
    { "disk is full", T, 2.5f }, { "evicted", T, 2.5f }, { "unschedulable", T, 2.5f },
    { "readiness probe", T, 2.5f }, { "liveness probe", T, 2.5f },
    { "segmentation fault", T, 2.5f }, { "segfault", T, 2.5f }, { "crashing", T, 2.5f },
    { "crashed", T, 2.0f }, { "crashes", T, 2.0f }, { "keeps restarting", T, 2.5f },
    { "is down", T, 2.0f }, { "went down", T, 2.0f }, { "not responding", T, 2.5f },
    { "timing out", T, 2.5f }, { "timed out", T, 2.5f }, { "timeouts", T, 2.0f },
    { "timeout", T, 2.0f }, { "cant connect", T, 3.0f }, { "cannot connect", T, 3.0f },
    { "unable to connect", T, 3.0f }, { "couldnt connect", T, 3.0f },
    { "wont start", T, 2.5f }, { "failed to start", T, 2.5f }, { "not working", T, 2.5f },
    { "isnt working", T, 2.5f }, { "stopped working", T, 2.5f }, { "broken", T, 2.0f },
    { "unreachable", T, 2.0f }, { "unhealthy", T, 2.0f }, { "error", T, 1.5f },
    { "errors", T, 1.5f }, { "failing", T, 1.5f }, { "slow", T, 1.5f },
    { "latency", T, 1.5f }, { "stuck", T, 1.5f }, { "lagging", T, 1.5f },
    { "troubleshoot", T, 2.5f }, { "diagnose", T, 2.5f }, { "debug", T, 2.0f },
    { "whats wrong", T, 2.5f }, { "what is wrong", T, 2.5f }, { "failed state", T, 2.0f },
    { "problem", T, 1.5f }, { "problems", T, 1.5f }, { "issue", T, 1.5f }, { "issues", T, 1.5f },
    { "cant reach", T, 2.5f }, { "cannot reach", T, 2.5f }, { "lost connection", T, 2.5f },
    { "lost its connection", T, 2.5f }, { "backing up", T, 2.0f }, { "deadlock", T, 2.0f },
    { "deadlocks", T, 2.0f }, { "replication lag", T, 2.5f }, { "authentication failed", T, 2.5f },
    /* connection details */
    { "connection string", C, 3.0f }, { "connection strings", C, 3.0f },
    { "connection uri", C, 3.0f }, { "connection url", C, 3.0f },
    { "connection details", C, 3.0f }, { "connection info", C, 3.0f },
    { "connection information", C, 3.0f }, { "connection settings", C, 3.0f },
    { "connection parameters", C, 3.0f }, { "connect string", C, 3.0f },
    { "jdbc", C, 3.0f }, { "dsn", C, 2.5f }, { "database url", C, 2.5f },
    { "database_url", C, 3.0f }, { "credentials", C, 2.5f }, { "password", C, 2.0f },
    { "hostname", C, 2.5f }, { "bootstrap servers", C, 3.0f }, { "how do i connect", C, 2.5f },
    { "how to connect", C, 2.5f }, { "how can i connect", C, 2.5f }, { "uri", C, 2.0f },
    { "url", C, 1.5f }, { "host and port", C, 3.0f }, { "port", C, 1.5f },
    { "connect to", C, 1.0f }, { "endpoint", C, 1.5f }, { "username", C, 2.0f },
    { "user and password", C, 2.5f }, { "address of", C, 1.5f }, { "host", C, 1.5f },
    /* money; scaled down when nobody's own services are meant (s_owner) */
    { "cost", O, 2.0f }, { "costs", O, 2.5f }, { "costing", O, 2.5f }, { "bill", O, 2.5f },
    { "invoice", O, 2.5f }, { "spend", O, 2.5f }, { "spending", O, 2.5f },
    { "save money", O, 3.0f }, { "savings", O, 2.5f }, { "save", O, 1.5f },
    { "cheaper", O, 2.0f }, { "expensive", O, 2.0f }, { "overpaying", O, 3.0f },
    { "budget", O, 2.0f }, { "overprovisioned", O, 2.5f }, { "over provisioned", O, 2.5f },
    { "underutilized", O, 2.5f }, { "rightsize", O, 2.5f }, { "downsize", O, 2.0f },
    { "idle", O, 2.0f }, { "unused", O, 2.0f }, { "waste", O, 2.5f }, { "wasting", O, 2.5f },
    { "optimize", O, 1.5f }, { "optimise", O, 1.5f }, { "paying", O, 2.0f },
    { "nobody uses", O, 2.0f }, { "not being used", O, 2.0f }, { "havent been used", O, 2.0f },
    { "worth keeping", O, 2.0f }, { "overkill", O, 1.5f }, { "pay less", O, 2.5f },
    /* state of existing services */
    { "status", I, 1.0f }, { "list", I, 1.0f }, { "how many", I, 0.8f },
    { "what version", I, 0.8f }, { "which version", I, 0.8f }, { "describe", I, 1.0f },
    { "overview", I, 1.0f }, { "details", I, 0.8f }, { "enabled on", I, 1.5f },
    { "turned on", I, 1.0f }, { "finished provisioning", I, 2.0f }, { "replica count", I, 1.5f },
    { "what tier", I, 1.0f }, { "which region", I, 1.0f }, { "what region", I, 1.0f },
    { "what environment", I, 1.5f },
    /* knowledge questions */
    { "difference between", G, 2.5f }, { "vs", G, 1.5f }, { "versus", G, 1.5f },
    { "compare", G, 1.0f }, { "should i use", G, 2.0f }, { "when should i", G, 2.0f },
    { "best practice", G, 2.0f }, { "best practices", G, 2.0f }, { "how does", G, 1.0f },
    { "explain", G, 1.5f }, { "free plan", G, 2.0f }, { "pro plan", G, 2.0f },
    { "starter plan", G, 2.0f }, { "open source", G, 2.0f },
    { "recommend a database", G, 2.0f }, { "which database", G, 1.5f },
    { "rotate", G, 2.5f }, { "rotation", G, 2.5f }, { "how often", G, 2.0f },
    { "seems off", T, 2.5f }, { "something off", T, 2.0f }, { "acting up", T, 2.5f },
    { "look into", T, 1.5f }, { "health check", T, 2.0f }, { "going on with", T, 2.0f },
    { "best way", G, 1.5f }, { "recommended", G, 1.0f },
    /* failures in everyday words */
    { "never comes up", T, 3.0f }, { "never came up", T, 3.0f }, { "wont come up", T, 3.0f },
    { "doesnt come up", T, 3.0f }, { "keeps dying", T, 3.0f }, { "keeps falling over", T, 3.0f },
    { "flapping", T, 3.0f }, { "keeps flapping", T, 3.0f }, { "died", T, 2.0f },
    { "is dead", T, 2.5f }, { "keeps getting killed", T, 3.0f }, { "went away", T, 2.0f },
    { "goes down", T, 2.5f }, { "keeps going", T, 1.5f }, { "never becomes", T, 2.5f },
    { "cant get to", T, 2.5f }, { "cant get into", T, 2.5f }, { "since this morning", T, 1.5f },
    { "since yesterday", T, 1.5f }, { "stopped answering", T, 2.5f }, { "hangs", T, 2.0f },
    { "hang", T, 1.5f }, { "offline", T, 2.0f }, { "refuses to", T, 2.0f },
};
#undef T
#undef C
#undef O
#undef I
#undef G

/*  Words that make a message about the speaker's own things. */
static int
s_owner (const qs_intent_tokens_t *t)
{
    static const char *w[] = { "my", "our", "mine", "i", "we", "me", "us", "im", "ive",
                               "it", "its", "were", "weve" };
    for (int i = 0; i < t->n; i++)
        for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
            if (strcmp (t->tok[i], w[k]) == 0)
                return 1;
    return 0;
}

/*  A word shaped like a service's name ("orders-db"): the message is
    about a particular service, not a concept. */
static int
s_names_service (const qs_intent_tokens_t *t)
{
    for (int i = 0; i < t->n; i++)
        if (qs_intent_lex_dashed_name_at (t, i))
            return 1;
    return 0;
}

/*  "what is X", "what does X mean", "explain X" about nobody's service. */
static int
s_definitional (const qs_intent_tokens_t *t)
{
    static const char *starts[] = { "what is", "what does", "whats", "what are", "explain",
                                    "define", "meaning of", "what s", "tell me about" };
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
        if (qs_intent_find_phrase (t, 0, starts[k]) == 0)
            return !s_owner (t) && !s_names_service (t);
    return 0;
}

static int
s_greeting_only (const qs_intent_tokens_t *t)
{
    static const char *w[] = { "hi", "hello", "hey", "thanks", "thank", "you", "good",
                               "morning", "evening", "afternoon", "there", "cheers", "thx",
                               "ok", "okay", "cool", "great", "nice", "bye", "yo" };
    if (t->n == 0 || t->n > 5)
        return 0;
    for (int i = 0; i < t->n; i++) {
        int hit = 0;
        for (size_t k = 0; k < sizeof w / sizeof w[0] && !hit; k++)
            hit = strcmp (t->tok[i], w[k]) == 0;
        if (!hit)
            return 0;
    }
    return 1;
}

/*  A change to a running service: a manage verb ("scale", "upgrade",
    "turn off HA", "delete", "restart") aimed at a particular service (a
    name, "it", "my postgres") and no request for a new one. Questions
    about such changes ("how does scaling work") stay knowledge questions.
    Returns the boost for manage_service. */
static float
s_manage (const qs_intent_tokens_t *t)
{
    static const char *const asks[] = { "how", "what", "why", "is", "does", "should", "which",
                                        "when", "whats", "are", "do", NULL };
    static const char *const targets[] = { "it", "that one", "this one", "the other one",
                                           "the first one", "the second one", "the last one",
                                           "recommendation", "the first", NULL };
    if (t->n == 0 || qs_intent_word_in (t->tok[0], asks) || qs_intent_op_asks_new (t)
        || qs_intent_op_verb (t) == QS_INTENT_OP_NONE)
        return 0;
    int target = s_names_service (t);
    for (int k = 0; targets[k] && !target; k++)
        target = qs_intent_find_phrase (t, 0, targets[k]) >= 0;
    for (int i = 0; i + 1 < t->n && !target; i++)
        target = (qs_intent_tok_is (t, i, "my") || qs_intent_tok_is (t, i, "the")
                  || qs_intent_tok_is (t, i, "our"))
                 && qs_intent_lex_type_at (t, i + 1, NULL, NULL) != NULL;
    return target ? 3.0f : 1.0f;
}

static void
s_rule_boosts (const qs_intent_tokens_t *t, float logits[QS_INTENT_COUNT])
{
    int owner = s_owner (t);
    int defn = s_definitional (t);
    float best[QS_INTENT_COUNT] = { 0 };
    for (size_t r = 0; r < sizeof s_rules / sizeof s_rules[0]; r++) {
        if (qs_intent_find_phrase (t, 0, s_rules[r].phrase) < 0)
            continue;
        float b = s_rules[r].boost;
        if (s_rules[r].intent == QS_INTENT_OPTIMIZE && !owner)
            b *= 0.4f;
        if (s_rules[r].intent == QS_INTENT_TROUBLESHOOT && defn)
            b *= 0.3f;
        /* several cues for one intent count as the strongest one */
        if (b > best[s_rules[r].intent])
            best[s_rules[r].intent] = b;
    }
    /* a provisioning verb with a service type is a request for a new one */
    if (qs_intent_lex_has_create_verb (t) && qs_intent_lex_first_type (t, NULL) != NULL)
        best[QS_INTENT_PROVISION] += 2.0f;
    best[QS_INTENT_MANAGE] += s_manage (t);
    if (best[QS_INTENT_MANAGE] >= 3.0f)
        best[QS_INTENT_OPTIMIZE] = 0;     /* "downsize orders-db" does it, not asks */
    if (defn)
        best[QS_INTENT_GENERAL] += 2.0f;
    if (s_greeting_only (t))
        best[QS_INTENT_GENERAL] += 3.0f;
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        logits[c] += best[c];
}

static void
s_classify_one (const qs_intent_classifier_t *self, const qs_intent_tokens_t *t,
                float probs[QS_INTENT_COUNT])
{
    float logits[QS_INTENT_COUNT];
    qs_intent_model_logits (self->model, t, logits);
    s_rule_boosts (t, logits);
    qs_intent_softmax (logits, probs);
}

/*  A message that leans on the previous turns: "and its uri?", "what about
    the staging one", "medium please", "yes". Returns how strongly (0..1). */
static float
s_follow_up (const qs_intent_tokens_t *t)
{
    static const char *leads[] = { "and", "also", "what about", "how about", "same for",
                                   "same", "then", "ok and", "okay and", "and what about",
                                   "now", "plus" };
    static const char *refs[] = { "it", "its", "that one", "this one", "the other one",
                                  "that", "them", "those", "one" };
    if (t->n == 0)
        return 0;
    for (size_t k = 0; k < sizeof leads / sizeof leads[0]; k++)
        if (qs_intent_find_phrase (t, 0, leads[k]) == 0)
            return 1.0f;
    if (t->n <= 3)
        return 0.8f;
    if (t->n <= 7)
        for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++)
            if (qs_intent_find_phrase (t, 0, refs[k]) >= 0)
                return 0.6f;
    return 0;
}

static void
s_mix (float own[QS_INTENT_COUNT], const float prev[QS_INTENT_COUNT], float follow)
{
    float top = 0;
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        if (own[c] > top)
            top = own[c];
    /* a confident message keeps its own intent even when it reads as a
       follow-up ("and its connection string?") */
    float w = follow * (0.3f + 0.6f * (1.0f - top));
    if (w > 0.85f)
        w = 0.85f;
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        own[c] = (1.0f - w) * own[c] + w * prev[c];
}

qs_intent_classifier_t *
qs_intent_classifier_new_with_model (qs_intent_model_t **model_p)
{
    if (!model_p || !*model_p)
        return NULL;
    qs_intent_classifier_t *self = calloc (1, sizeof *self);
    if (!self) {
        qs_intent_model_destroy (model_p);
        return NULL;
    }
    self->model = *model_p;
    *model_p = NULL;
    return self;
}

qs_intent_classifier_t *
qs_intent_classifier_new (void)
{
    qs_intent_model_t *model = qs_intent_model_new_builtin ();
    return qs_intent_classifier_new_with_model (&model);
}

void
qs_intent_classifier_destroy (qs_intent_classifier_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_intent_model_destroy (&(*self_p)->model);
    free (*self_p);
    *self_p = NULL;
}

void
qs_intent_classify (const qs_intent_classifier_t *self, const char *message,
                    json_object *history, qs_intent_result_t *result)
{
    qs_intent_tokens_t *t = malloc (sizeof *t);
    float probs[QS_INTENT_COUNT];
    memset (result, 0, sizeof *result);
    result->intent = QS_INTENT_GENERAL;
    if (!t) {
        result->confidence = result->probs[QS_INTENT_GENERAL] = 1.0f;
        return;
    }
    /* the running intent of the earlier user turns, oldest first */
    float prev[QS_INTENT_COUNT];
    int have_prev = 0;
    if (history && json_object_is_type (history, json_type_array)) {
        size_t n = json_object_array_length (history);
        size_t users = 0, first = 0;
        for (size_t i = n; i-- > 0;) {
            json_object *turn = json_object_array_get_idx (history, i);
            if (strcmp (qs_json_str (turn, "role", ""), "user") == 0
                && ++users == S_HISTORY_TURNS) {
                first = i;
                break;
            }
        }
        for (size_t i = first; i < n; i++) {
            json_object *turn = json_object_array_get_idx (history, i);
            if (strcmp (qs_json_str (turn, "role", ""), "user") != 0)
                continue;
            qs_intent_tokenize (qs_json_str (turn, "content", ""), t);
            if (t->n == 0)
                continue;
            s_classify_one (self, t, probs);
            if (have_prev)
                s_mix (probs, prev, s_follow_up (t));
            memcpy (prev, probs, sizeof prev);
            have_prev = 1;
        }
    }
    qs_intent_tokenize (message, t);
    s_classify_one (self, t, probs);
    if (have_prev)
        s_mix (probs, prev, s_follow_up (t));
    free (t);
    memcpy (result->probs, probs, sizeof probs);
    for (int c = 0; c < QS_INTENT_COUNT; c++)
        if (probs[c] > probs[result->intent])
            result->intent = c;
    result->confidence = probs[result->intent];
}

/*  A confidence with three decimals, serialised as such ("0.291", not
    "0.29099999999999998"). 0 or -1. */
static int
s_add_confidence (json_object *obj, float value)
{
    char text[16];
    double rounded = (double) (int) (value * 1000.0f + 0.5f) / 1000.0;
    snprintf (text, sizeof text, "%.3f", rounded);
    json_object *v = json_object_new_double_s (rounded, text);
    if (!v || json_object_object_add (obj, "confidence", v)) {
        json_object_put (v);
        return -1;
    }
    return 0;
}

json_object *
qs_intent_result_json (const qs_intent_result_t *result)
{
    json_object *o = json_object_new_object ();
    json_object *alts = json_object_new_array ();
    if (!o || !alts)
        goto fail;
    int used[QS_INTENT_COUNT] = { 0 };
    used[result->intent] = 1;
    /* the other intents, most likely first, while they carry any weight */
    for (int k = 0; k < QS_INTENT_COUNT - 1; k++) {
        int best = -1;
        for (int c = 0; c < QS_INTENT_COUNT; c++)
            if (!used[c] && (best < 0 || result->probs[c] > result->probs[best]))
                best = c;
        if (best < 0 || result->probs[best] < 0.01f || k == 3)
            break;
        used[best] = 1;
        json_object *a = json_object_new_object ();
        if (!a || json_object_array_add (alts, a)) {
            json_object_put (a);
            goto fail;
        }
        if (qs_json_add_str (a, "intent", qs_intent_name (best))
            || s_add_confidence (a, result->probs[best]))
            goto fail;
    }
    if (qs_json_add_str (o, "intent", qs_intent_name (result->intent))
        || s_add_confidence (o, result->confidence)
        || json_object_object_add (o, "alternatives", alts))
        goto fail;
    alts = NULL;
    if ((result->followup && qs_json_add_str (o, "followup", result->followup))
        || qs_json_add_str (o, "engine", "local"))
        goto fail;
    return o;
fail:
    json_object_put (alts);
    json_object_put (o);
    return NULL;
}
