/*  qs_intent_ref - see qs_intent_ref.h */
#include "qs_intent_ref.h"
#include <ctype.h>
#include <strings.h>
#include <string.h>
#include "qs_intent_text.h"
#include "qs_intent_lexicon.h"
#include "qs_json.h"

static const char *const s_determiners[] = { "my", "our", "the", "that", "this", "mine",
                                             "your", NULL };

json_object *
qs_intent_ref_json (json_object *entry, const char *name, const char *type, const char *match)
{
    json_object *o = json_object_new_object ();
    if (!o)
        return NULL;
    const char *id = entry ? qs_json_str (entry, "id", NULL) : NULL;
    if (entry) {
        name = qs_json_str (entry, "name", name);
        type = qs_json_str (entry, "service_type", type);
    }
    if (qs_json_add_str (o, "id", id) || qs_json_add_str (o, "name", name)
        || qs_json_add_str (o, "service_type", type)
        || qs_json_add_bool (o, "resolved", entry != NULL)
        || qs_json_add_str (o, "match", match)) {
        json_object_put (o);
        return NULL;
    }
    return o;
}

/*  The most recent context entry (last) that satisfies the test. */
static json_object *
s_context_find (json_object *context, const char *name, const char *type, const char *part)
{
    if (!context || !json_object_is_type (context, json_type_array))
        return NULL;
    for (size_t i = json_object_array_length (context); i-- > 0;) {
        json_object *e = json_object_array_get_idx (context, i);
        const char *n = qs_json_str (e, "name", "");
        if (name && strcasecmp (n, name) == 0)
            return e;
        if (type && strcmp (qs_json_str (e, "service_type", ""), type) == 0)
            return e;
        if (part && *n && strstr (n, part))
            return e;
    }
    return NULL;
}

/*  A token shaped like a service name someone gave: "orders-db", "cache2". */
static int
s_name_shaped (const qs_intent_tokens_t *t, int i)
{
    const char *w = t->tok[i];
    size_t n = strlen (w);
    if (n < 3 || !islower ((unsigned char) w[0]) || !strpbrk (w, "-0123456789"))
        return 0;
    for (size_t k = 0; k < n; k++)
        if (!(islower ((unsigned char) w[k]) || isdigit ((unsigned char) w[k]) || w[k] == '-'))
            return 0;
    /* without a dash: letters then digits, at least three letters
       ("cache2", not "v14", "ec2", "k8s") */
    if (strchr (w, '-') == NULL) {
        size_t letters = strspn (w, "abcdefghijklmnopqrstuvwxyz");
        if (letters < 3 || strspn (w + letters, "0123456789") != n - letters)
            return 0;
    }
    /* not a region, tier, size, type or count ("us-east-1", "x-large", "3-node") */
    static const char *const prefixes[] = {
        "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "europe-", "asia-", "x-", "extra-",
        /* English compounds, not names: "over-provisioned", "read-only" */
        "multi-", "non-", "no-", "pre-", "post-", "key-", "high-", "highly-", "low-", "read-",
        "write-", "self-", "full-", "real-", "e-", "over-", "under-", "well-", "cross-",
        "long-", "short-", "up-", "out-", "in-", "re-", "co-", "anti-", "auto-", "semi-",
        "sub-", "super-", "one-", "two-", "single-", "double-", "built-", "open-", "end-",
        "third-", "on-", "off-", "per-", "time-", "point-", "follow-", "check-", "set-",
        NULL
    };
    for (int k = 0; prefixes[k]; k++)
        if (strncmp (w, prefixes[k], strlen (prefixes[k])) == 0)
            return 0;
    if (qs_intent_lex_type_at (t, i, NULL, NULL) || qs_intent_lex_tier_at (t, i, NULL))
        return 0;
    const char *dash = strchr (w, '-');
    if (dash && isdigit ((unsigned char) w[0]))
        return 0;
    return 1;
}

