/*  qs_dialogue - see qs_dialogue.h */
#include "qs_dialogue.h"
#include "qs_json.h"
#include "qs_util.h"
#include <string.h>

void
qs_dialogue_init (qs_dialogue_t *d)
{
    memset (d, 0, sizeof *d);
    qs_config_init (&d->pending.given);
    qs_config_init (&d->pending.config);
    qs_config_init (&d->clarify.given);
    qs_dialogue_op_read (&d->clarify.op, NULL);
    qs_config_init (&d->last_change.fields);
    qs_dialogue_op_read (&d->last_change.op, NULL);
    qs_config_init (&d->last_done.before);
    qs_config_init (&d->last_plan);
}

static void
s_copy (char *out, size_t size, json_object *obj, const char *key)
{
    qs_strlcpy (out, qs_json_str (obj, key, ""), size);
}

static void
s_service_read (qs_dlg_service_t *s, json_object *obj)
{
    s_copy (s->id, sizeof s->id, obj, "id");
    s_copy (s->name, sizeof s->name, obj, "name");
    s_copy (s->service_type, sizeof s->service_type, obj, "service_type");
}

static json_object *
s_service_json (const qs_dlg_service_t *s)
{
    json_object *o = json_object_new_object ();
    qs_json_add_str (o, "id", s->id);
    qs_json_add_str (o, "name", s->name);
    qs_json_add_str (o, "service_type", s->service_type);
    return o;
}

static json_object *
s_services_json (const qs_dlg_service_t *list, int n)
{
    json_object *arr = json_object_new_array ();
    for (int i = 0; i < n; i++)
        json_object_array_add (arr, s_service_json (&list[i]));
    return arr;
}

static void
s_config_field (qs_config_t *c, json_object *obj, const char *key)
{
    qs_config_init (c);
    qs_config_read (c, qs_json_get (obj, key, json_type_object));
}

void
qs_dialogue_from_json (qs_dialogue_t *d, json_object *obj)
{
    qs_dialogue_init (d);
    json_object *subject = qs_json_get (obj, "subject", json_type_array);
    for (size_t i = 0; subject && i < json_object_array_length (subject) && d->nsubject < QS_DLG_SUBJECTS; i++)
        s_service_read (&d->subject[d->nsubject++], json_object_array_get_idx (subject, i));
    json_object *p = qs_json_get (obj, "pending", json_type_object);
    if (p) {
        s_copy (d->pending.action_id, sizeof d->pending.action_id, p, "action_id");
        s_copy (d->pending.action_type, sizeof d->pending.action_type, p, "action_type");
        s_copy (d->pending.service_id, sizeof d->pending.service_id, p, "service_id");
        s_copy (d->pending.service_name, sizeof d->pending.service_name, p, "service_name");
        s_config_field (&d->pending.given, p, "given");
        s_config_field (&d->pending.config, p, "config");
    }
    s_copy (d->last_kind, sizeof d->last_kind, obj, "last_kind");
    json_object *list = qs_json_get (obj, "last_list", json_type_object);
    s_copy (d->list_kind, sizeof d->list_kind, list, "kind");
    json_object *items = qs_json_get (list, "items", json_type_array);
    for (size_t i = 0; items && i < json_object_array_length (items) && d->nlist < QS_DLG_LIST; i++) {
        json_object *it = json_object_array_get_idx (items, i);
        qs_dlg_item_t *x = &d->list[d->nlist++];
        s_copy (x->id, sizeof x->id, it, "id");
        s_copy (x->name, sizeof x->name, it, "name");
        s_copy (x->service_id, sizeof x->service_id, it, "service_id");
        s_copy (x->service_name, sizeof x->service_name, it, "service_name");
        s_copy (x->service_type, sizeof x->service_type, it, "service_type");
        s_copy (x->type, sizeof x->type, it, "type");
    }
    s_copy (d->clarify.asked, sizeof d->clarify.asked, obj, "asked");
    json_object *c = qs_json_get (obj, "clarify", json_type_object);
    s_copy (d->clarify.intent, sizeof d->clarify.intent, c, "intent");
    s_config_field (&d->clarify.given, c, "given");
    qs_dialogue_op_read (&d->clarify.op, qs_json_get (c, "operation", json_type_object));
    json_object *cands = qs_json_get (c, "candidates", json_type_array);
    for (size_t i = 0; cands && i < json_object_array_length (cands) && d->clarify.ncandidates < QS_DLG_CANDIDATES; i++)
        s_service_read (&d->clarify.candidates[d->clarify.ncandidates++], json_object_array_get_idx (cands, i));
    json_object *lc = qs_json_get (obj, "last_change", json_type_object);
    qs_dialogue_op_read (&d->last_change.op, qs_json_get (lc, "operation", json_type_object));
    s_config_field (&d->last_change.fields, lc, "fields");
    json_object *done = qs_json_get (obj, "last_done", json_type_object);
    s_copy (d->last_done.service_id, sizeof d->last_done.service_id, done, "service_id");
    s_copy (d->last_done.service_name, sizeof d->last_done.service_name, done, "service_name");
    s_config_field (&d->last_done.before, done, "before");
    s_config_field (&d->last_plan, obj, "last_plan");
    s_copy (d->refusal, sizeof d->refusal, obj, "refusal");
}

