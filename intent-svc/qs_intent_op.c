/*  qs_intent_op - see qs_intent_op.h */
#include "qs_intent_op.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "qs_intent_lexicon.h"
#include "qs_intent_wire.h"
#include "qs_json.h"

typedef struct {
    const char *phrase;
    qs_intent_op_kind_t kind;
    int direction;
} s_verb_t;

/*  Longer phrases first within a kind; QS_INTENT_OP_HA stands for "a
    setting changes" (the fields say which). */
static const s_verb_t s_verbs[] = {
    { "delete", QS_INTENT_OP_DELETE, 0 }, { "remove", QS_INTENT_OP_DELETE, 0 },
    { "destroy", QS_INTENT_OP_DELETE, 0 }, { "tear down", QS_INTENT_OP_DELETE, 0 },
    { "teardown", QS_INTENT_OP_DELETE, 0 }, { "decommission", QS_INTENT_OP_DELETE, 0 },
    { "get rid of", QS_INTENT_OP_DELETE, 0 }, { "uninstall", QS_INTENT_OP_DELETE, 0 },
    { "kill", QS_INTENT_OP_DELETE, 0 }, { "drop the", QS_INTENT_OP_DELETE, 0 },
    { "nuke", QS_INTENT_OP_DELETE, 0 }, { "wipe out", QS_INTENT_OP_DELETE, 0 },
    { "restart", QS_INTENT_OP_RESTART, 0 }, { "reboot", QS_INTENT_OP_RESTART, 0 },
    { "bounce", QS_INTENT_OP_RESTART, 0 },
    { "scale up", QS_INTENT_OP_SCALE, 1 }, { "scale out", QS_INTENT_OP_SCALE, 1 },
    { "scale down", QS_INTENT_OP_SCALE, -1 }, { "scale in", QS_INTENT_OP_SCALE, -1 },
    { "scale", QS_INTENT_OP_SCALE, 0 },
    { "upgrade", QS_INTENT_OP_TIER, 1 }, { "upsize", QS_INTENT_OP_TIER, 1 },
    { "downgrade", QS_INTENT_OP_TIER, -1 }, { "downsize", QS_INTENT_OP_TIER, -1 },
    { "shrink", QS_INTENT_OP_TIER, -1 }, { "resize", QS_INTENT_OP_TIER, 0 },
    { "turn off", QS_INTENT_OP_HA, 0 }, { "turn on", QS_INTENT_OP_HA, 0 },
    { "switch off", QS_INTENT_OP_HA, 0 }, { "switch on", QS_INTENT_OP_HA, 0 },
    { "disable", QS_INTENT_OP_HA, 0 }, { "enable", QS_INTENT_OP_HA, 0 },
    { "bump", QS_INTENT_OP_HA, 0 }, { "set replicas", QS_INTENT_OP_HA, 0 },
    { "change the tier", QS_INTENT_OP_HA, 0 }, { "move it", QS_INTENT_OP_HA, 0 },
    { "apply", QS_INTENT_OP_APPLY, 0 }, { "make", QS_INTENT_OP_HA, 0 },
    { "add", QS_INTENT_OP_HA, 0 },
};

/*  Words after which a verb is still an order ("please restart it"). */
static const char *const s_lead_ins[] = { "please", "pls", "plz", "you", "to", "and", "lets",
                                          "then", "now", "just", "also", "so", NULL };

/*  Token i + 1 looks like a service's name ("hot-cache", "cache2"). */
static int
s_named_next (const qs_intent_tokens_t *t, int i)
{
    const char *w = i + 1 < t->n ? t->tok[i + 1] : "";
    return isalpha ((unsigned char) w[0]) && strpbrk (w, "-0123456789")
           && !qs_intent_lex_type_at (t, i + 1, NULL, NULL) && !qs_intent_lex_tier_at (t, i + 1, NULL);
}

/*  The first order verb of t (index into s_verbs), or -1; *at its token. */
static int
s_order_verb (const qs_intent_tokens_t *t, int *at)
{
    for (size_t k = 0; k < sizeof s_verbs / sizeof s_verbs[0]; k++)
        for (int i = qs_intent_find_phrase (t, 0, s_verbs[k].phrase); i >= 0;
             i = qs_intent_find_phrase (t, i + 1, s_verbs[k].phrase))
            /* "pods restart every minute" is a symptom, not an order */
            if (i == 0 || t->brk[i] || qs_intent_word_in (t->tok[i - 1], s_lead_ins)) {
                /* "make" orders only with a service's name after it ("make
                   hot-cache xlarge"); "make it large" may edit a plan */
                if (strcmp (s_verbs[k].phrase, "make") == 0 && !s_named_next (t, i))
                    continue;
                if (at)
                    *at = i;
                return (int) k;
            }
    return -1;
}

/*  The kind of order verb k at token at: "drop the backups", "remove
    the HA" remove a setting, not the service. */
