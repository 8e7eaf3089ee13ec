/*  qs_intent_extract - see qs_intent_extract.h */
#include "qs_intent_extract.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_fields.h"
#include "qs_intent_lexicon.h"
#include "qs_intent_op.h"
#include "qs_intent_ref.h"
#include "qs_intent_resolve.h"
#include "qs_intent_text.h"
#include "qs_json.h"
#include "qs_util.h"

#define S_NAME_MAX 64

typedef struct {
    const char *type;
    char name[S_NAME_MAX];
    int name_tok;                 /* token that gave the name, or -1 */
    const char *tier;
    char version[16];
    long replicas;                /* 0 = not found */
    char region[32];
    const char *env;
    int ha, backup;               /* -1 unset, 0 false, 1 true */
    long memory_mb;               /* 0 = not found */
} s_found_t;

static const char *const s_not_names[] = {
    "a", "an", "the", "it", "my", "our", "this", "that", "me", "you", "something", "anything",
    "with", "and", "in", "on", "for", "of", "to", "please", "db", "database", "service",
    "instance", "cluster", "server", "production", "prod", "staging", "dev", "development",
    "test", "testing", "whatever", "something", "later", "now", NULL
};

/*  A service name: lowercase letters, digits and '-', starting with a
    letter, not a filler word, tier, type or size. */
static int
s_valid_name (const char *s)
{
    size_t n = strlen (s);
    if (n == 0 || n >= S_NAME_MAX || !islower ((unsigned char) s[0]) || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower ((unsigned char) s[i]) || isdigit ((unsigned char) s[i]) || s[i] == '-'))
            return 0;
    if (qs_intent_word_in (s, s_not_names))
        return 0;
    return !qs_intent_lex_is_vocabulary (s);
}

/*  Normalise a user-written name ("Orders_DB" -> "orders-db") into out. */
static int
s_take_name (const char *src, size_t len, char *out)
{
    if (len == 0 || len >= S_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = (char) tolower ((unsigned char) src[i]);
        out[i] = c == '_' ? '-' : c;
    }
    out[len] = '\0';
    if (s_valid_name (out))
        return 1;
    out[0] = '\0';
    return 0;
}

/*  A quoted name: "x", 'x', `x` or curly quotes (UTF-8). */
static int
s_quoted_name (const char *msg, char *out)
{
    static const char *open[] = { "\"", "'", "`", "\xe2\x80\x9c", "\xe2\x80\x98" };
    static const char *close[] = { "\"", "'", "`", "\xe2\x80\x9d", "\xe2\x80\x99" };
    for (size_t q = 0; q < sizeof open / sizeof open[0]; q++) {
        const char *p = msg;
        while ((p = strstr (p, open[q])) != NULL) {
            /* an apostrophe inside a word is not a quote */
            if (q == 1 && p > msg && isalnum ((unsigned char) p[-1])) {
                p++;
                continue;
            }
            const char *s = p + strlen (open[q]);
            const char *e = strstr (s, close[q]);
            if (!e)
                break;
            if (s_take_name (s, (size_t) (e - s), out))
                return 1;
            p = e + strlen (close[q]);
        }
    }
    return 0;
}

static int
s_in_context (json_object *context, const char *name)
{
    size_t n = context && json_object_is_type (context, json_type_array)
             ? json_object_array_length (context) : 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp (qs_json_str (json_object_array_get_idx (context, i), "name", ""), name) == 0)
            return 1;
    return 0;
}

