/*  fuzz_k8s_parse - the Kubernetes object parsers (k8s-svc/qs_k8s_parse.h)
    over whatever JSON the API server (or something pretending to be it)
    returns: the input is parsed and handed, as it is, to the pod, pod list,
    event list and metrics summaries. Input that is not JSON goes to the
    quantity and name checks instead. */
#include "fuzz_common.h"
#include "qs_json.h"
#include "qs_k8s_parse.h"

static void
s_text (const char *text)
{
    double v = -12345.0;
    if (qs_k8s_quantity_parse (text, &v) == 0)
        QS_FUZZ_CHECK (v == v);             /* a quantity is never NaN */
    bool sub = qs_k8s_name_valid (text, false);
    bool label = qs_k8s_name_valid (text, true);
    if (label)
        QS_FUZZ_CHECK (sub);                /* every label is a subdomain */
    if (sub)
        QS_FUZZ_CHECK (*text && strlen (text) <= 253 && !strchr (text, '/'));
}

static void
s_summaries_are_objects (json_object *list, json_type type)
{
    QS_FUZZ_CHECK (list && json_object_is_type (list, type));
    qs_fuzz_valid_json (list);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = qs_fuzz_strndup (data, size);
    const char *why;
    json_object *obj = qs_json_parse (text, size, &why);
    if (!obj) {
        s_text (text);
        free (text);
        return 0;
    }
    json_object *pod = qs_k8s_pod_summary (obj);
    s_summaries_are_objects (pod, json_type_object);
    (void) qs_k8s_pod_unhealthy (pod);
    json_object_put (pod);

    json_object *pods = qs_k8s_pods_summary (obj);
    s_summaries_are_objects (pods, json_type_array);
    for (size_t i = 0; i < json_object_array_length (pods); i++)
        (void) qs_k8s_pod_unhealthy (json_object_array_get_idx (pods, i));
    json_object_put (pods);

    int max = size ? (int) (data[0] % 4) : 0;       /* 0 (= the default 50) .. 3 */
    json_object *events = qs_k8s_events_summary (obj, max);
    s_summaries_are_objects (events, json_type_array);
    QS_FUZZ_CHECK (json_object_array_length (events) <= (size_t) (max ? max : 50));
    json_object_put (events);

    json_object *metrics = qs_k8s_metrics_summary (obj);
    s_summaries_are_objects (metrics, json_type_object);
    json_object_put (metrics);

    /* the string values are what reaches the quantity and name checks */
    if (json_object_is_type (obj, json_type_string))
        s_text (json_object_get_string (obj));
    json_object_put (obj);
    free (text);
    return 0;
}
