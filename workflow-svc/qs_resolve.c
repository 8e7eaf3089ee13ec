/*  qs_resolve - see qs_resolve.h */
#include "qs_resolve.h"
#include "qs_json.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_TOKENS 64
#define TOKEN_LEN  48

typedef struct {
    char t[MAX_TOKENS][TOKEN_LEN];
    int n;
} tokens_t;

/*  Lowercase words of letters and digits ("billing_db" -> billing, db);
    '#' stays at the start of a word ("#2"). */
static void
s_tokens (const char *text, tokens_t *out)
{
    out->n = 0;
    const char *p = text ? text : "";
    while (*p && out->n < MAX_TOKENS) {
        while (*p && !isalnum ((unsigned char) *p) && *p != '#')
            p++;
        size_t len = 0;
        char *w = out->t[out->n];
        if (*p == '#')
            w[len++] = *p++;
        while (*p && isalnum ((unsigned char) *p)) {
            if (len + 1 < TOKEN_LEN)
                w[len++] = (char) tolower ((unsigned char) *p);
            p++;
        }
        w[len] = '\0';
        if (len)
            out->n++;
    }
}

static bool
s_has (const tokens_t *t, const char *word)
{
    for (int i = 0; i < t->n; i++)
        if (!strcmp (t->t[i], word))
            return true;
    return false;
}

/*  Two consecutive words ("that one"). */
static bool
s_has2 (const tokens_t *t, const char *a, const char *b)
{
    for (int i = 0; i + 1 < t->n; i++)
        if (!strcmp (t->t[i], a) && !strcmp (t->t[i + 1], b))
            return true;
    return false;
}

/*  A name as the message's words would write it: lowercase, '-' between. */
static void
s_norm_name (const char *name, char *out, size_t size)
{
    tokens_t t;
    s_tokens (name, &t);
    out[0] = '\0';
    for (int i = 0; i < t.n; i++) {
        size_t len = strlen (out);
        snprintf (out + len, size - len, "%s%s", i ? "-" : "", t.t[i]);
    }
}

/*  How a message writes a name: 2 = exactly (in any case, with spaces or
    underscores for hyphens), 1 = within a small edit distance, 0 = not. */
static int
s_name_fit (const tokens_t *msg, const char *name)
{
    char norm[128];
    s_norm_name (name, norm, sizeof norm);
    tokens_t parts;
    s_tokens (name, &parts);
    int k = parts.n, best = 0;
    size_t nl = strlen (norm);
    int max = nl >= 8 ? 2 : nl >= 5 ? 1 : 0;
    for (int i = 0; k > 0 && i < msg->n; i++) {
        /* the same number of words, or one word less (a dropped hyphen: "billingdb") */
        for (int w = k; w >= 1 && w >= k - 1; w--) {
            if (i + w > msg->n)
                continue;
            char win[160] = "";
            for (int j = 0; j < w; j++) {
                size_t len = strlen (win);
                snprintf (win + len, sizeof win - len, "%s%s", j ? "-" : "", msg->t[i + j]);
            }
            if (!strcmp (win, norm))
                return 2;
            if (max && qs_edit_distance (win, norm, max) <= max)
                best = 1;
        }
    }
    return best;
}

static json_object *
s_by (json_object *services, const char *key, const char *value)
{
    for (size_t i = 0; value && *value && i < json_object_array_length (services); i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (!strcasecmp (qs_json_str (s, key, ""), value))
            return s;
    }
    return NULL;
}

static const char *s_ordinals[] = {"first", "second", "third", "fourth", "fifth", "sixth",
                                   "seventh", "eighth", "ninth", "tenth", NULL};
static const char *s_numbers[] = {"one", "two", "three", "four", "five", "six", "seven",
                                  "eight", "nine", "ten", NULL};