static void
s_find_name (const char *msg, const qs_intent_tokens_t *t, json_object *context, s_found_t *f)
{
    static const char *const leads[] = { "called", "named", "titled", "labeled",
                                         "labelled", NULL };
    /* "name"/"call" are also plain words: "name it X", "name: X", "call it X" */
    static const char *const weak_leads[] = { "name", "call", NULL };
    static const char *const skip[] = { "it", "is", "should", "be", "will", "of", "as",
                                        "the", "to", "shall", NULL };
    for (int i = 0; i < t->n; i++) {
        int strong = qs_intent_word_in (t->tok[i], leads);
        if (!strong && !qs_intent_word_in (t->tok[i], weak_leads))
            continue;
        int j = i + 1;
        while (j < t->n && j <= i + 3 && qs_intent_word_in (t->tok[j], skip))
            j++;
        if (j >= t->n)
            continue;
        const char *w = t->tok[j];
        if (!strong && j == i + 1 && t->brk[j] != ':' && !strpbrk (w, "-0123456789"))
            continue;
        if (s_take_name (w, strlen (w), f->name)) {
            f->name_tok = j;
            return;
        }
    }
    if (s_quoted_name (msg, f->name)) {
        for (int i = 0; i < t->n; i++)
            if (strcmp (t->tok[i], f->name) == 0)
                f->name_tok = i;
        return;
    }
    /* "a redis for orders-api": only when asking for a new service, only
       name-shaped words ("for my app" is no name), never an existing one */
    if (!qs_intent_lex_has_create_verb (t))
        return;
    for (int i = 0; i + 1 < t->n; i++) {
        if (s_in_context (context, t->tok[i + 1]))
            continue;
        const char *w = t->tok[i + 1];
        if (strcmp (t->tok[i], "for") == 0 && strpbrk (w, "-0123456789")
            && !strpbrk (w, ".") && isalpha ((unsigned char) w[0])
            && s_take_name (w, strlen (w), f->name)) {
            f->name_tok = i + 1;
            return;
        }
    }
    f->name[0] = '\0';
}

static const char *const s_tier_not_before[] = {
    "number", "numbers", "amount", "amounts", "volume", "volumes", "file", "files",
    "dataset", "datasets", "traffic", "load", "team", "company", "project", "question",
    "change", "issue", "problem", "bill", "spike", "batch", "batches", NULL
};

static void
s_find_tier (const qs_intent_tokens_t *t, s_found_t *f)
{
    for (int i = 0; i < t->n; i++) {
        int len = 1;
        const char *tier = qs_intent_lex_tier_at (t, i, &len);
        if (!tier)
            continue;
        if (i + len < t->n && qs_intent_word_in (t->tok[i + len], s_tier_not_before))
            continue;
        f->tier = tier;
        return;
    }
}

/*  Parse a leading decimal number of token w; *rest gets what follows. */
static int
s_leading_number (const char *w, double *value, const char **rest)
{
    char *end;
    if (!isdigit ((unsigned char) w[0]))
        return 0;
    *value = strtod (w, &end);
    *rest = end;
    return 1;
}

static long
s_unit_mb (const char *u)
{
    static const char *const gb[] = { "gb", "g", "gig", "gigs", "gigabyte", "gigabytes", "gib",
                                      "gbs", "gigabites", NULL };
    static const char *const mb[] = { "mb", "meg", "megs", "megabyte", "megabytes", "mib",
                                      "mbs", NULL };
    static const char *const tb[] = { "tb", "terabyte", "terabytes", "tib", NULL };
    if (qs_intent_word_in (u, gb))
        return 1024;
    if (qs_intent_word_in (u, mb))
        return 1;
    if (qs_intent_word_in (u, tb))
        return 1024L * 1024L;
    return 0;
}

static const char *const s_disk_words[] = { "disk", "storage", "ssd", "hdd", "volume",
                                            "space", "disks", "nvme", NULL };

