/*  qs_config - a ServiceConfig (contract section 4) as a typed value: what a
    user asked for, a plan's full settings, and the difference between two
    plans. JSON only at the edges (qs_config_from_json / qs_config_to_json).
    Pure; no allocation except the returned JSON objects. */
#ifndef QS_CONFIG_H
#define QS_CONFIG_H

#include <json-c/json.h>
#include <stdbool.h>

typedef struct {
    char service_type[16];      /* "" = not given */
    char name[64];
    char tier[12];
    char version[24];
    char region[32];
    char environment[16];
    int replicas;               /* 0 = not given */
    int ha;                     /* -1 = not given, else 0 / 1 */
    int backups;                /* -1 = not given, else 0 / 1 */
    int memory_mb;              /* a size the user gave instead of a tier; 0 = none */
} qs_config_t;

/*  Nothing given. */
void qs_config_init (qs_config_t *c);

/*  Read the fields of a ServiceConfig object (lent, may be NULL; unknown or
    null fields are skipped, "memory_mb" is read too). Fields absent from obj
    keep their value in c, so this also overlays. */
void qs_config_read (qs_config_t *c, json_object *obj);

/*  The ServiceConfig object of the given fields (with_memory adds
    "memory_mb"). New object (caller puts). */
json_object *qs_config_to_json (const qs_config_t *c, bool with_memory);

/*  Overlay: every field given in src replaces dst's. */
void qs_config_overlay (qs_config_t *dst, const qs_config_t *src);

/*  True when c gives a setting a plan can change (any field). */
bool qs_config_any (const qs_config_t *c);

/*  A name from what the service is for ("a redis for sessions" ->
    sessions-cache, "kafka for clickstream" -> clickstream-kafka, "for the
    orders team" -> orders-db) into out, or "" when the message says no
    purpose a name can carry (an environment, a place, a size, a verb). */
void qs_config_purpose_name (const char *message, const char *service_type, char *out, size_t size);

/*  Fill what a plan needs and the user did not give (name from the type,
    version per type, tier small or the smallest that fits memory_mb per
    pricing (lent, may be NULL), us-east-1, production, HA off, backups on in
    production, replicas 2 with HA else 1). filled_p (may be NULL) gets a new
    array of the field names filled. */
void qs_config_defaults (qs_config_t *c, json_object *pricing, json_object **filled_p);

/*  The version the platform offers for type by default (lent), or NULL. */
const char *qs_config_default_version (const char *type);

/*  [{"field","before","after"}] for every field that differs (new array). */
json_object *qs_config_changes (const qs_config_t *before, const qs_config_t *after);

#endif
