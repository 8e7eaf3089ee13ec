/*  qs_intent_llm - see qs_intent_llm.h. Prompt templates, their rendering
    and the cleaning of outside text are qs_intent_prompt.c. */
#include "qs_intent_llm.h"
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_env.h"
#include "qs_intent_op.h"
#include "qs_intent_prompt.h"
#include "qs_intent_ref.h"
#include "qs_intent_resolve.h"
#include "qs_intent_wire.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_util.h"

#ifndef QS_INTENT_PROMPT_DIR
#define QS_INTENT_PROMPT_DIR "intent-svc/prompts"
#endif

#define S_MAX_MESSAGE 32768         /* bytes: 8000 code points of UTF-8 */
#define S_MAX_SERVICES 50

struct _qs_intent_llm_t {
    qs_llm_t *llm;
    qs_intent_prompt_t *classify;
    qs_intent_prompt_t *extract;
    int timeout_ms;
    char effort[16];
};

static const char *s_intents[] = {"provision_service", "get_service_info", "troubleshoot",
                                  "optimize_costs", "get_connection_info", "general_question",
                                  "manage_service", NULL};
static const char *s_types[] = {"redis", "rabbitmq", "postgresql", "mongodb", "mysql", "kafka",
                                "elasticsearch", NULL};
#define s_tiers ((const char **) qs_intent_wire_tiers)
static const char *s_envs[] = {"production", "staging", "development", NULL};
static const char *s_fields[] = {"service_type", "name", "tier", "version", "region",
                                 "replicas", "high_availability", "backup_enabled",
                                 "environment", NULL};

static int
s_in (const char *value, const char **set)
{
    for (int i = 0; value && set[i]; i++)
        if (strcmp (value, set[i]) == 0)
            return 1;
    return 0;
}

