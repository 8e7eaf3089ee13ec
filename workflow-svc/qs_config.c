/*  qs_config - see qs_config.h */
#include "qs_config.h"
#include <ctype.h>
#include "qs_json.h"
#include "qs_pricing.h"
#include "qs_util.h"
#include <stdio.h>
#include <string.h>

static const char *s_types[] = {"redis", "rabbitmq", "postgresql", "mongodb", "mysql", "kafka",
                                "elasticsearch", NULL};
/* Current stable major versions the platform offers; the user can name another. */
static const char *s_versions[] = {"7.2", "3.13", "16", "7.0", "8.0", "3.7", "8.13", NULL};

void
qs_config_init (qs_config_t *c)
{
    memset (c, 0, sizeof *c);
    c->ha = -1;
    c->backups = -1;
}

const char *
qs_config_default_version (const char *type)
{
    for (int i = 0; type && s_types[i]; i++)
        if (!strcmp (type, s_types[i]))
            return s_versions[i];
    return NULL;
}

static void
s_str (json_object *obj, const char *key, char *out, size_t size)
{
    json_object *v = qs_json_get (obj, key, json_type_string);
    if (v && json_object_get_string_len (v) > 0)
        qs_strlcpy (out, json_object_get_string (v), size);
}

static void
s_bool (json_object *obj, const char *key, int *out)
{
    json_object *v = qs_json_get (obj, key, json_type_boolean);
    if (v)
        *out = json_object_get_boolean (v) ? 1 : 0;
}

void
qs_config_read (qs_config_t *c, json_object *obj)
{
    if (!obj || !json_object_is_type (obj, json_type_object))
        return;
    s_str (obj, "service_type", c->service_type, sizeof c->service_type);
    s_str (obj, "name", c->name, sizeof c->name);
    s_str (obj, "tier", c->tier, sizeof c->tier);
    s_str (obj, "version", c->version, sizeof c->version);
    s_str (obj, "region", c->region, sizeof c->region);
    s_str (obj, "environment", c->environment, sizeof c->environment);
    if (qs_json_get (obj, "replicas", json_type_int))
        c->replicas = (int) qs_json_int (obj, "replicas", 0);
    if (qs_json_get (obj, "memory_mb", json_type_int))
        c->memory_mb = (int) qs_json_int (obj, "memory_mb", 0);
    s_bool (obj, "high_availability", &c->ha);
    s_bool (obj, "backup_enabled", &c->backups);
}

json_object *
qs_config_to_json (const qs_config_t *c, bool with_memory)
{
    json_object *o = json_object_new_object ();
    const char *keys[] = {"service_type", "name", "tier", "version", "region", "environment"};
    const char *vals[] = {c->service_type, c->name, c->tier, c->version, c->region, c->environment};
    for (int i = 0; i < 6; i++)
        if (*vals[i])
            qs_json_add_str (o, keys[i], vals[i]);
    if (c->replicas > 0)
        qs_json_add_int (o, "replicas", c->replicas);
    if (c->ha >= 0)
        qs_json_add_bool (o, "high_availability", c->ha);
    if (c->backups >= 0)
        qs_json_add_bool (o, "backup_enabled", c->backups);
    if (with_memory && c->memory_mb > 0)
        qs_json_add_int (o, "memory_mb", c->memory_mb);
    return o;
}

void
qs_config_overlay (qs_config_t *dst, const qs_config_t *src)
{
#define S_COPY(f) if (*src->f) qs_strlcpy (dst->f, src->f, sizeof dst->f)
    S_COPY (service_type);
    S_COPY (name);
    S_COPY (tier);
    S_COPY (version);
    S_COPY (region);
    S_COPY (environment);
#undef S_COPY
    if (src->replicas > 0)
        dst->replicas = src->replicas;
    if (src->ha >= 0)
        dst->ha = src->ha;
    if (src->backups >= 0)
        dst->backups = src->backups;
    if (src->memory_mb > 0 && !*src->tier) {
        dst->memory_mb = src->memory_mb;
        dst->tier[0] = '\0';            /* a new size picks the tier again */
    }
    else if (*src->tier)
        dst->memory_mb = 0;
}

bool
qs_config_any (const qs_config_t *c)
{
    return *c->service_type || *c->name || *c->tier || *c->version || *c->region
           || *c->environment || c->replicas > 0 || c->ha >= 0 || c->backups >= 0 || c->memory_mb > 0;
}

static void
s_filled (json_object *filled, const char *field)
{
    if (filled)
        json_object_array_add (filled, json_object_new_string (field));
}

/*  A word after "for" that can name a service: not an environment, a size,
    a time, a place, a type or a pronoun. */
static bool
s_purpose_word (const char *w)
{
    static const char *const no[] = {
        "production", "prod", "staging", "stage", "development", "dev", "test", "tests", "testing", "qa",
        "me", "us", "you", "it", "them", "now", "today", "tomorrow", "later", "free", "cheap", "less",
        "nano", "micro", "small", "medium", "large", "xlarge", "high", "availability", "backups", "ha",
        "redis", "rabbitmq", "postgres", "postgresql", "mysql", "mongo", "mongodb", "kafka",
        "elasticsearch", "cache", "database", "db", "queue", "broker", "cluster", "search", "month",
        "months", "year", "week", "day", "days", "hour", "hours", "region", "europe", "eu", "asia",
        "america", "usa", "some", "all", "each", "every", "one", "two", "three", "example", "instance",
        "please", "thanks", "now", NULL};
    size_t len = strlen (w);
    if (len < 3 || len > 20 || isdigit ((unsigned char) w[0]))
        return false;
    for (int i = 0; no[i]; i++)
        if (!strcmp (w, no[i]))
            return false;
    return true;
}