int
qs_resolve_list_index (const char *message, const qs_dialogue_t *d)
{
    if (!d || d->nlist == 0)
        return -1;
    tokens_t t;
    s_tokens (message, &t);
    int index = -1;
    for (int i = 0; i < t.n && index < 0; i++) {
        const char *w = t.t[i];
        for (int k = 0; s_ordinals[k]; k++)
            if (!strcmp (w, s_ordinals[k]))
                index = k;
        if (!strcmp (w, "last"))
            index = d->nlist - 1;
        if (!strcmp (w, "top") && i + 1 < t.n && !strcmp (t.t[i + 1], "one"))
            index = 0;
        /* "#2", "2nd", "number 2", "number two", "item 3" */
        if (w[0] == '#' && isdigit ((unsigned char) w[1]))
            index = atoi (w + 1) - 1;
        if (isdigit ((unsigned char) w[0])) {
            char *end;
            long v = strtol (w, &end, 10);
            if (!strcmp (end, "st") || !strcmp (end, "nd") || !strcmp (end, "rd") || !strcmp (end, "th"))
                index = (int) v - 1;
        }
        if ((!strcmp (w, "number") || !strcmp (w, "item") || !strcmp (w, "no")) && i + 1 < t.n) {
            const char *n = t.t[i + 1];
            if (isdigit ((unsigned char) n[0]))
                index = atoi (n) - 1;
            for (int k = 0; s_numbers[k]; k++)
                if (!strcmp (n, s_numbers[k]))
                    index = k;
        }
    }
    if (index >= 0 && index < d->nlist)
        return index;
    /* "the billing-db one": an item named in the message, if only one fits */
    int hit = -1, hits = 0;
    for (int i = 0; i < d->nlist; i++) {
        const char *name = *d->list[i].service_name ? d->list[i].service_name : d->list[i].name;
        if (*name && s_name_fit (&t, name) == 2) {
            if (hit < 0 || strcmp (name, *d->list[hit].service_name ? d->list[hit].service_name : d->list[hit].name))
                hits++;
            if (hit < 0)
                hit = i;
        }
    }
    return hits == 1 ? hit : -1;
}

bool
qs_resolve_pronoun (const char *message)
{
    tokens_t t;
    s_tokens (message, &t);
    static const char *words[] = {"it", "its", "itself", "them", "their", "they", NULL};
    for (int i = 0; words[i]; i++)
        if (s_has (&t, words[i]))
            return true;
    return s_has2 (&t, "that", "one") || s_has2 (&t, "this", "one") || s_has2 (&t, "that", "service")
           || s_has2 (&t, "this", "service") || s_has2 (&t, "the", "same") || s_has2 (&t, "same", "one");
}

int
qs_resolve_type_words (const char *message, const char **types)
{
    tokens_t t;
    s_tokens (message, &t);
    int n = 0;
#define S_ADD(x) do { if (n < 7) types[n++] = (x); } while (0)
    if (s_has (&t, "database") || s_has (&t, "databases") || s_has (&t, "db")) {
        S_ADD ("postgresql");
        S_ADD ("mysql");
        S_ADD ("mongodb");
    }
    if (s_has (&t, "cache") || s_has (&t, "caches"))
        S_ADD ("redis");
    if (s_has (&t, "queue") || s_has (&t, "queues") || s_has (&t, "broker")) {
        S_ADD ("rabbitmq");
        S_ADD ("kafka");
    }
    if (s_has (&t, "search") || s_has (&t, "index"))
        S_ADD ("elasticsearch");
#undef S_ADD
    types[n] = NULL;
    return n;
}

static bool
s_type_in (const char *type, const char **types, int ntypes)
{
    for (int i = 0; i < ntypes; i++)
        if (!strcmp (type, types[i]))
            return true;
    return false;
}

static int
s_one (qs_ref_t *ref, json_object *service, const char *match)
{
    ref->service = service;
    ref->match = match;
    return service ? 1 : 0;
}

/*  Only the candidates of the open question, as Services of the org. New array. */
static json_object *
s_candidates (json_object *services, const qs_dialogue_t *d)
{
    json_object *out = json_object_new_array ();
    for (int i = 0; d && i < d->clarify.ncandidates; i++) {
        json_object *s = s_by (services, "id", d->clarify.candidates[i].id);
        if (s)
            json_object_array_add (out, json_object_get (s));
    }
    return out;
}

/*  "the billing one" among candidates: a word of the message that is a part
    of exactly one candidate's name (generic words never count). */
static json_object *
s_by_part (json_object *cands, const tokens_t *t)
{
    json_object *hit = NULL;
    int hits = 0;
    for (size_t i = 0; i < json_object_array_length (cands); i++) {
        json_object *s = json_object_array_get_idx (cands, i);
        tokens_t parts;
        s_tokens (qs_json_str (s, "name", ""), &parts);
        bool fits = false;
        for (int k = 0; k < parts.n && !fits; k++)
            fits = strlen (parts.t[k]) >= 3 && s_has (t, parts.t[k])
                   && strcmp (parts.t[k], "the") && strcmp (parts.t[k], "one");
        if (fits) {
            hit = s;
            hits++;
        }
    }
    return hits == 1 ? hit : NULL;
}

/*  The environment a word names ("prod", "staging", "dev"), as the platform
    writes it, or NULL. */