qs_intent_llm_t *
qs_intent_llm_new (const char *prompt_dir)
{
    if (!qs_env_str ("QS_LLM_BASE_URL", NULL))
        return NULL;
    const char *dir = prompt_dir ? prompt_dir : qs_env_str ("QS_PROMPT_DIR", QS_INTENT_PROMPT_DIR);
    qs_intent_llm_t *self = (qs_intent_llm_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    long timeout = 8000;
    qs_env_int ("QS_LLM_TIMEOUT_MS", 8000, 100, 600000, &timeout);
    self->timeout_ms = (int) timeout;
    qs_strlcpy (self->effort, qs_env_str ("QS_LLM_REASONING_EFFORT", "low"),
                sizeof self->effort);
    if (getenv ("QS_LLM_REASONING_EFFORT") && !*getenv ("QS_LLM_REASONING_EFFORT"))
        self->effort[0] = '\0';
    if (!(self->classify = qs_intent_prompt_load (dir, "classify"))
        || !(self->extract = qs_intent_prompt_load (dir, "extract"))) {
        qs_error (NULL, "intent-llm: cannot load the prompt templates from %s", dir);
        qs_intent_llm_destroy (&self);
        return NULL;
    }
    self->llm = qs_llm_new_from_env (NULL);
    if (!self->llm) {
        qs_intent_llm_destroy (&self);
        return NULL;
    }
    qs_info (NULL, "intent-llm: on, model %s, prompts from %s", qs_llm_model (self->llm), dir);
    return self;
}

void
qs_intent_llm_destroy (qs_intent_llm_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_intent_llm_t *self = *self_p;
    qs_llm_destroy (&self->llm);
    qs_intent_prompt_destroy (&self->classify);
    qs_intent_prompt_destroy (&self->extract);
    free (self);
    *self_p = NULL;
}

int
qs_intent_llm_set_metrics (qs_intent_llm_t *self, qs_metrics_t *metrics)
{
    return qs_llm_set_metrics (self->llm, metrics);
}

/*  Ask the model. 0 with *answer (caller puts) or -1 with err. */
static int
s_ask (qs_intent_llm_t *self, const char *rid, qs_intent_prompt_t *prompt,
       const char *schema_name, const char **names, json_object **values, int n,
       json_object **answer, qs_err_t *err)
{
    int rc = -1;
    qs_llm_result_t res;
    memset (&res, 0, sizeof res);
    json_object *messages = json_object_new_array ();
    char *user = qs_intent_prompt_render (prompt, names, values, n);
    if (!messages || !user
        || qs_llm_messages_add (messages, "system", qs_intent_prompt_system (prompt))
        || qs_llm_messages_add (messages, "user", user)) {
        qs_err_set (err, 500, "internal", "out of memory");
        goto cleanup;
    }
    qs_llm_request_t req = {
        .messages = messages, .max_tokens = 1024, .temperature = 0,
        .reasoning_effort = self->effort[0] ? self->effort : NULL,
        .format = QS_LLM_JSON_SCHEMA, .schema = qs_intent_prompt_schema (prompt),
        .schema_name = schema_name,
        .deadline_ms = qs_mono_ms () + self->timeout_ms, .request_id = rid};
    if (qs_llm_chat (self->llm, &req, &res, err))
        goto cleanup;
    *answer = json_object_get (res.json);
    rc = 0;
cleanup:
    qs_llm_result_free (&res);
    json_object_put (messages);
    free (user);
    return rc;
}

/*  A confidence: a number in [0,1]. */
static int
s_confidence (json_object *obj, double *out)
{
    json_object *v;
    if (!json_object_object_get_ex (obj, "confidence", &v)
        || !(json_object_is_type (v, json_type_double) || json_object_is_type (v, json_type_int)))
        return -1;
    *out = json_object_get_double (v);
    return *out >= 0 && *out <= 1 ? 0 : -1;
}

/*  A copy of a string member of src into dst, cleaned for a prompt. */
static void
s_copy_str (json_object *dst, json_object *src, const char *key)
{
    const char *v = qs_json_str (src, key, NULL);
    if (!v)
        return;
    char *clean = qs_intent_prompt_clean (v, 200);
    qs_json_add_str (dst, key, clean ? clean : "");
    free (clean);
}

/*  Copies of the objects of list (lent) with only keys, cleaned. */
static json_object *
s_pick_list (json_object *list, const char *const *keys, size_t max)
{
    json_object *out = json_object_new_array ();
    size_t n = list && json_object_is_type (list, json_type_array)
             ? json_object_array_length (list) : 0;
    for (size_t i = 0; out && i < n && i < max; i++) {
        json_object *src = json_object_array_get_idx (list, i), *o = json_object_new_object ();
        for (int k = 0; o && keys[k]; k++)
            s_copy_str (o, src, keys[k]);
        json_object_array_add (out, o);
    }
    return out;
}

/*  The dialogue summary as the prompt shows it: only its documented
    keys, strings cleaned, lists capped; null without one. */
static json_object *
s_dialogue (json_object *dialogue)
{
    static const char *const service_keys[] = {"id", "name", "service_type", NULL};
    static const char *const item_keys[] = {"id", "name", "service_id", "service_name",
                                            "service_type", "type", NULL};
    if (!dialogue || !json_object_is_type (dialogue, json_type_object))
        return NULL;
    json_object *out = json_object_new_object ();
    json_object_object_add (out, "subject",
                            s_pick_list (qs_json_get (dialogue, "subject", json_type_array),
                                         service_keys, 10));
    json_object *pending = qs_json_get (dialogue, "pending", json_type_object);
    json_object *p = NULL;
    if (pending) {
        p = json_object_new_object ();
        s_copy_str (p, pending, "action_type");
        json_object *config = qs_json_get (pending, "config", json_type_object);
        json_object *c = json_object_new_object ();
        for (int k = 0; config && s_fields[k]; k++) {
            json_object *v;
            if (json_object_object_get_ex (config, s_fields[k], &v)
                && !json_object_is_type (v, json_type_string))
                json_object_object_add (c, s_fields[k], json_object_get (v));
            else
                s_copy_str (c, config, s_fields[k]);
        }
        json_object_object_add (p, "config", c);
    }
    json_object_object_add (out, "pending", p);
    s_copy_str (out, dialogue, "asked");
    s_copy_str (out, dialogue, "last_kind");
    json_object *list = qs_json_get (dialogue, "last_list", json_type_object);
    if (list) {
        json_object *l = json_object_new_object ();
        s_copy_str (l, list, "kind");
        json_object_object_add (l, "items",
                                s_pick_list (qs_json_get (list, "items", json_type_array),
                                             item_keys, 20));
        json_object_object_add (out, "last_list", l);
    }
    return out;
}

int
qs_intent_llm_classify (qs_intent_llm_t *self, const char *request_id, const char *message,
                        json_object *history, json_object *dialogue, json_object **result_p,
                        qs_err_t *err)
{
    assert (self && message && result_p);
    *result_p = NULL;
    int rc = -1;
    json_object *answer = NULL, *out = NULL;
    char *clean = qs_intent_prompt_clean (message, S_MAX_MESSAGE);
    const char *names[] = {"message", "history", "dialogue"};
    json_object *values[] = {json_object_new_string (clean ? clean : ""),
                             qs_intent_prompt_history (history), s_dialogue (dialogue)};
    if (s_ask (self, request_id, self->classify, "intent", names, values, 3, &answer, err))
        goto cleanup;
    const char *intent = qs_json_str (answer, "intent", NULL);
    double confidence;
    if (!s_in (intent, s_intents) || s_confidence (answer, &confidence)) {
        qs_err_set (err, 502, "llm_invalid_output", "the LLM gave no valid intent");
        goto cleanup;
    }
    json_object *followup = json_object_object_get (answer, "followup");
    if (followup && !json_object_is_type (followup, json_type_null)
        && qs_intent_wire_find (qs_intent_wire_followups, json_object_get_string (followup)) < 0) {
        qs_err_set (err, 502, "llm_invalid_output", "the LLM gave an unknown followup");
        goto cleanup;
    }
    out = json_object_new_object ();
    qs_json_add_str (out, "intent", intent);
    qs_json_add_double (out, "confidence", confidence);
    json_object *alts = json_object_new_array ();
    json_object_object_add (out, "alternatives", alts);
    json_object *given;
    if (json_object_object_get_ex (answer, "alternatives", &given)
        && !json_object_is_type (given, json_type_null)) {
        if (!json_object_is_type (given, json_type_array))
            goto invalid;
        for (size_t i = 0; i < json_object_array_length (given); i++) {
            json_object *alt = json_object_array_get_idx (given, i);
            const char *ai = qs_json_str (alt, "intent", NULL);
            double ac;
            if (!s_in (ai, s_intents) || s_confidence (alt, &ac))
                goto invalid;
            if (strcmp (ai, intent) == 0 || json_object_array_length (alts) >= 3)
                continue;
            json_object *a = json_object_new_object ();
            qs_json_add_str (a, "intent", ai);
            qs_json_add_double (a, "confidence", ac);
            json_object_array_add (alts, a);
        }
    }
    const char *fu = followup ? json_object_get_string (followup) : NULL;
    if (fu && strcmp (fu, "none") != 0)
        qs_json_add_str (out, "followup", fu);
    qs_json_add_str (out, "engine", "llm");
    *result_p = out;
    out = NULL;
    rc = 0;
    goto cleanup;
invalid:
    qs_err_set (err, 502, "llm_invalid_output", "the LLM gave invalid alternatives");
cleanup:
    if (rc)
        qs_warn (request_id, "intent-llm: classify failed: %s", err ? err->message : "");
    json_object_put (out);
    json_object_put (answer);
    for (int i = 0; i < 3; i++)
        json_object_put (values[i]);
    free (clean);
    return rc;
}

/*  Pricing -> {"nano":{"memory_mb","vcpu"},...} smallest first; the six
    contract tiers by name when no pricing is given. */
static json_object *
s_tier_table (json_object *pricing)
{
    json_object *out = json_object_new_object ();
    json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
    for (int i = 0; s_tiers[i]; i++) {
        json_object *t = qs_json_get (tiers, s_tiers[i], json_type_object);
        if (tiers && !t)
            continue;
        json_object *o = json_object_new_object ();
        if (t) {
            qs_json_add_int (o, "memory_mb", qs_json_int (t, "memory_mb", 0));
            qs_json_add_double (o, "vcpu", qs_json_double (t, "vcpu", 0));
        }
        json_object_object_add (out, s_tiers[i], o);
    }
    return out;
}

/*  The caller's service list: context itself when it is an array (the
    intent service's shape), else context.services. Lent. */
static json_object *
s_service_list (json_object *context)
{
    if (context && json_object_is_type (context, json_type_array))
        return context;
    return qs_json_get (context, "services", json_type_array);
}

/*  The services a reference may point at: only id, name, type, tier, env.
    list: the known services (context, the org's, the subject's), lent. */
static json_object *
s_services (json_object *list)
{
    json_object *out = json_object_new_array ();
    size_t n = list ? json_object_array_length (list) : 0;
    for (size_t i = 0; i < n && i < S_MAX_SERVICES; i++) {
        json_object *svc = json_object_array_get_idx (list, i);
        const char *id = qs_json_str (svc, "id", NULL);
        if (!id)
            continue;
        json_object *o = json_object_new_object ();
        qs_json_add_str (o, "id", id);
        qs_json_add_str (o, "name", qs_json_str (svc, "name", ""));
        qs_json_add_str (o, "service_type", qs_json_str (svc, "service_type", ""));
        qs_json_add_str (o, "tier", qs_json_str (svc, "tier", ""));
        qs_json_add_str (o, "environment", qs_json_str (svc, "environment", ""));
        json_object_array_add (out, o);
    }
    return out;
}

static json_object *
s_context (json_object *context)
{
    json_object *out = json_object_new_object ();
    json_object *recent = qs_json_get (context, "recent_service", json_type_object);
    json_object *list = s_service_list (context);
    /* in the array shape the last entry is the one mentioned last */
    if (!recent && list == context && list && json_object_array_length (list) > 0)
        recent = json_object_array_get_idx (list, json_object_array_length (list) - 1);
    if (recent && qs_json_str (recent, "id", NULL)) {
        json_object *r = json_object_new_object ();
        qs_json_add_str (r, "id", qs_json_str (recent, "id", ""));
        qs_json_add_str (r, "name", qs_json_str (recent, "name", ""));
        json_object_object_add (out, "recent_service", r);
    }
    else
        json_object_object_add (out, "recent_service", NULL);
    json_object *awaiting = qs_json_get (context, "awaiting_confirmation", json_type_boolean);
    json_object_object_add (out, "awaiting_confirmation",
                            awaiting ? json_object_get (awaiting) : NULL);
    json_object *history = qs_json_get (context, "history", json_type_array);
    json_object_object_add (out, "history", qs_intent_prompt_history (history));
    return out;
}

/*  1 when s is 1..max characters of [a-z0-9] plus extra, starting alnum. */
static int
s_token (const char *s, size_t max, const char *extra)
{
    size_t n = s ? strlen (s) : 0;
    if (n == 0 || n > max || !isalnum ((unsigned char) s[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower ((unsigned char) s[i]) || isdigit ((unsigned char) s[i])
              || strchr (extra, s[i])))
            return 0;
    return 1;
}

/*  Copy one config field into out when present and valid. 0, or -1 when the
    value is of the wrong type or outside the contract. */
static int
s_config_field (const char *key, json_object *v, json_object *pricing, json_object *out)
{
    json_type t = json_object_get_type (v);
    if (t == json_type_null)
        return 0;
    const char *s = t == json_type_string ? json_object_get_string (v) : NULL;
    if (strcmp (key, "service_type") == 0 || strcmp (key, "environment") == 0
        || strcmp (key, "tier") == 0) {
        const char **set = key[0] == 's' ? s_types : key[0] == 'e' ? s_envs : s_tiers;
        if (!s_in (s, set))
            return -1;
        json_object *tiers = qs_json_get (pricing, "tiers", json_type_object);
        if (key[0] == 't' && tiers && !qs_json_get (tiers, s, json_type_object))
            return -1;
        return qs_json_add_str (out, key, s);
    }
    if (strcmp (key, "name") == 0)
        return s_token (s, 63, "-") ? qs_json_add_str (out, key, s) : -1;
    if (strcmp (key, "region") == 0)
        return s_token (s, 32, "-") ? qs_json_add_str (out, key, s) : -1;
    if (strcmp (key, "version") == 0) {
        char buf[32];
        if (t == json_type_int) {
            snprintf (buf, sizeof buf, "%lld", (long long) json_object_get_int64 (v));
            s = buf;
        }
        return s_token (s, 31, ".-") ? qs_json_add_str (out, key, s) : -1;
    }
    if (strcmp (key, "replicas") == 0) {
        if (t != json_type_int && t != json_type_double)
            return -1;
        double d = json_object_get_double (v);
        if (d != (double) (int64_t) d || d < 1 || d > 50)
            return -1;
        return qs_json_add_int (out, key, (int64_t) d);
    }
    if (strcmp (key, "high_availability") == 0 || strcmp (key, "backup_enabled") == 0) {
        if (t != json_type_boolean)
            return -1;
        return qs_json_add_bool (out, key, json_object_get_boolean (v));
    }
    return -1;
}

/*  The service of services (lent) with that id, or with that exact name
    when id is NULL; NULL when none. */
static json_object *
s_known (json_object *services, const char *id, const char *name)
{
    for (size_t i = 0; (id || name) && i < json_object_array_length (services); i++) {
        json_object *svc = json_object_array_get_idx (services, i);
        /* an id must be one we gave; a bare name must match one exactly */
        if (id ? strcmp (id, qs_json_str (svc, "id", "")) == 0
               : strcmp (name, qs_json_str (svc, "name", "")) == 0)
            return svc;
    }
    return NULL;
}

/*  service_ref -> the local engine's shape {"id","name","service_type",
    "resolved","match","index"?,"candidates"?} of known services, JSON null,
    or NULL (invalid). *ok says which. list_len: items of the last list. */
static json_object *
s_service_ref (json_object *ref, json_object *services, size_t list_len, int *ok)
{
    *ok = 1;
    if (!ref || json_object_is_type (ref, json_type_null))
        return NULL;
    *ok = 0;
    if (!json_object_is_type (ref, json_type_object))
        return NULL;
    const char *match = qs_json_str (ref, "match", "name");
    json_object *idx = qs_json_get (ref, "index", json_type_int);
    json_object *cands = qs_json_get (ref, "candidates", json_type_array);
    int listed = strcmp (match, "ordinal") == 0 || strcmp (match, "list_name") == 0;
    if (qs_intent_wire_find (qs_intent_wire_matches, match) < 0
        || (idx && (!listed || json_object_get_int64 (idx) < 0
                    || (size_t) json_object_get_int64 (idx) >= list_len)))
        return NULL;
    json_object *out = NULL;
    if (cands && json_object_array_length (cands) > 0) {
        /* ambiguous: every candidate one of ours, nothing chosen */
        json_object *list = json_object_new_array ();
        for (size_t i = 0; i < json_object_array_length (cands); i++) {
            json_object *c = json_object_array_get_idx (cands, i);
            json_object *svc = s_known (services, qs_json_str (c, "id", NULL), NULL);
            if (!svc) {
                json_object_put (list);
                return NULL;
            }
            json_object *o = json_object_new_object ();
            qs_json_add_str (o, "id", qs_json_str (svc, "id", ""));
            qs_json_add_str (o, "name", qs_json_str (svc, "name", ""));
            qs_json_add_str (o, "service_type", qs_json_str (svc, "service_type", NULL));
            json_object_array_add (list, o);
        }
        out = qs_intent_ref_json (NULL, NULL, NULL, match);
        json_object_object_add (out, "candidates", list);
    }
    else {
        json_object *svc = s_known (services, qs_json_str (ref, "id", NULL),
                                   qs_json_str (ref, "name", NULL));
        if (!svc)
            return NULL;
        out = qs_intent_ref_json (svc, NULL, NULL, match);
    }
    if (idx)
        qs_json_add_int (out, "index", json_object_get_int64 (idx));
    *ok = out != NULL;
    return out;
}

int
qs_intent_llm_extract (qs_intent_llm_t *self, const char *request_id, const char *message,
                       json_object *pricing, json_object *context, json_object *services,
                       json_object *dialogue, json_object **result_p, qs_err_t *err)
{
    assert (self && message && result_p);
    *result_p = NULL;
    int rc = -1;
    json_object *answer = NULL, *out = NULL;
    char *clean = qs_intent_prompt_clean (message, S_MAX_MESSAGE);
    json_object *known = qs_intent_scope_known (s_service_list (context), services,
                                                qs_json_get (dialogue, "subject",
                                                             json_type_array));
    json_object *last_items = qs_json_get (qs_json_get (dialogue, "last_list", json_type_object),
                                           "items", json_type_array);
    const char *names[] = {"message", "tiers", "services", "context", "dialogue"};
    json_object *values[] = {json_object_new_string (clean ? clean : ""), s_tier_table (pricing),
                             s_services (known), s_context (context), s_dialogue (dialogue)};
    if (s_ask (self, request_id, self->extract, "service_config", names, values, 5, &answer,
               err))
        goto cleanup;
    out = json_object_new_object ();
    json_object *config = json_object_new_object ();
    json_object_object_add (out, "config", config);
    json_object *given = qs_json_get (answer, "config", json_type_object);
    if (!given)
        goto invalid;
    json_object_object_foreach (given, key, val) {
        if (!s_in (key, s_fields) || s_config_field (key, val, pricing, config))
            goto invalid;
    }
    json_object *missing = json_object_new_array ();
    json_object_object_add (out, "missing", missing);
    json_object *gm;
    if (json_object_object_get_ex (answer, "missing", &gm)
        && !json_object_is_type (gm, json_type_null)) {
        if (!json_object_is_type (gm, json_type_array))
            goto invalid;
        for (size_t i = 0; i < json_object_array_length (gm); i++) {
            const char *f = json_object_get_string (json_object_array_get_idx (gm, i));
            json_object *item = json_object_array_get_idx (gm, i);
            if (!json_object_is_type (item, json_type_string) || !s_in (f, s_fields))
                goto invalid;
            /* a field cannot be both found and missing */
            if (!json_object_object_get_ex (config, f, NULL))
                json_object_array_add (missing, json_object_new_string (f));
        }
    }
    int ok;
    json_object *ref = s_service_ref (json_object_object_get (answer, "service_ref"),
                                      values[2], last_items ? json_object_array_length (last_items) : 0,
                                      &ok);
    if (!ok)
        goto invalid;
    json_object_object_add (out, "service_ref", ref);
    qs_intent_op_t op;
    if (qs_intent_op_from_json (json_object_object_get (answer, "operation"), &op))
        goto invalid;
    json_object_object_add (out, "operation", qs_intent_op_json (&op));
    const char *confirmation = qs_json_str (answer, "confirmation", "none");
    json_object *gc = json_object_object_get (answer, "confirmation");
    if (gc && json_object_is_type (gc, json_type_null))
        confirmation = "none";
    else
    if (gc && !json_object_is_type (gc, json_type_string))
        goto invalid;
    static const char *s_confirm[] = {"yes", "no", "none", NULL};
    if (!s_in (confirmation, s_confirm))
        goto invalid;
    qs_json_add_str (out, "confirmation", confirmation);
    qs_json_add_str (out, "engine", "llm");
    *result_p = out;
    out = NULL;
    rc = 0;
    goto cleanup;
invalid:
    qs_err_set (err, 502, "llm_invalid_output", "the LLM gave an invalid extraction");
cleanup:
    if (rc)
        qs_warn (request_id, "intent-llm: extract failed: %s", err ? err->message : "");
    json_object_put (out);
    json_object_put (answer);
    json_object_put (known);
    for (int i = 0; i < 5; i++)
        json_object_put (values[i]);
    free (clean);
    return rc;
}