void
qs_config_purpose_name (const char *message, const char *service_type, char *out, size_t size)
{
    static const char *const role[][2] = {
        {"redis", "cache"}, {"postgresql", "db"}, {"mysql", "db"}, {"mongodb", "db"},
        {"rabbitmq", "mq"}, {"kafka", "kafka"}, {"elasticsearch", "search"}};
    const char *suffix = NULL;
    for (size_t i = 0; i < sizeof role / sizeof role[0]; i++)
        if (service_type && !strcmp (service_type, role[i][0]))
            suffix = role[i][1];
    out[0] = '\0';
    if (!suffix || !message)
        return;
    char words[32][24];
    int n = 0;
    for (const char *p = message; *p && n < 32;) {
        while (*p && !isalnum ((unsigned char) *p))
            p++;
        size_t len = 0;
        for (; isalnum ((unsigned char) *p); p++)
            if (len + 1 < sizeof words[0])
                words[n][len++] = (char) tolower ((unsigned char) *p);
        words[n][len] = '\0';
        if (len)
            n++;
    }
    static const char *const skip[] = {"the", "my", "our", "a", "an", "this", "that", "new", "their", "your", NULL};
    for (int i = 0; i + 1 < n; i++) {
        if (strcmp (words[i], "for"))
            continue;
        int k = i + 1;
        for (int s = 0; k < n && skip[s]; s++)
            if (!strcmp (words[k], skip[s])) {
                k++;
                s = -1;
            }
        static const char *const verbs[] = {"storing", "keeping", "holding", "caching", "processing",
                                            "running", "handling", "serving", "saving", "hosting",
                                            "managing", "collecting", "buffering", "queuing", NULL};
        for (int v = 0; k < n && verbs[v]; v++)
            if (!strcmp (words[k], verbs[v])) {
                k++;                    /* "for storing invoices": the thing stored */
                break;
            }
        if (k < n && s_purpose_word (words[k])) {
            snprintf (out, size, "%s-%s", words[k], suffix);
            return;
        }
    }
}

void
qs_config_defaults (qs_config_t *c, json_object *pricing, json_object **filled_p)
{
    json_object *filled = filled_p ? json_object_new_array () : NULL;
    if (!*c->name && *c->service_type) {
        unsigned char r[2];
        qs_random_bytes (r, sizeof r);
        snprintf (c->name, sizeof c->name, "%s-%02x%02x", c->service_type, r[0], r[1]);
        s_filled (filled, "name");
    }
    const char *version = qs_config_default_version (c->service_type);
    if (!*c->version && version) {
        qs_strlcpy (c->version, version, sizeof c->version);
        s_filled (filled, "version");
    }
    if (!*c->tier && c->memory_mb > 0) {
        /* a size in MB maps onto the platform's tiers: the smallest that fits */
        const char *tier = qs_pricing_smallest_tier (pricing, c->memory_mb);
        if (tier)
            qs_strlcpy (c->tier, tier, sizeof c->tier);
    }
    if (!*c->tier) {
        qs_strlcpy (c->tier, "small", sizeof c->tier);
        s_filled (filled, "tier");
    }
    if (!*c->region) {
        qs_strlcpy (c->region, "us-east-1", sizeof c->region);
        s_filled (filled, "region");
    }
    if (!*c->environment) {
        qs_strlcpy (c->environment, "production", sizeof c->environment);
        s_filled (filled, "environment");
    }
    if (c->ha < 0) {
        c->ha = 0;
        s_filled (filled, "high_availability");
    }
    if (c->backups < 0) {
        /* production data deserves backups unless the user said otherwise */
        c->backups = !strcmp (c->environment, "production");
        s_filled (filled, "backup_enabled");
    }
    if (c->replicas <= 0) {
        c->replicas = c->ha ? 2 : 1;
        s_filled (filled, "replicas");
    }
    if (filled_p)
        *filled_p = filled;
}

json_object *
qs_config_changes (const qs_config_t *a, const qs_config_t *b)
{
    json_object *out = json_object_new_array ();
    json_object *ja = qs_config_to_json (a, false), *jb = qs_config_to_json (b, false);
    static const char *fields[] = {"service_type", "name", "tier", "version", "region", "replicas",
                                   "high_availability", "backup_enabled", "environment", NULL};
    for (int i = 0; fields[i]; i++) {
        json_object *va = NULL, *vb = NULL;
        json_object_object_get_ex (ja, fields[i], &va);
        json_object_object_get_ex (jb, fields[i], &vb);
        if (json_object_equal (va, vb))
            continue;
        json_object *ch = json_object_new_object ();
        qs_json_add_str (ch, "field", fields[i]);
        json_object_object_add (ch, "before", json_object_get (va));
        json_object_object_add (ch, "after", json_object_get (vb));
        json_object_array_add (out, ch);
    }
    json_object_put (ja);
    json_object_put (jb);
    return out;
}