static json_object *
s_list_json (const qs_dialogue_t *d)
{
    if (!d->nlist)
        return NULL;
    json_object *list = json_object_new_object (), *items = json_object_new_array ();
    qs_json_add_str (list, "kind", d->list_kind);
    for (int i = 0; i < d->nlist; i++) {
        const qs_dlg_item_t *x = &d->list[i];
        json_object *it = json_object_new_object ();
        const char *keys[] = {"id", "name", "service_id", "service_name", "service_type", "type"};
        const char *vals[] = {x->id, x->name, x->service_id, x->service_name, x->service_type, x->type};
        for (int k = 0; k < 6; k++)
            if (*vals[k])
                qs_json_add_str (it, keys[k], vals[k]);
        json_object_array_add (items, it);
    }
    json_object_object_add (list, "items", items);
    return list;
}

static void
s_add_opt_str (json_object *o, const char *key, const char *value)
{
    if (value && *value)
        qs_json_add_str (o, key, value);
    else
        json_object_object_add (o, key, NULL);
}

json_object *
qs_dialogue_summary (const qs_dialogue_t *d)
{
    json_object *o = json_object_new_object ();
    json_object_object_add (o, "subject", s_services_json (d->subject, d->nsubject));
    if (*d->pending.action_id) {
        json_object *p = json_object_new_object ();
        qs_json_add_str (p, "action_type", d->pending.action_type);
        json_object_object_add (p, "config", qs_config_to_json (&d->pending.config, false));
        if (*d->pending.service_id)
            qs_json_add_str (p, "service_id", d->pending.service_id);
        json_object_object_add (o, "pending", p);
    }
    else
        json_object_object_add (o, "pending", NULL);
    s_add_opt_str (o, "asked", d->clarify.asked);
    s_add_opt_str (o, "last_kind", d->last_kind);
    json_object_object_add (o, "last_list", s_list_json (d));
    return o;
}