static void
s_find_memory (const qs_intent_tokens_t *t, s_found_t *f)
{
    for (int i = 0; i < t->n; i++) {
        double v;
        const char *rest;
        long unit = 0;
        int last = i;
        if (s_leading_number (t->tok[i], &v, &rest)) {
            if (*rest)
                unit = s_unit_mb (rest);
            else if (i + 1 < t->n) {
                unit = s_unit_mb (t->tok[i + 1]);
                last = i + 1;
            }
        }
        else {
            long n = qs_intent_lex_number (t->tok[i]);
            if (n > 0 && i + 1 < t->n) {
                v = (double) n;
                unit = s_unit_mb (t->tok[i + 1]);
                last = i + 1;
            }
        }
        if (unit == 0 || v <= 0 || v > 1e7)
            continue;
        int disk = 0;
        for (int k = last + 1; k <= last + 3 && k < t->n && !disk; k++)
            disk = qs_intent_word_in (t->tok[k], s_disk_words);
        for (int k = i - 2; k < i && !disk; k++)
            disk = k >= 0 && qs_intent_word_in (t->tok[k], s_disk_words);
        if (disk)
            continue;
        f->memory_mb = (long) (v * (double) unit + 0.5);
        return;
    }
}

const char *
qs_intent_tier_for_memory (json_object *pricing, long memory_mb)
{
    json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
    const char *best = NULL;
    int64_t best_mb = 0;
    if (!tiers || memory_mb <= 0)
        return NULL;
    json_object_object_foreach (tiers, name, tier) {
        int64_t mb = qs_json_int (tier, "memory_mb", 0);
        if (mb >= memory_mb && (!best || mb < best_mb)) {
            best = name;
            best_mb = mb;
        }
    }
    return best;
}

/*  "16", "7.2", "v8.0.1" with a plausible major version. */
static int
s_version_like (const char *w, char *out, size_t size)
{
    const char *p = w;
    if (*p == 'v')
        p++;
    if (!isdigit ((unsigned char) *p))
        return 0;
    for (const char *q = p; *q; q++)
        if (!isdigit ((unsigned char) *q) && *q != '.')
            return 0;
    if (atoi (p) > 99 || p[strlen (p) - 1] == '.')
        return 0;
    qs_strlcpy (out, p, size);
    return 1;
}

static const char *const s_count_words[] = {
    "replica", "replicas", "node", "nodes", "instances", "copies", "copy", "members",
    "brokers", "broker", "pods", "servers", "shards", NULL
};

static void
s_find_version (const qs_intent_tokens_t *t, s_found_t *f)
{
    for (int i = 0; i < t->n; i++) {
        int len = 1, ex = 0;
        const char *type = qs_intent_lex_type_at (t, i, &len, &ex);
        if (type && ex && len == 1) {
            /* glued: "pg16", "redis7.2" */
            const char *w = t->tok[i];
            const char *d = w;
            while (*d && !isdigit ((unsigned char) *d))
                d++;
            if (*d && s_version_like (d, f->version, sizeof f->version))
                return;
        }
        if (type && ex) {
            int j = i + len;
            if (qs_intent_tok_is (t, j, "version") || qs_intent_tok_is (t, j, "v"))
                j++;
            if (j < t->n && s_version_like (t->tok[j], f->version, sizeof f->version)
                && !(j + 1 < t->n && (s_unit_mb (t->tok[j + 1]) || qs_intent_word_in (t->tok[j + 1], s_count_words)))) {
                return;
            }
        }
        if ((strcmp (t->tok[i], "version") == 0 || strcmp (t->tok[i], "v") == 0)
            && i + 1 < t->n && s_version_like (t->tok[i + 1], f->version, sizeof f->version))
            return;
        if (t->tok[i][0] == 'v' && isdigit ((unsigned char) t->tok[i][1])
            && s_version_like (t->tok[i], f->version, sizeof f->version))
            return;
    }
    f->version[0] = '\0';
}

