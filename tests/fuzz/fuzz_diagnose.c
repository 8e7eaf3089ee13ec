/*  fuzz_diagnose - the diagnosis rules (workflow-svc/qs_diagnose.h) over
    platform and Kubernetes data of any shape.

    Input: a JSON object {"service","metrics","logs","pods","events",
    "podlogs","gaps"} whose members are handed over as they are (gaps only
    when it is an array, as documented; a missing
    service gets a fixed one, so the rules behind it are reached); a JSON
    array is taken as the pods. */
#include "fuzz_common.h"
#include "qs_diagnose.h"
#include "qs_json.h"

static const char s_service[] =
    "{\"id\":\"svc-1\",\"name\":\"cache\",\"service_type\":\"redis\",\"tier\":\"small\","
    "\"status\":\"running\",\"replicas\":2,\"environment\":\"production\"}";

static const char *
s_severity_ok (const char *s)
{
    static const char *known[] = { "critical", "high", "medium", "low", "info", NULL };
    for (int i = 0; known[i]; i++)
        if (!strcmp (s, known[i]))
            return s;
    return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = qs_fuzz_strndup (data, size);
    const char *why;
    json_object *in = qs_json_parse (text, size, &why);
    free (text);
    if (!in)
        return 0;
    json_object *fixed = json_tokener_parse (s_service);
    QS_FUZZ_CHECK (fixed);
    json_object *service = NULL, *metrics = NULL, *logs = NULL, *pods = NULL;
    json_object *events = NULL, *podlogs = NULL, *gaps = NULL;
    if (json_object_is_type (in, json_type_object)) {
        if (!json_object_object_get_ex (in, "service", &service))
            service = fixed;
        json_object_object_get_ex (in, "metrics", &metrics);
        json_object_object_get_ex (in, "logs", &logs);
        json_object_object_get_ex (in, "pods", &pods);
        json_object_object_get_ex (in, "events", &events);
        json_object_object_get_ex (in, "podlogs", &podlogs);
        /* gaps is the workflow's own list, documented as an array: any
           other type is API misuse, not hostile data */
        if (!json_object_object_get_ex (in, "gaps", &gaps)
            || !json_object_is_type (gaps, json_type_array))
            gaps = NULL;
    }
    else {
        service = fixed;
        pods = in;
    }
    qs_err_t err;
    qs_err_clear (&err);
    json_object *out = qs_diagnose_analyze (service, metrics, logs, pods, events, podlogs, gaps,
                                            &err);
    if (out) {
        QS_FUZZ_CHECK (json_object_is_type (out, json_type_object));
        json_object *findings = qs_json_get (out, "findings", json_type_array);
        QS_FUZZ_CHECK (findings);
        for (size_t i = 0; i < json_object_array_length (findings); i++) {
            json_object *f = json_object_array_get_idx (findings, i);
            QS_FUZZ_CHECK (qs_json_str (f, "code", NULL));
            QS_FUZZ_CHECK (s_severity_ok (qs_json_str (f, "severity", "?")));
        }
        const char *status = qs_json_str (out, "status", "");
        /* "unknown" when there is no pod data at all */
        QS_FUZZ_CHECK (!strcmp (status, "healthy") || !strcmp (status, "degraded")
                       || !strcmp (status, "down") || !strcmp (status, "unknown"));
        qs_fuzz_valid_json (out);
        json_object_put (out);
    }
    (void) qs_diagnose_next_tier (qs_json_str (service, "tier", NULL));
    json_object_put (fixed);
    json_object_put (in);
    return 0;
}