json_object *
qs_dialogue_to_json (const qs_dialogue_t *d)
{
    json_object *o = qs_dialogue_summary (d);
    json_object *p = qs_json_get (o, "pending", json_type_object);
    if (p) {
        qs_json_add_str (p, "action_id", d->pending.action_id);
        if (*d->pending.service_name)
            qs_json_add_str (p, "service_name", d->pending.service_name);
        json_object_object_add (p, "given", qs_config_to_json (&d->pending.given, true));
    }
    if (*d->clarify.asked) {
        json_object *c = json_object_new_object ();
        qs_json_add_str (c, "intent", d->clarify.intent);
        json_object_object_add (c, "given", qs_config_to_json (&d->clarify.given, true));
        if (*d->clarify.op.op)
            json_object_object_add (c, "operation", qs_dialogue_op_json (&d->clarify.op));
        json_object_object_add (c, "candidates", s_services_json (d->clarify.candidates, d->clarify.ncandidates));
        json_object_object_add (o, "clarify", c);
    }
    if (*d->last_change.op.op || qs_config_any (&d->last_change.fields)) {
        json_object *lc = json_object_new_object ();
        if (*d->last_change.op.op)
            json_object_object_add (lc, "operation", qs_dialogue_op_json (&d->last_change.op));
        json_object_object_add (lc, "fields", qs_config_to_json (&d->last_change.fields, true));
        json_object_object_add (o, "last_change", lc);
    }
    if (*d->last_done.service_id) {
        json_object *done = json_object_new_object ();
        qs_json_add_str (done, "service_id", d->last_done.service_id);
        qs_json_add_str (done, "service_name", d->last_done.service_name);
        json_object_object_add (done, "before", qs_config_to_json (&d->last_done.before, true));
        json_object_object_add (o, "last_done", done);
    }
    if (qs_config_any (&d->last_plan))
        json_object_object_add (o, "last_plan", qs_config_to_json (&d->last_plan, true));
    if (*d->refusal)
        qs_json_add_str (o, "refusal", d->refusal);
    return o;
}

void
qs_dialogue_op_read (qs_dlg_op_t *op, json_object *obj)
{
    memset (op, 0, sizeof *op);
    op->enabled = -1;
    s_copy (op->op, sizeof op->op, obj, "op");
    op->replicas = (int) qs_json_int (obj, "replicas", 0);
    op->delta = (int) qs_json_int (obj, "delta", 0);
    s_copy (op->tier, sizeof op->tier, obj, "tier");
    const char *dir = qs_json_str (obj, "direction", "");
    op->direction = !strcmp (dir, "up") ? 1 : !strcmp (dir, "down") ? -1 : 0;
    json_object *en = qs_json_get (obj, "enabled", json_type_boolean);
    if (en)
        op->enabled = json_object_get_boolean (en);
}

json_object *
qs_dialogue_op_json (const qs_dlg_op_t *op)
{
    if (!*op->op)
        return NULL;
    json_object *o = json_object_new_object ();
    qs_json_add_str (o, "op", op->op);
    if (op->replicas)
        qs_json_add_int (o, "replicas", op->replicas);
    if (op->delta)
        qs_json_add_int (o, "delta", op->delta);
    if (*op->tier)
        qs_json_add_str (o, "tier", op->tier);
    if (op->direction)
        qs_json_add_str (o, "direction", op->direction > 0 ? "up" : "down");
    if (op->enabled >= 0)
        qs_json_add_bool (o, "enabled", op->enabled);
    return o;
}

void
qs_dialogue_subject_push (qs_dialogue_t *d, json_object *service)
{
    qs_dlg_service_t s;
    memset (&s, 0, sizeof s);
    s_service_read (&s, service);
    if (!*s.id && !*s.name)
        return;
    for (int i = 0; i < d->nsubject; i++) {
        if ((*s.id && !strcmp (d->subject[i].id, s.id)) || (!*s.id && !strcmp (d->subject[i].name, s.name))) {
            memmove (&d->subject[i], &d->subject[i + 1], (size_t) (d->nsubject - i - 1) * sizeof s);
            d->nsubject--;
            break;
        }
    }
    if (d->nsubject == QS_DLG_SUBJECTS) {
        memmove (&d->subject[0], &d->subject[1], (size_t) (QS_DLG_SUBJECTS - 1) * sizeof s);
        d->nsubject--;
    }
    d->subject[d->nsubject++] = s;
}