json_object *
qs_intent_service_ref (const qs_intent_tokens_t *t, json_object *context, int skip_tok)
{
    /* 1. a service of the context named outright */
    for (int i = 0; i < t->n; i++) {
        if (i == skip_tok)
            continue;
        json_object *e = s_context_find (context, t->tok[i], NULL, NULL);
        if (e)
            return qs_intent_ref_json (e, NULL, NULL, "name");
    }
    /* 2. a name-shaped word: "my orders-db", "why is billing-api slow" */
    for (int i = 0; i < t->n; i++)
        if (i != skip_tok && s_name_shaped (t, i))
            return qs_intent_ref_json (NULL, t->tok[i], NULL, "name");
    /* 3. "my redis", "the cache", "the staging one" */
    for (int i = 0; i + 1 < t->n; i++) {
        if (!qs_intent_word_in (t->tok[i], s_determiners))
            continue;
        int j = i + 1;
        /* "my new redis", "the kafka cluster" */
        if (j + 1 < t->n && qs_intent_word_in (t->tok[j], (const char *const[]) { "new", "old", "main",
                                                                      "current", "existing",
                                                                      NULL }))
            j++;
        const char *type = qs_intent_lex_type_at (t, j, NULL, NULL);
        if (type) {
            json_object *e = s_context_find (context, NULL, type, NULL);
            return qs_intent_ref_json (e, NULL, type, "type");
        }
        if (j + 1 < t->n && (qs_intent_tok_is (t, j + 1, "one") || qs_intent_tok_is (t, j + 1, "instance")
                             || qs_intent_tok_is (t, j + 1, "service"))
            && !qs_intent_tok_is (t, j, "other")) {
            json_object *e = s_context_find (context, NULL, NULL, t->tok[j]);
            if (!e && (strcmp (t->tok[j], "production") == 0 || strcmp (t->tok[j], "prod") == 0))
                e = s_context_find (context, NULL, NULL, strcmp (t->tok[j], "prod") == 0
                                                             ? "production" : "prod");
            if (e)
                return qs_intent_ref_json (e, NULL, NULL, "name");
        }
    }
    /* 4. a pronoun: the most recently mentioned service */
    static const char *const not_before[] = { "call", "name", "make", "label", "worth",
                                              "about", "thinking", "put", "keep", NULL };
    static const char *const not_after[] = { "possible", "would", "depends", "seems", "looks",
                                             "take", "takes", "cost", "costs", "mean",
                                             "matter", "okay", "ok", NULL };
    for (int i = 0; i < t->n; i++) {
        int pron = strcmp (t->tok[i], "it") == 0 || strcmp (t->tok[i], "its") == 0
                || ((strcmp (t->tok[i], "that") == 0 || strcmp (t->tok[i], "this") == 0)
                    && (qs_intent_tok_is (t, i + 1, "one") || qs_intent_tok_is (t, i + 1, "service")
                        || qs_intent_tok_is (t, i + 1, "instance")));
        if (!pron || (i > 0 && qs_intent_word_in (t->tok[i - 1], not_before))
            || (i + 1 < t->n && qs_intent_word_in (t->tok[i + 1], not_after)))
            continue;
        /* "it" while asking for a new service is that new service, and in
           "sure, do it" the pending action */
        if (qs_intent_lex_has_create_verb (t) || strcmp (qs_intent_confirmation (t), "none"))
            return NULL;
        /* "redis is up, what's its uri": the latest service of that type */
        const char *type = qs_intent_lex_first_type (t, NULL);
        json_object *e = type ? s_context_find (context, NULL, type, NULL) : NULL;
        size_t n = context && json_object_is_type (context, json_type_array)
                 ? json_object_array_length (context) : 0;
        if (!e && n > 0)
            e = json_object_array_get_idx (context, n - 1);
        if (e)
            return qs_intent_ref_json (e, NULL, NULL, "pronoun");
        return NULL;
    }
    return NULL;
}

typedef struct {
    const char *phrase;
    int yes;
} s_answer_t;

