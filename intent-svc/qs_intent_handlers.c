/*  qs_intent_handlers - see qs_intent_handlers.h */
#include "qs_intent_handlers.h"
#include <stdlib.h>
#include <string.h>
#include "qs_err.h"
#include "qs_intent_dialogue.h"
#include "qs_intent_extract.h"
#include "qs_json.h"
#include "qs_log.h"
#include "qs_ops.h"
#include "qs_util.h"

struct _qs_intent_service_t {
    qs_intent_classifier_t *classifier;
    qs_intent_llm_t *llm;                /* NULL: local engine only */
    qs_metrics_t *metrics;               /* lent, may be NULL */
};

qs_intent_service_t *
qs_intent_service_new (qs_intent_classifier_t **classifier_p, qs_intent_llm_t **llm_p,
                       qs_metrics_t *metrics)
{
    qs_intent_service_t *self = NULL;
    if (!classifier_p || !*classifier_p)
        goto fail;
    self = calloc (1, sizeof *self);
    if (!self)
        goto fail;
    self->classifier = *classifier_p;
    *classifier_p = NULL;
    if (llm_p) {
        self->llm = *llm_p;
        *llm_p = NULL;
    }
    self->metrics = metrics;
    if (metrics) {
        qs_metrics_declare (metrics, "qs_intent_requests_total", QS_METRIC_COUNTER,
                            "Intent ops answered, by op and engine", NULL, 0);
        qs_metrics_declare (metrics, "qs_intent_duration_seconds", QS_METRIC_HISTOGRAM,
                            "Time to answer an intent op, by op and engine", NULL, 0);
        qs_metrics_declare (metrics, "qs_intent_llm_fallbacks_total", QS_METRIC_COUNTER,
                            "LLM answers replaced by the local engine, by op", NULL, 0);
    }
    return self;
fail:
    qs_intent_classifier_destroy (classifier_p);
#ifdef QS_INTENT_HAVE_LLM
    qs_intent_llm_destroy (llm_p);
#endif
    return NULL;
}

void
qs_intent_service_destroy (qs_intent_service_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_intent_classifier_destroy (&(*self_p)->classifier);
#ifdef QS_INTENT_HAVE_LLM
    qs_intent_llm_destroy (&(*self_p)->llm);
#endif
    free (*self_p);
    *self_p = NULL;
}

/*  The message of a body, or NULL after failing the request. */
static const char *
s_message (qs_req_t *req, json_object *body)
{
    json_object *m = qs_json_get (body, "message", json_type_string);
    if (!m) {
        qs_req_fail (req, 400, "bad_request", "\"message\" must be a string");
        return NULL;
    }
    const char *text = json_object_get_string (m);
    long chars = qs_utf8_length (text, (size_t) json_object_get_string_len (m));
    if (chars < 0) {
        qs_req_fail (req, 400, "bad_request", "\"message\" is not valid UTF-8");
        return NULL;
    }
    if (chars > QS_CHAT_MESSAGE_MAX) {
        qs_req_fail (req, 413, "payload_too_large", "\"message\" is longer than %d characters",
                     QS_CHAT_MESSAGE_MAX);
        return NULL;
    }
    return text;
}

/*  An optional member of the given type; -1 (request failed) on a wrong type. */
static int
s_optional (qs_req_t *req, json_object *body, const char *key, json_type type,
            json_object **out)
{
    json_object *v = NULL;
    *out = NULL;
    if (!json_object_object_get_ex (body, key, &v) || v == NULL)
        return 0;
    if (!json_object_is_type (v, type)) {
        qs_req_fail (req, 400, "bad_request", "\"%s\" must be %s", key,
                     type == json_type_array ? "an array" : "an object");
        return -1;
    }
    *out = v;
    return 0;
}

/*  The context as the local engine reads it: a list, oldest first. The
    object form {"services":[...],"recent_service":{...}} becomes the
    services with the recent one moved last. New reference or NULL. */
static json_object *
s_context_list (json_object *context)
{
    if (!context)
        return NULL;
    if (json_object_is_type (context, json_type_array))
        return json_object_get (context);
    json_object *services = qs_json_get (context, "services", json_type_array);
    json_object *recent = qs_json_get (context, "recent_service", json_type_object);
    json_object *list = json_object_new_array ();
    if (!list)
        return NULL;
    const char *recent_id = qs_json_str (recent, "id", NULL);
    json_object *recent_full = recent;
    size_t n = services ? json_object_array_length (services) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx (services, i);
        if (recent_id && strcmp (qs_json_str (s, "id", ""), recent_id) == 0) {
            recent_full = s;
            continue;
        }
        json_object_array_add (list, json_object_get (s));
    }
    if (recent_full)
        json_object_array_add (list, json_object_get (recent_full));
    return list;
}

static void
s_observe (qs_intent_service_t *self, const char *op, const char *engine, int64_t started)
{
    if (!self->metrics)
        return;
    char labels[96];
    snprintf (labels, sizeof labels, "op=\"%s\",engine=\"%s\"", op, engine);
    qs_metrics_inc (self->metrics, "qs_intent_requests_total", labels, 1);
    qs_metrics_observe (self->metrics, "qs_intent_duration_seconds", labels,
                        (double) (qs_mono_ms () - started) / 1000.0);
}

