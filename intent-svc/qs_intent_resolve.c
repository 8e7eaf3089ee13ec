/*  qs_intent_resolve - see qs_intent_resolve.h */
#include "qs_intent_resolve.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "qs_intent_lexicon.h"
#include "qs_intent_ref.h"
#include "qs_json.h"
#include "qs_util.h"

#define S_NAME_MAX 64
#define S_MAX_CANDIDATES 8

static size_t
s_len (json_object *array)
{
    return array && json_object_is_type (array, json_type_array)
         ? json_object_array_length (array) : 0;
}

static int
s_has_id (json_object *list, const char *id)
{
    for (size_t i = 0; id && i < s_len (list); i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (list, i), "id", ""), id) == 0)
            return 1;
    return 0;
}

json_object *
qs_intent_scope_known (json_object *context, json_object *services, json_object *subject)
{
    json_object *out = json_object_new_array ();
    json_object *parts[] = { context, services };
    for (int p = 0; out && p < 2; p++)
        for (size_t i = 0; i < s_len (parts[p]); i++) {
            json_object *e = json_object_array_get_idx (parts[p], i);
            const char *id = qs_json_str (e, "id", NULL);
            if (!json_object_is_type (e, json_type_object) || (p == 1 && s_has_id (out, id))
                || (id && s_has_id (subject, id)))
                continue;
            json_object_array_add (out, json_object_get (e));
        }
    /* the subject last, so "it" means its most recent service; its full
       entry when the org list has one */
    for (size_t i = 0; out && i < s_len (subject); i++) {
        json_object *e = json_object_array_get_idx (subject, i);
        const char *id = qs_json_str (e, "id", NULL);
        for (size_t k = 0; id && k < s_len (services); k++)
            if (strcmp (qs_json_str (json_object_array_get_idx (services, k), "id", ""), id) == 0)
                e = json_object_array_get_idx (services, k);
        if (json_object_is_type (e, json_type_object))
            json_object_array_add (out, json_object_get (e));
    }
    return out;
}

/*  A name as compared: lowercase, '_' and ' ' as '-'. */
static void
s_norm (const char *src, char *out, size_t size)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++) {
        char c = (char) tolower ((unsigned char) src[i]);
        out[i] = c == '_' || c == ' ' ? '-' : c;
    }
    out[i] = '\0';
}

/*  Tokens [i, i+n) joined with '-' ("orders db" -> "orders-db"); 0 when
    out of range or too long. */
static int
s_joined (const qs_intent_tokens_t *t, int i, int n, char *out, size_t size)
{
    if (i + n > t->n)
        return 0;
    out[0] = '\0';
    for (int k = 0; k < n; k++) {
        /* a comma between the words ends the name */
        if (k > 0 && t->brk[i + k])
            return 0;
        if (strlen (out) + strlen (t->tok[i + k]) + 2 > size)
            return 0;
        if (k > 0)
            strcat (out, "-");
        strcat (out, t->tok[i + k]);
    }
    s_norm (out, out, size);
    return 1;
}

/*  A reference with candidates: unresolved, the fits listed. */
static json_object *
s_ambiguous (json_object **fits, int n, const char *type, const char *match)
{
    json_object *ref = qs_intent_ref_json (NULL, NULL, type, match);
    json_object *list = json_object_new_array ();
    if (!ref || !list || json_object_object_add (ref, "candidates", list)) {
        json_object_put (list);
        json_object_put (ref);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        json_object *c = json_object_new_object ();
        if (!c || json_object_array_add (list, c)
            || qs_json_add_str (c, "id", qs_json_str (fits[i], "id", NULL))
            || qs_json_add_str (c, "name", qs_json_str (fits[i], "name", NULL))
            || qs_json_add_str (c, "service_type", qs_json_str (fits[i], "service_type", NULL))) {
            json_object_put (ref);
            return NULL;
        }
    }
    return ref;
}

/*  Exact (normalised) names, then ids, then names within the edit
    distance, over the known services. */
