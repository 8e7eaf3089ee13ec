/*  qs_store_rec - the record shapes both backends return (see qs_store_impl.h). */
#include "qs_store_impl.h"
#include "qs_db_json.h"
#include "qs_json.h"
#include <string.h>

json_object *
qs_store_rec_conversation (const char *id, const char *title, int64_t created,
                           int64_t updated, int64_t count)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_json_add_str (obj, "id", id);
    qs_json_add_str (obj, "title", title);
    qs_db_add_time (obj, "created_at", created);
    qs_db_add_time (obj, "updated_at", updated);
    qs_json_add_int (obj, "message_count", count);
    return obj;
}

json_object *
qs_store_rec_dialogue (const char *state, int64_t version)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_db_add_json (obj, "state", state, true);
    qs_json_add_int (obj, "version", version);
    return obj;
}

json_object *
qs_store_rec_message (const char *id, int64_t seq, const char *role, const char *content,
                      int64_t ts, const char *metadata)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_json_add_str (obj, "id", id);
    qs_json_add_str (obj, "role", role);
    qs_json_add_str (obj, "content", content);
    qs_db_add_time (obj, "timestamp", ts);
    qs_db_add_json (obj, "metadata", metadata, true);
    qs_json_add_int (obj, "seq", seq);
    return obj;
}

json_object *
qs_store_rec_checkpoint (const char *run_id, const char *conv_id, int64_t step,
                         const char *status, const char *state, int64_t created,
                         int64_t updated)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_json_add_str (obj, "run_id", run_id);
    qs_json_add_str (obj, "conversation_id", conv_id);
    qs_json_add_int (obj, "step", step);
    qs_json_add_str (obj, "status", status);
    qs_db_add_json (obj, "state", state, true);
    qs_db_add_time (obj, "created_at", created);
    qs_db_add_time (obj, "updated_at", updated);
    return obj;
}

json_object *
qs_store_rec_action (const char *id, const char *type, const char *status,
                     const char *summary, const char *config, const char *estimate,
                     const char *result, const char *conv_id, const char *run_id,
                     const char *idem, int64_t created, int64_t updated)
{
    json_object *obj = json_object_new_object ();
    if (!obj)
        return NULL;
    qs_json_add_str (obj, "id", id);
    qs_json_add_str (obj, "type", type);
    qs_json_add_str (obj, "status", status);
    qs_json_add_str (obj, "summary", summary);
    qs_db_add_json (obj, "config", config, false);
    qs_db_add_json (obj, "estimate", estimate, false);
    qs_db_add_json (obj, "result", result, false);
    qs_json_add_str (obj, "conversation_id", conv_id);
    qs_json_add_str (obj, "run_id", run_id ? run_id : "");
    if (idem && *idem)
        qs_json_add_str (obj, "idempotency_key", idem);
    qs_db_add_time (obj, "created_at", created);
    qs_db_add_time (obj, "updated_at", updated);
    return obj;
}

json_object *
qs_store_rec_diagnosis (const char *id, const char *service_id, const char *service_type,
                        const char *codes_joined, const char *fix, const char *outcome,
                        int64_t at)
{
    json_object *obj = json_object_new_object ();
    json_object *codes = json_object_new_array ();
    if (!obj || !codes) {
        json_object_put (obj);
        json_object_put (codes);
        return NULL;
    }
    qs_json_add_str (obj, "id", id);
    if (service_id && *service_id)
        qs_json_add_str (obj, "service_id", service_id);
    qs_json_add_str (obj, "service_type", service_type);
    /* ",a,b," -> ["a","b"] */
    const char *p = codes_joined ? codes_joined : "";
    while (*p) {
        if (*p == ',') {
            p++;
            continue;
        }
        const char *end = strchr (p, ',');
        size_t n = end ? (size_t) (end - p) : strlen (p);
        json_object_array_add (codes, json_object_new_string_len (p, (int) n));
        p += n;
    }
    json_object_object_add (obj, "findings", codes);
    qs_json_add_str (obj, "fix", fix ? fix : "");
    qs_json_add_str (obj, "outcome", outcome ? outcome : "");
    qs_db_add_time (obj, "at", at);
    return obj;
}