static void
s_fallback (qs_intent_service_t *self, qs_req_t *req, const char *op, const qs_err_t *err)
{
    qs_warn (qs_req_id (req), "llm %s failed, local engine answers: %s", op, err->message);
    if (self->metrics) {
        char labels[48];
        snprintf (labels, sizeof labels, "op=\"%s\"", op);
        qs_metrics_inc (self->metrics, "qs_intent_llm_fallbacks_total", labels, 1);
    }
}

/*  classify's answer to body in *reply_p (caller's), or -1 after failing
    req with the reason. */
static int
s_classify (qs_intent_service_t *self, qs_req_t *req, json_object *body, json_object **reply_p)
{
    int64_t started = qs_mono_ms ();
    json_object *history, *dialogue;
    const char *message = s_message (req, body);
    *reply_p = NULL;
    if (!message || s_optional (req, body, "history", json_type_array, &history)
        || s_optional (req, body, "dialogue", json_type_object, &dialogue))
        return -1;
#ifdef QS_INTENT_HAVE_LLM
    if (self->llm) {
        qs_err_t err;
        qs_err_clear (&err);
        if (qs_intent_llm_classify (self->llm, qs_req_id (req), message, history, dialogue,
                                    reply_p, &err) == 0
            && *reply_p) {
            s_observe (self, "classify", "llm", started);
            return 0;
        }
        json_object_put (*reply_p);
        *reply_p = NULL;
        s_fallback (self, req, "classify", &err);
    }
#endif
    qs_intent_result_t result;
    qs_intent_classify_dialogue (self->classifier, message, history, dialogue, &result);
    if (!(*reply_p = qs_intent_result_json (&result))) {
        qs_req_fail (req, 500, "internal", "out of memory");
        return -1;
    }
    qs_debug (qs_req_id (req), "classify intent=%s confidence=%.3f",
              qs_intent_name (result.intent), (double) result.confidence);
    s_observe (self, "classify", "local", started);
    return 0;
}

/*  extract's answer to body in *reply_p (caller's), or -1 after failing
    req with the reason. */
static int
s_extract (qs_intent_service_t *self, qs_req_t *req, json_object *body, json_object **reply_p)
{
    int64_t started = qs_mono_ms ();
    json_object *pricing, *services, *dialogue, *context = NULL;
    const char *message = s_message (req, body);
    *reply_p = NULL;
    if (!message || s_optional (req, body, "pricing", json_type_object, &pricing)
        || s_optional (req, body, "services", json_type_array, &services)
        || s_optional (req, body, "dialogue", json_type_object, &dialogue))
        return -1;
    json_object_object_get_ex (body, "context", &context);
    if (context && !json_object_is_type (context, json_type_array)
        && !json_object_is_type (context, json_type_object)) {
        qs_req_fail (req, 400, "bad_request", "\"context\" must be an array or an object");
        return -1;
    }
#ifdef QS_INTENT_HAVE_LLM
    if (self->llm) {
        qs_err_t err;
        qs_err_clear (&err);
        if (qs_intent_llm_extract (self->llm, qs_req_id (req), message, pricing, context,
                                   services, dialogue, reply_p, &err) == 0 && *reply_p) {
            s_observe (self, "extract", "llm", started);
            return 0;
        }
        json_object_put (*reply_p);
        *reply_p = NULL;
        s_fallback (self, req, "extract", &err);
    }
#endif
    json_object *list = s_context_list (context);
    qs_intent_extract_in_t in = { pricing, list, services, dialogue };
    *reply_p = qs_intent_extract_with (message, &in);
    json_object_put (list);
    if (!*reply_p) {
        qs_req_fail (req, 500, "internal", "out of memory");
        return -1;
    }
    s_observe (self, "extract", "local", started);
    return 0;
}

int
qs_intent_op_classify (qs_req_t *req, void *arg)
{
    json_object *reply;
    if (s_classify (arg, req, qs_req_body (req), &reply) != 0)
        return -1;
    return qs_req_reply (req, &reply);
}

int
qs_intent_op_extract (qs_req_t *req, void *arg)
{
    json_object *reply;
    if (s_extract (arg, req, qs_req_body (req), &reply) != 0)
        return -1;
    return qs_req_reply (req, &reply);
}

/*  Both readings of one message in one round trip: the chat turn needs
    both, and a second call costs four bus messages and two hand-offs. */
int
qs_intent_op_understand (qs_req_t *req, void *arg)
{
    json_object *body = qs_req_body (req), *cls = NULL, *ext = NULL;
    if (s_classify (arg, req, body, &cls) != 0)
        return -1;
    if (s_extract (arg, req, body, &ext) != 0) {
        json_object_put (cls);
        return -1;
    }
    json_object *reply = json_object_new_object ();
    json_object_object_add (reply, "classification", cls);
    json_object_object_add (reply, "extraction", ext);
    return qs_req_reply (req, &reply);
}