static json_object *
s_by_name (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc, int skip)
{
    char word[S_NAME_MAX], name[S_NAME_MAX];
    json_object *fits[S_MAX_CANDIDATES];
    size_t n = s_len (sc->known);
    for (int pass = 0; pass < 2; pass++)
        for (int len = 3; len >= 1; len--)
            for (int i = 0; i < t->n; i++) {
                if (skip >= i && skip < i + len)
                    continue;
                if (!s_joined (t, i, len, word, sizeof word))
                    continue;
                for (size_t k = n; k-- > 0;) {
                    json_object *e = json_object_array_get_idx (sc->known, k);
                    const char *key = qs_json_str (e, pass ? "id" : "name", "");
                    s_norm (key, name, sizeof name);
                    if (*name && strcmp (word, name) == 0)
                        return qs_intent_ref_json (e, NULL, NULL, pass ? "id" : "name");
                }
            }
    /* typos: only words that could be a name (not "cache", "the") */
    for (int len = 2; len >= 1; len--)
        for (int i = 0; i < t->n; i++) {
            if ((skip >= i && skip < i + len) || !s_joined (t, i, len, word, sizeof word))
                continue;
            size_t wl = strlen (word);
            if (wl < 4 || (len == 1 && !strpbrk (word, "-0123456789"))
                || qs_intent_lex_is_vocabulary (word))
                continue;
            int limit = wl >= 6 ? 2 : 1, nfit = 0;
            for (size_t k = n; k-- > 0;) {
                json_object *e = json_object_array_get_idx (sc->known, k);
                s_norm (qs_json_str (e, "name", ""), name, sizeof name);
                if (*name && qs_edit_distance (word, name, limit) <= limit && nfit < S_MAX_CANDIDATES)
                    fits[nfit++] = e;
            }
            if (nfit == 1 || (nfit > 1 && !sc->candidates))
                return qs_intent_ref_json (fits[0], NULL, NULL, "fuzzy");
            if (nfit > 1)
                return s_ambiguous (fits, nfit, NULL, "fuzzy");
        }
    return NULL;
}

/*  The service of a last_list item, as a ref with match and index. */
static json_object *
s_item_ref (json_object *item, int index, const char *match)
{
    json_object *e = json_object_new_object ();
    const char *id = qs_json_str (item, "service_id", qs_json_str (item, "id", NULL));
    const char *name = qs_json_str (item, "service_name", qs_json_str (item, "name", NULL));
    json_object *ref = NULL;
    if (!e || qs_json_add_str (e, "id", id) || qs_json_add_str (e, "name", name)
        || qs_json_add_str (e, "service_type", qs_json_str (item, "service_type", NULL)))
        goto done;
    ref = qs_intent_ref_json (id ? e : NULL, name, NULL, match);
    if (ref && qs_json_add_int (ref, "index", index)) {
        json_object_put (ref);
        ref = NULL;
    }
done:
    json_object_put (e);
    return ref;
}

/*  "the first one", "#2", "number 3", "the last", "the billing-db one". */
static json_object *
s_by_list (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc)
{
    static const char *const ordinals[] = { "first", "second", "third", "fourth", "fifth",
                                            "sixth", "seventh", "eighth", "ninth", "tenth",
                                            NULL };
    static const char *const short_ord[] = { "1st", "2nd", "3rd", "4th", "5th", "6th", "7th",
                                             "8th", "9th", "10th", NULL };
    static const char *const counters[] = { "number", "option", "item",
                                            "recommendation", "rec", NULL };
    json_object *items = qs_json_get (sc->last_list, "items", json_type_array);
    int n = (int) s_len (items);
    if (n == 0)
        return NULL;
    for (int i = 0; i < t->n; i++) {
        int index = -1;
        const char *w = t->tok[i];
        for (int k = 0; ordinals[k] && index < 0; k++)
            if (strcmp (w, ordinals[k]) == 0 || strcmp (w, short_ord[k]) == 0)
                index = k;
        if (strcmp (w, "last") == 0 && (qs_intent_tok_is (t, i - 1, "the")))
            index = n - 1;
        int digits = isdigit ((unsigned char) w[0]) && strspn (w, "0123456789") == strlen (w);
        int hashed = sc->message && t->start[i] > 0 && sc->message[t->start[i] - 1] == '#';
        if (digits && (hashed || (i > 0 && qs_intent_word_in (t->tok[i - 1], counters))))
            index = (int) strtol (w, NULL, 10) - 1;
        if (index >= 0 && index < n)
            return s_item_ref (json_object_array_get_idx (items, (size_t) index), index,
                               "ordinal");
    }
    /* a name of the list: "the billing-db one", "do billing-db" */
    char word[S_NAME_MAX], name[S_NAME_MAX];
    for (int len = 3; len >= 1; len--)
        for (int i = 0; i < t->n; i++) {
            if (!s_joined (t, i, len, word, sizeof word))
                continue;
            for (int k = 0; k < n; k++) {
                json_object *item = json_object_array_get_idx (items, (size_t) k);
                s_norm (qs_json_str (item, "service_name", qs_json_str (item, "name", "")),
                        name, sizeof name);
                if (*name && strcmp (word, name) == 0)
                    return s_item_ref (item, k, "list_name");
            }
        }
    return NULL;
}