static qs_intent_op_kind_t
s_kind (const qs_intent_tokens_t *t, int k, int at)
{
    static const char *const settings[] = { "backup", "backups", "snapshots", "snapshot", "ha",
                                            "high", "failover", "replica", "replicas", NULL };
    if (k < 0)
        return QS_INTENT_OP_NONE;
    if (s_verbs[k].kind == QS_INTENT_OP_DELETE)
        for (int i = at + 1; i < t->n && i <= at + 4 && !t->brk[i]; i++)
            if (qs_intent_word_in (t->tok[i], settings))
                return QS_INTENT_OP_HA;
    return s_verbs[k].kind;
}

qs_intent_op_kind_t
qs_intent_op_verb (const qs_intent_tokens_t *t)
{
    int at = -1;
    int k = s_order_verb (t, &at);
    return s_kind (t, k, at);
}

/*  A count: "3", "three", "a", "another". -1 when not one. */
static long
s_count (const char *w)
{
    if (isdigit ((unsigned char) w[0])) {
        for (const char *p = w; *p; p++)
            if (!isdigit ((unsigned char) *p))
                return -1;
        return strlen (w) <= 3 ? atol (w) : -1;
    }
    return strcmp (w, "another") == 0 ? 1 : qs_intent_lex_number (w);
}

/*  "two more replicas" (+2), "one fewer replica", "remove a replica" (-1):
    a relative change of the replica count, or 0. */
static long
s_delta (const qs_intent_tokens_t *t)
{
    static const char *const counted[] = { "replica", "replicas", "node", "nodes", "broker",
                                           "brokers", "pods", "instances", NULL };
    static const char *const less[] = { "remove", "drop", "fewer", "less", "minus", NULL };
    for (int i = 0; i < t->n; i++) {
        if (!qs_intent_word_in (t->tok[i], counted))
            continue;
        int j = i - 1;
        int more = 0, fewer = 0;
        if (j >= 0 && qs_intent_word_in (t->tok[j], (const char *const[]) {
                "more", "extra", "additional", NULL })) {
            more = 1;
            j--;
        }
        else if (j >= 0 && qs_intent_word_in (t->tok[j], less)) {
            fewer = 1;
            j--;
        }
        long n = j >= 0 ? s_count (t->tok[j]) : -1;
        if (n > 0 && j > 0 && qs_intent_word_in (t->tok[j - 1], (const char *const[]) {
                "add", "remove", "drop", NULL })) {
            fewer = fewer || strcmp (t->tok[j - 1], "add") != 0;
            more = !fewer;
        }
        if (n > 0 && (more || fewer))
            return fewer ? -n : n;
    }
    return 0;
}

long
qs_intent_op_scale_to (const qs_intent_tokens_t *t)
{
    int at = -1;
    int k = s_order_verb (t, &at);
    if (k < 0 || s_verbs[k].kind != QS_INTENT_OP_SCALE)
        return 0;
    for (int i = at + 1; i + 1 < t->n; i++)
        if (strcmp (t->tok[i], "to") == 0) {
            long n = s_count (t->tok[i + 1]);
            return n > 0 && strcmp (t->tok[i + 1], "a") ? n : 0;
        }
    return 0;
}

/*  "bigger", "up a tier" (1); "smaller", "down a tier" (-1); else 0. */
static int
s_size_direction (const qs_intent_tokens_t *t)
{
    static const char *const up[] = { "bigger", "larger", "more memory", "up a tier",
                                      "next tier", "more power", "beefier", NULL };
    static const char *const down[] = { "smaller", "down a tier", "less memory",
                                        "lower tier", "cheaper tier", NULL };
    for (int k = 0; up[k]; k++)
        if (qs_intent_find_phrase (t, 0, up[k]) >= 0)
            return 1;
    for (int k = 0; down[k]; k++)
        if (qs_intent_find_phrase (t, 0, down[k]) >= 0)
            return -1;
    return 0;
}

int
qs_intent_op_asks_new (const qs_intent_tokens_t *t)
{
    return qs_intent_lex_has_create_verb (t) && s_delta (t) == 0;
}