void
qs_dialogue_subject_set (qs_dialogue_t *d, json_object *services)
{
    d->nsubject = 0;
    size_t n = services ? json_object_array_length (services) : 0;
    for (size_t i = n > QS_DLG_SUBJECTS ? n - QS_DLG_SUBJECTS : 0; i < n; i++)
        qs_dialogue_subject_push (d, json_object_array_get_idx (services, i));
}

const qs_dlg_service_t *
qs_dialogue_subject (const qs_dialogue_t *d)
{
    return d->nsubject ? &d->subject[d->nsubject - 1] : NULL;
}

void
qs_dialogue_list_set (qs_dialogue_t *d, const char *kind, json_object *items)
{
    qs_strlcpy (d->list_kind, kind, sizeof d->list_kind);
    d->nlist = 0;
    bool recs = !strcmp (kind, "recommendations");
    for (size_t i = 0; items && i < json_object_array_length (items) && d->nlist < QS_DLG_LIST; i++) {
        json_object *it = json_object_array_get_idx (items, i);
        qs_dlg_item_t *x = &d->list[d->nlist++];
        memset (x, 0, sizeof *x);
        s_copy (x->id, sizeof x->id, it, "id");
        if (recs) {
            s_copy (x->service_id, sizeof x->service_id, it, "service_id");
            s_copy (x->service_name, sizeof x->service_name, it, "service_name");
            s_copy (x->type, sizeof x->type, it, "type");
        }
        else {
            s_copy (x->name, sizeof x->name, it, "name");
            s_copy (x->service_type, sizeof x->service_type, it, "service_type");
        }
    }
}

void
qs_dialogue_pending_clear (qs_dialogue_t *d)
{
    memset (&d->pending, 0, sizeof d->pending);
    qs_config_init (&d->pending.given);
    qs_config_init (&d->pending.config);
}

void
qs_dialogue_clarify_clear (qs_dialogue_t *d)
{
    memset (&d->clarify, 0, sizeof d->clarify);
    qs_config_init (&d->clarify.given);
    qs_dialogue_op_read (&d->clarify.op, NULL);
}

int
qs_dialogue_load (qs_store_t *store, const char *org_id, const char *user_id, const char *conv_id,
                  qs_dialogue_t *d, int64_t *version_p, qs_err_t *err)
{
    json_object *state = NULL;
    qs_dialogue_init (d);
    *version_p = 0;
    if (qs_store_dialogue_get (store, org_id, user_id, conv_id, &state, version_p, err) != 0)
        return -1;
    qs_dialogue_from_json (d, state);
    json_object_put (state);
    return 0;
}

void
qs_dialogue_sync_pending (qs_store_t *store, const char *org_id, const char *user_id,
                          const char *conv_id, qs_dialogue_t *d)
{
    qs_err_t err = {0};
    if (*d->pending.action_id) {
        json_object *a = qs_store_action_get (store, org_id, user_id, d->pending.action_id, &err);
        if (!a || strcmp (qs_json_str (a, "status", ""), "pending_confirmation"))
            qs_dialogue_pending_clear (d);
        json_object_put (a);
        return;
    }
    json_object *list = qs_store_action_pending (store, org_id, user_id, conv_id, &err);
    size_t n = list ? json_object_array_length (list) : 0;
    if (n) {
        json_object *a = json_object_array_get_idx (list, n - 1);
        json_object *config = qs_json_get (a, "config", json_type_object);
        qs_dlg_pending_t *p = &d->pending;
        s_copy (p->action_id, sizeof p->action_id, a, "id");
        s_copy (p->action_type, sizeof p->action_type, a, "type");
        s_copy (p->service_id, sizeof p->service_id, config, "service_id");
        if (!strcmp (p->action_type, "provision_service")) {
            qs_config_read (&p->config, config);
            p->given = p->config;
        }
        else if (!strcmp (p->action_type, "update_service"))
            qs_config_read (&p->config, qs_json_path (config, "change.after"));
        else if (!strcmp (p->action_type, "delete_service"))
            s_copy (p->service_name, sizeof p->service_name, config, "name");
    }
    json_object_put (list);
}
