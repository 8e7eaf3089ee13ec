/*  fuzz_optimize - the cost rules (workflow-svc/qs_optimize.h) and the
    pure parsers (workflow-svc/qs_pricing.h estimates, the platform
    client's qs_platform_map_error over error bodies) over platform data of any shape.

    Input: a JSON object {"services","metrics","health","pricing","now_ms"}
    (plus "config" for the estimate and "error" for the error mapping)
    whose members are handed over as they are; a missing pricing gets a
    fixed one (the rules are only reached with tiers), a missing now_ms a
    fixed time. A JSON array is taken as the services. The response must
    be valid JSON (no NaN or Infinity) with its savings adding up. */
#include <math.h>
#include "fuzz_common.h"
#include "qs_json.h"
#include "qs_optimize.h"
#include "qs_platform.h"
#include "qs_pricing.h"

static const char s_pricing[] =
    "{\"currency\":\"USD\",\"hours_per_month\":730,\"ha_multiplier\":2.0,\"backup_multiplier\":1.25,"
    "\"tiers\":{\"nano\":{\"memory_mb\":256,\"vcpu\":0.25,\"hourly\":0.013},"
    "\"micro\":{\"memory_mb\":512,\"vcpu\":0.5,\"hourly\":0.027},"
    "\"small\":{\"memory_mb\":1024,\"vcpu\":1,\"hourly\":0.055},"
    "\"medium\":{\"memory_mb\":2048,\"vcpu\":2,\"hourly\":0.11},"
    "\"large\":{\"memory_mb\":4096,\"vcpu\":4,\"hourly\":0.23},"
    "\"xlarge\":{\"memory_mb\":8192,\"vcpu\":8,\"hourly\":0.47}}}";

#define S_NOW_MS 1795000000000LL

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = qs_fuzz_strndup (data, size);
    const char *why;
    json_object *in = qs_json_parse (text, size, &why);
    free (text);
    if (!in)
        return 0;
    json_object *fixed = json_tokener_parse (s_pricing);
    QS_FUZZ_CHECK (fixed);
    json_object *services = in, *metrics = NULL, *health = NULL, *pricing = fixed;
    int64_t now_ms = S_NOW_MS;
    if (json_object_is_type (in, json_type_object)) {
        json_object *v;
        if (json_object_object_get_ex (in, "services", &v))
            services = v;
        json_object_object_get_ex (in, "metrics", &metrics);
        json_object_object_get_ex (in, "health", &health);
        if (json_object_object_get_ex (in, "pricing", &v))
            pricing = v;
        /* the clock is the workflow's, not hostile: keep it plausible */
        double now = qs_json_double (in, "now_ms", (double) S_NOW_MS);
        if (now >= 0 && now <= 1e14)
            now_ms = (int64_t) now;
    }
    qs_err_t err;
    qs_err_clear (&err);
    json_object *out = qs_optimize_analyze ("org-fuzz", services, metrics, health, pricing, now_ms, &err);
    if (out) {
        json_object *recs = qs_json_get (out, "recommendations", json_type_array);
        QS_FUZZ_CHECK (recs);
        for (size_t i = 0; i < json_object_array_length (recs); i++) {
            json_object *r = json_object_array_get_idx (recs, i);
            QS_FUZZ_CHECK (qs_json_str (r, "type", NULL));
            QS_FUZZ_CHECK (qs_json_str (r, "priority", NULL));
        }
        qs_fuzz_valid_json (out);
        json_object_put (out);
    }
    else
        QS_FUZZ_CHECK (err.status >= 400);
    /* the estimate a provisioning flow shows, over the input's config or first service */
    json_object *svc = json_object_is_type (services, json_type_array)
                       ? json_object_array_get_idx (services, 0) : NULL;
    json_object *config = qs_json_get (in, "config", json_type_object);
    double hourly = -1, monthly = -1;
    if (qs_pricing_estimate (pricing, config ? config : svc, &hourly, &monthly, &err) == 0)
        QS_FUZZ_CHECK (hourly == hourly && monthly == monthly);     /* never NaN */
    json_object *est = qs_pricing_estimate_json (pricing, config ? config : svc, &err);
    if (est) {
        qs_fuzz_valid_json (est);
        json_object_put (est);
    }
    (void) qs_pricing_smallest_tier (pricing, qs_json_int (config, "memory_mb", 1024));
    (void) qs_pricing_tier_rank (qs_json_str (config, "tier", NULL));
    /* a platform error body, as text */
    json_object *ebody = NULL;
    if (json_object_is_type (in, json_type_object))
        json_object_object_get_ex (in, "error", &ebody);
    if (ebody) {
        const char *etext = json_object_is_type (ebody, json_type_string)
                            ? json_object_get_string (ebody) : qs_json_text (ebody);
        static const long statuses[] = { 0, 400, 401, 403, 404, 409, 422, 429, 500, 503 };
        long st = statuses[strlen (etext) % (sizeof statuses / sizeof statuses[0])];
        qs_err_clear (&err);
        qs_platform_map_error (&err, st, 1, etext, 3, "service svc-1");
        QS_FUZZ_CHECK (err.status >= 400 && err.code[0]);
        QS_FUZZ_CHECK (strlen (err.message) < sizeof err.message);
    }
    json_object_put (fixed);
    json_object_put (in);
    return 0;
}