static void
s_find_replicas (const qs_intent_tokens_t *t, s_found_t *f)
{
    for (int i = 0; i < t->n; i++) {
        const char *w = t->tok[i];
        long n = -1;
        const char *dash = strchr (w, '-');
        /* "3-node", "three-node" */
        if (dash && (strcmp (dash + 1, "node") == 0 || strcmp (dash + 1, "replica") == 0
                     || strcmp (dash + 1, "nodes") == 0)) {
            char num[16];
            size_t k = (size_t) (dash - w);
            if (k < sizeof num) {
                memcpy (num, w, k);
                num[k] = '\0';
                n = isdigit ((unsigned char) num[0]) ? atol (num) : qs_intent_lex_number (num);
            }
            if (n > 0 && n <= 100) {
                f->replicas = n;
                return;
            }
            continue;
        }
        /* "2 read replicas", "3 extra nodes" */
        int cw = i + 1;
        if (cw + 1 < t->n && qs_intent_word_in (t->tok[cw], (const char *const[]) {
                "read", "extra", "additional", "standby", "more", "data", "worker", NULL }))
            cw++;
        if (cw < t->n && qs_intent_word_in (t->tok[cw], s_count_words)) {
            n = isdigit ((unsigned char) w[0]) ? atol (w) : qs_intent_lex_number (w);
            if (strcmp (w, "a") == 0)
                n = -1;       /* "a replica" says nothing about how many */
            for (const char *p = w; isdigit ((unsigned char) w[0]) && *p; p++)
                if (!isdigit ((unsigned char) *p))
                    n = -1;
            if (n > 0 && n <= 100) {
                f->replicas = n;
                return;
            }
        }
        /* "replicas: 3", "replica count of 3", "replication factor 3" */
        if (strcmp (w, "replicas") == 0 || strcmp (w, "replica") == 0
            || strcmp (w, "replication") == 0) {
            int j = i + 1;
            while (j < t->n && j <= i + 3
                   && (qs_intent_word_in (t->tok[j], (const char *const[]) { "count", "factor", "of", "to",
                                                               "set", "be", "is", "=", NULL })))
                j++;
            if (j < t->n && isdigit ((unsigned char) t->tok[j][0]) && !strpbrk (t->tok[j], ".-")
                && !(j + 1 < t->n && s_unit_mb (t->tok[j + 1]))) {
                n = atol (t->tok[j]);
                if (n > 0 && n <= 100) {
                    f->replicas = n;
                    return;
                }
            }
        }
    }
}

static int
s_add_config (json_object *config, const s_found_t *f)
{
    if ((f->type && qs_json_add_str (config, "service_type", f->type))
        || (f->name[0] && qs_json_add_str (config, "name", f->name))
        || (f->tier && qs_json_add_str (config, "tier", f->tier))
        || (f->version[0] && qs_json_add_str (config, "version", f->version))
        || (f->region[0] && qs_json_add_str (config, "region", f->region))
        || (f->replicas > 0 && qs_json_add_int (config, "replicas", f->replicas))
        || (f->ha >= 0 && qs_json_add_bool (config, "high_availability", f->ha))
        || (f->backup >= 0 && qs_json_add_bool (config, "backup_enabled", f->backup))
        || (f->env && qs_json_add_str (config, "environment", f->env)))
        return -1;
    return 0;
}

/*  The dialogue's pending plan's action type, or "". Lent. */
static const char *
s_pending (json_object *dialogue)
{
    json_object *pending = qs_json_get (dialogue, "pending", json_type_object);
    return qs_json_str (pending, "action_type", "");
}

/*  The operation of a manage request, or NULL. Settings alone count when
    they aim at a running service: a resolved reference or a pending
    update plan; while a new service is planned, only when the message
    names an existing service. */
static json_object *
s_operation (const qs_intent_tokens_t *t, const s_found_t *f, json_object *ref,
             json_object *dialogue)
{
    const char *pending = s_pending (dialogue);
    int resolved = qs_json_bool (ref, "resolved", 0);
    int running = strcmp (pending, "update_service") == 0 || resolved;
    if (strcmp (pending, "provision_service") == 0)
        running = resolved && strcmp (qs_json_str (ref, "match", ""), "pronoun") ? 1 : -1;
    qs_intent_op_fields_t fields = { f->tier, f->replicas, f->ha, f->backup };
    qs_intent_op_t op;
    qs_intent_find_operation (t, &fields, running, &op);
    return qs_intent_op_json (&op);
}