void
qs_intent_find_operation (const qs_intent_tokens_t *t, const qs_intent_op_fields_t *f,
                          int running, qs_intent_op_t *op)
{
    memset (op, 0, sizeof *op);
    if (qs_intent_op_asks_new (t))
        return;
    int at = -1;
    int k = s_order_verb (t, &at);
    qs_intent_op_kind_t verb = s_kind (t, k, at);
    int direction = k < 0 ? 0 : s_verbs[k].direction;
    if (verb == QS_INTENT_OP_DELETE || verb == QS_INTENT_OP_RESTART
        || verb == QS_INTENT_OP_APPLY) {
        op->kind = verb;
        return;
    }
    /* settings alone need a running target; any change waits while a new
       service is planned ("make it medium and drop the backups") */
    if ((verb == QS_INTENT_OP_NONE && running < 1) || running < 0)
        return;
    long delta = s_delta (t);
    if (delta || f->replicas > 0) {
        op->kind = QS_INTENT_OP_SCALE;
        op->delta = delta;
        op->replicas = delta ? 0 : f->replicas;
        op->direction = delta > 0 ? 1 : delta < 0 ? -1 : direction;
        return;
    }
    if (f->tier) {
        op->kind = QS_INTENT_OP_TIER;
        op->tier = f->tier;
        op->direction = direction;
        return;
    }
    if (f->ha >= 0 || f->backup >= 0) {
        op->kind = f->ha >= 0 ? QS_INTENT_OP_HA : QS_INTENT_OP_BACKUPS;
        op->enabled = f->ha >= 0 ? f->ha : f->backup;
        return;
    }
    int size = s_size_direction (t);
    if (verb == QS_INTENT_OP_TIER || size) {
        op->kind = QS_INTENT_OP_TIER;
        op->direction = direction ? direction : size;
        return;
    }
    if (verb == QS_INTENT_OP_SCALE && direction) {
        op->kind = QS_INTENT_OP_SCALE;
        op->direction = direction;
    }
}

json_object *
qs_intent_op_json (const qs_intent_op_t *op)
{
    if (op->kind == QS_INTENT_OP_NONE || op->kind == QS_INTENT_OP_APPLY)
        return NULL;
    json_object *o = json_object_new_object ();
    if (!o || qs_json_add_str (o, "op", qs_intent_wire_ops[op->kind - QS_INTENT_OP_SCALE])
        || (op->replicas > 0 && qs_json_add_int (o, "replicas", op->replicas))
        || (op->delta && qs_json_add_int (o, "delta", op->delta))
        || (op->tier && qs_json_add_str (o, "tier", op->tier))
        || (op->direction && qs_json_add_str (o, "direction", op->direction > 0 ? "up" : "down"))
        || ((op->kind == QS_INTENT_OP_HA || op->kind == QS_INTENT_OP_BACKUPS)
            && qs_json_add_bool (o, "enabled", op->enabled))) {
        json_object_put (o);
        return NULL;
    }
    return o;
}

/*  An optional member: absent or null is 1 (unset), the right type 0,
    anything else -1. */
static int
s_member (json_object *obj, const char *key, json_type type, json_object **out)
{
    *out = NULL;
    if (!json_object_object_get_ex (obj, key, out) || json_object_is_type (*out, json_type_null))
        return 1;
    return json_object_is_type (*out, type) ? 0 : -1;
}

int
qs_intent_op_from_json (json_object *o, qs_intent_op_t *op)
{
    json_object *v;
    memset (op, 0, sizeof *op);
    if (!o || json_object_is_type (o, json_type_null))
        return 0;
    if (!json_object_is_type (o, json_type_object) || s_member (o, "op", json_type_string, &v))
        return -1;
    int kind = qs_intent_wire_find (qs_intent_wire_ops, json_object_get_string (v));
    if (kind < 0)
        return -1;
    op->kind = (qs_intent_op_kind_t) (kind + QS_INTENT_OP_SCALE);
    int rc = s_member (o, "replicas", json_type_int, &v);
    if (rc < 0 || (rc == 0 && (json_object_get_int64 (v) < 1 || json_object_get_int64 (v) > 100)))
        return -1;
    op->replicas = rc == 0 ? (long) json_object_get_int64 (v) : 0;
    rc = s_member (o, "delta", json_type_int, &v);
    if (rc < 0 || (rc == 0 && labs ((long) json_object_get_int64 (v)) > 100))
        return -1;
    op->delta = rc == 0 ? (long) json_object_get_int64 (v) : 0;
    rc = s_member (o, "tier", json_type_string, &v);
    int tier = rc == 0 ? qs_intent_wire_find (qs_intent_wire_tiers, json_object_get_string (v)) : -1;
    if (rc < 0 || (rc == 0 && tier < 0))
        return -1;
    op->tier = tier >= 0 ? qs_intent_wire_tiers[tier] : NULL;
    rc = s_member (o, "direction", json_type_string, &v);
    if (rc < 0 || (rc == 0 && strcmp (json_object_get_string (v), "up")
                   && strcmp (json_object_get_string (v), "down")))
        return -1;
    op->direction = rc ? 0 : strcmp (json_object_get_string (v), "up") == 0 ? 1 : -1;
    rc = s_member (o, "enabled", json_type_boolean, &v);
    int toggles = op->kind == QS_INTENT_OP_HA || op->kind == QS_INTENT_OP_BACKUPS;
    if (rc < 0 || (toggles && rc))
        return -1;
    op->enabled = rc == 0 && json_object_get_boolean (v);
    /* each operation carries what it needs */
    if ((op->kind == QS_INTENT_OP_SCALE && !op->replicas && !op->delta && !op->direction)
        || (op->kind == QS_INTENT_OP_TIER && !op->tier && !op->direction))
        return -1;
    return 0;
}