static const s_answer_t s_answers[] = {
    { "go ahead", 1 }, { "go for it", 1 }, { "do it", 1 }, { "please do", 1 },
    { "sounds good", 1 }, { "looks good", 1 }, { "lets do it", 1 }, { "lets go", 1 },
    { "ship it", 1 }, { "make it so", 1 }, { "of course", 1 }, { "all right", 1 },
    { "i confirm", 1 }, { "thats fine", 1 }, { "thats right", 1 }, { "create it", 1 },
    { "provision it", 1 }, { "deploy it", 1 }, { "yes", 1 }, { "y", 1 }, { "yeah", 1 },
    { "yep", 1 }, { "yup", 1 }, { "ya", 1 }, { "yea", 1 }, { "yes", 1 }, { "sure", 1 },
    { "ok", 1 }, { "okay", 1 }, { "k", 1 }, { "kk", 1 }, { "confirm", 1 },
    { "confirmed", 1 }, { "proceed", 1 }, { "approve", 1 }, { "approved", 1 }, { "lgtm", 1 },
    { "absolutely", 1 }, { "definitely", 1 }, { "correct", 1 }, { "affirmative", 1 },
    { "alright", 1 }, { "fine", 1 }, { "perfect", 1 }, { "great", 1 }, { "execute", 1 },
    { "continue", 1 }, { "go", 1 }, { "yass", 1 }, { "yesss", 1 }, { "yes!", 1 },
    { "dont do it", 0 }, { "do not do it", 0 }, { "dont proceed", 0 },
    { "do not proceed", 0 }, { "dont create it", 0 }, { "never mind", 0 }, { "not now", 0 },
    { "hold on", 0 }, { "forget it", 0 }, { "not yet", 0 }, { "scratch that", 0 },
    { "no way", 0 }, { "changed my mind", 0 }, { "dont", 0 }, { "do not", 0 }, { "no", 0 },
    { "n", 0 }, { "nope", 0 }, { "nah", 0 }, { "cancel", 0 }, { "stop", 0 }, { "abort", 0 },
    { "nevermind", 0 }, { "wait", 0 }, { "reject", 0 }, { "decline", 0 }, { "negative", 0 },
    { "cancelled", 0 }, { "halt", 0 },
};

static const char *const s_fillers[] = { "please", "pls", "plz", "thanks", "thank", "you",
                                         "thx", "just", "now", "then", "oh", "ah", "um",
                                         "well", "and", "so", "it", "that", "lets", "sir",
                                         "mate", "very", "much", "really", "all", "good",
                                         "that's", "the", "this", NULL };

/*  Reading of tokens [from, to): 1 yes, 0 no, -1 neither or mixed. */
static int
s_read_answer (const qs_intent_tokens_t *t, int from, int to)
{
    int polarity = -1, any = 0;
    int i = from;
    while (i < to) {
        int best_len = 0, best_yes = -1;
        for (size_t k = 0; k < sizeof s_answers / sizeof s_answers[0]; k++) {
            int at = qs_intent_find_phrase (t, i, s_answers[k].phrase);
            if (at != i)
                continue;
            int len = 1;
            for (const char *p = s_answers[k].phrase; *p; p++)
                len += *p == ' ';
            if (i + len <= to && len > best_len) {
                best_len = len;
                best_yes = s_answers[k].yes;
            }
        }
        if (best_len > 0) {
            if (polarity >= 0 && polarity != best_yes)
                return -1;
            polarity = best_yes;
            any = 1;
            i += best_len;
        }
        else if (qs_intent_word_in (t->tok[i], s_fillers))
            i++;
        else
            return -1;
    }
    return any ? polarity : -1;
}

const char *
qs_intent_confirmation (const qs_intent_tokens_t *t)
{
    static const char *const changes[] = { "but", "instead", "change", "make", "except",
                                           "wait", "actually", "rather", "switch", "use",
                                           "only", "first", NULL };
    int r = s_read_answer (t, 0, t->n);
    if (r < 0 && t->n > 0) {
        /* "yes, go ahead and create the redis" but not "yes, but make it large" */
        int end = 1;
        while (end < t->n && !t->brk[end])
            end++;
        if (end < t->n) {
            r = s_read_answer (t, 0, end);
            for (int i = end; r >= 0 && i < t->n; i++)
                if (qs_intent_word_in (t->tok[i], changes))
                    r = -1;
        }
    }
    return r == 1 ? "yes" : r == 0 ? "no" : "none";
}