/*  "the other one": the subject's other service, else the list's other item. */
static json_object *
s_other (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc)
{
    if (qs_intent_find_phrase (t, 0, "the other") < 0 && qs_intent_find_phrase (t, 0, "other one") < 0)
        return NULL;
    size_t ns = s_len (sc->subject);
    if (ns >= 2)
        return qs_intent_ref_json (json_object_array_get_idx (sc->subject, ns - 2), NULL, NULL,
                                   "other");
    json_object *items = qs_json_get (sc->last_list, "items", json_type_array);
    const char *current = ns ? qs_json_str (json_object_array_get_idx (sc->subject, 0), "id", "")
                             : "";
    if (s_len (items) == 2)
        for (int k = 0; k < 2; k++) {
            json_object *item = json_object_array_get_idx (items, (size_t) k);
            const char *id = qs_json_str (item, "service_id", qs_json_str (item, "id", ""));
            if (strcmp (id, current) != 0)
                return s_item_ref (item, k, "other");
        }
    return qs_intent_ref_json (NULL, NULL, NULL, "other");
}

/*  "the database", "my cache", "the postgres": the subject's service of
    that kind first, then the org's; several in the org and none in the
    subject -> candidates. */
static json_object *
s_by_type (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc)
{
    static const char *const dets[] = { "my", "our", "the", "that", "this", NULL };
    static const char *const dbs[] = { "postgresql", "mysql", "mongodb", NULL };
    for (int i = 0; i + 1 < t->n; i++) {
        if (!qs_intent_word_in (t->tok[i], dets))
            continue;
        int j = i + 1;
        if (j + 1 < t->n && qs_intent_word_in (t->tok[j], (const char *const[]) {
                "new", "old", "main", "current", "existing", NULL }))
            j++;
        const char *type = qs_intent_lex_type_at (t, j, NULL, NULL);
        int any_db = !type && (qs_intent_tok_is (t, j, "database") || qs_intent_tok_is (t, j, "db"));
        if (!type && !any_db)
            continue;
        json_object *fits[S_MAX_CANDIDATES];
        int nfit = 0;
        /* the subject's most recent of that kind */
        for (size_t k = s_len (sc->subject); k-- > 0;) {
            json_object *e = json_object_array_get_idx (sc->subject, k);
            const char *st = qs_json_str (e, "service_type", "");
            if (type ? strcmp (st, type) == 0 : qs_intent_word_in (st, dbs))
                return qs_intent_ref_json (e, NULL, NULL, "type");
        }
        for (size_t k = s_len (sc->known); k-- > 0 && nfit < S_MAX_CANDIDATES;) {
            json_object *e = json_object_array_get_idx (sc->known, k);
            const char *st = qs_json_str (e, "service_type", "");
            if (type ? strcmp (st, type) == 0 : qs_intent_word_in (st, dbs))
                fits[nfit++] = e;
        }
        if (nfit > 1)
            return s_ambiguous (fits, nfit, type, "type");
        return qs_intent_ref_json (nfit ? fits[0] : NULL, NULL, type, "type");
    }
    return NULL;
}

/*  "it", "its", "that one" with a subject: its most recent service, also
    after "make"/"put" ("make it large" on a running service). Not while
    asking for a new one. */
static json_object *
s_pronoun (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc)
{
    static const char *const prons[] = { "it", "its", "that one", "this one", "that service",
                                         "this service", NULL };
    size_t n = s_len (sc->subject);
    if (n == 0 || qs_intent_lex_has_create_verb (t)
        || strcmp (qs_intent_confirmation (t), "none") != 0)
        return NULL;
    for (int k = 0; prons[k]; k++)
        if (qs_intent_find_phrase (t, 0, prons[k]) >= 0) {
            /* the subject's entry as the org knows it (known holds it last) */
            json_object *e = json_object_array_get_idx (sc->subject, n - 1);
            size_t nk = s_len (sc->known);
            if (nk > 0)
                e = json_object_array_get_idx (sc->known, nk - 1);
            return qs_intent_ref_json (e, NULL, NULL, "pronoun");
        }
    return NULL;
}

json_object *
qs_intent_resolve (const qs_intent_tokens_t *t, const qs_intent_scope_t *sc, int skip_tok)
{
    json_object *ref = NULL;
    if (sc->last_list && (ref = s_by_list (t, sc)) != NULL)
        return ref;
    if ((ref = s_by_name (t, sc, skip_tok)) != NULL)
        return ref;
    if (!sc->candidates)
        return qs_intent_service_ref (t, sc->known, skip_tok);
    if ((ref = s_other (t, sc)) != NULL || (ref = s_by_type (t, sc)) != NULL
        || (ref = s_pronoun (t, sc)) != NULL)
        return ref;
    return qs_intent_service_ref (t, sc->known, skip_tok);
}