json_object *
qs_intent_extract (const char *message, json_object *pricing, json_object *context)
{
    qs_intent_extract_in_t in = { pricing, context, NULL, NULL };
    json_object *reply = qs_intent_extract_with (message, &in);
    /* the old reply: no operation key */
    if (reply)
        json_object_object_del (reply, "operation");
    return reply;
}

json_object *
qs_intent_extract_with (const char *message, const qs_intent_extract_in_t *in)
{
    json_object *pricing = in->pricing, *dialogue = in->dialogue;
    json_object *subject = qs_json_get (dialogue, "subject", json_type_array);
    json_object *known = qs_intent_scope_known (in->context, in->services, subject);
    qs_intent_tokens_t *t = malloc (sizeof *t);
    json_object *reply = json_object_new_object ();
    json_object *config = json_object_new_object ();
    json_object *missing = json_object_new_array ();
    json_object *ref = NULL, *operation = NULL;
    s_found_t f;
    memset (&f, 0, sizeof f);
    f.name_tok = -1;
    f.ha = f.backup = -1;
    if (!t || !reply || !config || !missing || !known)
        goto fail;
    if (!message)
        message = "";
    qs_intent_tokenize (message, t);
    f.type = qs_intent_lex_first_type (t, NULL);
    s_find_name (message, t, known, &f);
    s_find_tier (t, &f);
    s_find_memory (t, &f);
    if (!f.tier && f.memory_mb > 0)
        f.tier = qs_intent_tier_for_memory (pricing, f.memory_mb);
    s_find_version (t, &f);
    s_find_replicas (t, &f);
    if (f.replicas == 0)
        f.replicas = qs_intent_op_scale_to (t);
    qs_intent_find_region (t, f.region, sizeof f.region);
    f.env = qs_intent_find_env (t);
    qs_intent_find_flags (t, &f.ha, &f.backup);
    if (s_add_config (config, &f))
        goto fail;
    const char *required[] = { "service_type", "name", "tier" };
    for (size_t k = 0; k < 3; k++)
        if (!json_object_object_get_ex (config, required[k], NULL)) {
            json_object *s = json_object_new_string (required[k]);
            if (!s || json_object_array_add (missing, s)) {
                json_object_put (s);
                goto fail;
            }
        }
    qs_intent_scope_t scope = { message, known, subject,
                                qs_json_get (dialogue, "last_list", json_type_object),
                                in->services != NULL || dialogue != NULL };
    ref = qs_intent_resolve (t, &scope, f.name_tok);
    /* while a new service is planned, "make it large" is about the plan */
    if (ref && strcmp (s_pending (dialogue), "provision_service") == 0
        && strcmp (qs_json_str (ref, "match", ""), "pronoun") == 0) {
        json_object_put (ref);
        ref = NULL;
    }
    operation = s_operation (t, &f, ref, dialogue);
    if (json_object_object_add (reply, "config", config))
        goto fail;
    config = NULL;
    if (json_object_object_add (reply, "missing", missing))
        goto fail;
    missing = NULL;
    if (json_object_object_add (reply, "service_ref", ref))
        goto fail;
    ref = NULL;
    if (json_object_object_add (reply, "operation", operation))
        goto fail;
    operation = NULL;
    if (qs_json_add_str (reply, "confirmation", qs_intent_confirmation (t))
        || (f.memory_mb > 0 && qs_json_add_int (reply, "memory_mb", f.memory_mb))
        || qs_json_add_str (reply, "engine", "local"))
        goto fail;
    free (t);
    json_object_put (known);
    return reply;
fail:
    free (t);
    json_object_put (known);
    json_object_put (ref);
    json_object_put (operation);
    json_object_put (config);
    json_object_put (missing);
    json_object_put (reply);
    return NULL;
}