static const char *
s_env_of (const char *word)
{
    static const char *const words[][2] = {
        {"production", "production"}, {"prod", "production"}, {"staging", "staging"},
        {"stage", "staging"}, {"development", "development"}, {"dev", "development"}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (!strcmp (word, words[k][0]))
            return words[k][1];
    return NULL;
}

/*  The first environment a word of the message names, or NULL. */
static const char *
s_env_word (const tokens_t *t)
{
    for (int i = 0; i < t->n; i++)
        if (s_env_of (t->t[i]))
            return s_env_of (t->t[i]);
    return NULL;
}

/*  How many words two names share once environment words are dropped
    ("globex-prod-db" and "globex-staging-db" share globex, db). */
static int
s_name_kinship (const char *a, const char *b)
{
    tokens_t ta, tb;
    s_tokens (a, &ta);
    s_tokens (b, &tb);
    int shared = 0;
    for (int i = 0; i < ta.n; i++)
        shared += !s_env_of (ta.t[i]) && s_has (&tb, ta.t[i]);
    return shared;
}

/*  "same for staging": the subject's counterpart in another environment, of
    its type; the closest name wins when several are. New array of the tied
    best in *cands when no single one does. */
static json_object *
s_counterpart (json_object *services, json_object *subject, const char *env, json_object **cands)
{
    const char *type = qs_json_str (subject, "service_type", "");
    const char *name = qs_json_str (subject, "name", "");
    json_object *best = NULL, *tied = json_object_new_array ();
    int top = -1;
    for (size_t i = 0; i < json_object_array_length (services); i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (s == subject || strcmp (qs_json_str (s, "service_type", ""), type)
            || strcmp (qs_json_str (s, "environment", ""), env))
            continue;
        int kin = s_name_kinship (name, qs_json_str (s, "name", ""));
        if (kin > top) {
            top = kin;
            best = s;
            json_object_put (tied);
            tied = json_object_new_array ();
        }
        if (kin == top)
            json_object_array_add (tied, json_object_get (s));
    }
    if (json_object_array_length (tied) > 1) {
        *cands = tied;
        return NULL;
    }
    json_object_put (tied);
    return best;
}

int
qs_resolve (json_object *all, const qs_resolve_in_t *in, qs_ref_t *ref)
{
    memset (ref, 0, sizeof *ref);
    ref->index = -1;
    ref->match = "";
    if (!all || !json_object_is_type (all, json_type_array))
        return 0;
    const qs_dialogue_t *d = in->dlg;
    json_object *restricted = in->among_candidates ? s_candidates (all, d) : NULL;
    json_object *services = restricted ? restricted : all;
    size_t n = json_object_array_length (services);
    tokens_t t;
    s_tokens (in->message, &t);
    int rc = 0;
    json_object *hit;
    /* 1. a name extraction read (not its "it" or type reading: those use the
          dialogue below), when it is one of the org's services */
    const char *how = qs_json_str (in->extract_ref, "match", "name");
    bool by_name = !strcmp (how, "name") || !strcmp (how, "id") || !strcmp (how, "fuzzy");
    if (by_name && ((hit = s_by (services, "id", qs_json_str (in->extract_ref, "id", NULL)))
                    || (qs_json_bool (in->extract_ref, "resolved", true)
                        && (hit = s_by (services, "name", qs_json_str (in->extract_ref, "name", NULL)))))) {
        ref->named = true;
        rc = s_one (ref, hit, "name");
        goto done;
    }
    /* 2. names written in the message: exact ones (the longest wins), else one forgiving fit */
    json_object *fuzzy = NULL;
    int nfuzzy = 0;
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        const char *name = qs_json_str (s, "name", "");
        int fit = s_name_fit (&t, name);
        if (fit == 2 && strlen (name) > best) {
            best = strlen (name);
            hit = s;
        }
        else if (fit == 1) {
            fuzzy = s;
            nfuzzy++;
        }
    }
    if (best || nfuzzy == 1) {
        ref->named = true;
        rc = s_one (ref, best ? hit : fuzzy, best ? "name" : "fuzzy");
        goto done;
    }
    /* an explicit name that is none of the org's services (another org's,
       a typo too far): ask, never swap in a service of the same type */
    const char *unknown = by_name && !qs_json_bool (in->extract_ref, "resolved", true)
                        ? qs_json_str (in->extract_ref, "name", NULL) : NULL;
    if (unknown && strpbrk (unknown, "-_") && !restricted) {
        ref->named = true;
        if (n > 0)
            ref->candidates = json_object_get (services);
        goto done;
    }
    /* 3. the last list: "the first one", "#2", "the billing-db one" */
    int index = qs_resolve_list_index (in->message, d);
    if (index >= 0) {
        const qs_dlg_item_t *it = &d->list[index];
        hit = s_by (services, "id", *it->service_id ? it->service_id : it->id);
        if (hit) {
            ref->named = true;
            ref->index = index;
            rc = s_one (ref, hit, "ordinal");
            goto done;
        }
    }
    /* 4. "the billing one" answering which one */
    if (restricted && (hit = s_by_part (services, &t))) {
        ref->named = true;
        rc = s_one (ref, hit, "name");
        goto done;
    }
    /* 5. "the other one": the subject before the last, else the list's other item */
    if (s_has2 (&t, "other", "one") || s_has2 (&t, "the", "other")) {
        ref->named = true;
        if (d && d->nsubject >= 2)
            hit = s_by (services, "id", d->subject[d->nsubject - 2].id);
        else if (d && d->nlist == 2 && d->nsubject)
            for (int i = 0; i < 2 && !hit; i++) {
                const char *id = *d->list[i].service_id ? d->list[i].service_id : d->list[i].id;
                if (strcmp (id, d->subject[d->nsubject - 1].id))
                    hit = s_by (services, "id", id);
            }
        if (hit) {
            rc = s_one (ref, hit, "other");
            goto done;
        }
    }
    /* 6. a type: named by extraction or by a generic word; the subject first, then the org */
    const char *types[8];
    int ntypes = qs_resolve_type_words (in->message, types);
    if (in->type && *in->type) {
        types[0] = in->type;
        ntypes = 1;
    }
    bool pronoun = qs_resolve_pronoun (in->message);
    /* 5b. "same for staging": the subject's counterpart in the named environment */
    const char *env = s_env_word (&t);
    const qs_dlg_service_t *was = d ? qs_dialogue_subject (d) : NULL;
    json_object *subject = was ? s_by (services, "id", was->id) : NULL;
    if (env && !ntypes && !pronoun && subject && strcmp (qs_json_str (subject, "environment", ""), env)) {
        json_object *cands = NULL;
        if ((hit = s_counterpart (services, subject, env, &cands))) {
            ref->named = true;
            rc = s_one (ref, hit, "environment");
            goto done;
        }
        if (cands) {
            ref->named = true;
            ref->candidates = cands;
            goto done;
        }
    }
    if (ntypes && !pronoun) {
        ref->named = true;
        json_object *of_type = json_object_new_array ();
        for (int i = d ? d->nsubject : 0; i-- > 0 && !hit;) {
            json_object *s = s_by (services, "id", d->subject[i].id);
            if (s && s_type_in (qs_json_str (s, "service_type", ""), types, ntypes)
                && (!env || !strcmp (qs_json_str (s, "environment", ""), env)))
                hit = s;
        }
        /* "the staging database": the environment narrows the type, when any is there */
        for (int pass = env ? 0 : 1; pass < 2 && !hit && !json_object_array_length (of_type); pass++)
            for (size_t i = 0; !hit && i < n; i++) {
                json_object *s = json_object_array_get_idx (services, i);
                if (s_type_in (qs_json_str (s, "service_type", ""), types, ntypes)
                    && (pass || !strcmp (qs_json_str (s, "environment", ""), env)))
                    json_object_array_add (of_type, json_object_get (s));
            }
        if (!hit && json_object_array_length (of_type) == 1)
            hit = json_object_array_get_idx (of_type, 0);
        if (hit) {
            rc = s_one (ref, hit, "type");
            json_object_put (of_type);
            goto done;
        }
        if (json_object_array_length (of_type) > 1) {
            ref->candidates = of_type;
            goto done;
        }
        json_object_put (of_type);
    }
    /* 7. "it", or nothing named: the subject */
    if (was && !restricted && (hit = subject)) {
        ref->named = pronoun;
        rc = s_one (ref, hit, pronoun ? "pronoun" : "subject");
        goto done;
    }
    if (n == 1 && !restricted) {
        rc = s_one (ref, json_object_array_get_idx (services, 0), "only");
        goto done;
    }
    if (n > 0)
        ref->candidates = json_object_get (services);
done:
    /* the chosen Service must be lent from the caller's list, never the restricted copy */
    if (rc && restricted)
        ref->service = s_by (all, "id", qs_json_str (ref->service, "id", ""));
    json_object_put (restricted);
    return ref->service ? 1 : 0;
}

void
qs_ref_clear (qs_ref_t *ref)
{
    json_object_put (ref->candidates);
    ref->candidates = NULL;
    ref->service = NULL;
}
