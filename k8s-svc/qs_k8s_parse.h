/*  qs_k8s_parse - turn real Kubernetes object shapes (Pod, PodList,
    EventList, PodMetricsList) into compact summaries for diagnosis.

    Defensive by design: every field may be missing or of the wrong type;
    a missing field is left out of the summary (or given a neutral default),
    never a crash. Inputs are lent; every returned object is new (caller
    puts) and NULL only on allocation failure. */
#ifndef QS_K8S_PARSE_H
#define QS_K8S_PARSE_H

#include <stdbool.h>
#include <json-c/json.h>

/*  Parse a resource quantity ("250m", "0.5", "512Mi", "1G", "1e3", "100n")
    into base units (cores for CPU, bytes for memory). 0, or -1 when text is
    not a quantity. */
int qs_k8s_quantity_parse (const char *text, double *out);

/*  One pod:
    {"name","namespace","phase","ready":bool,"node","created_at",
     "owner":{"kind","name"}, "conditions":[{"type","status","reason","message"}],
     "restarts": total, "containers":[{"name","image","ready","restartCount",
        "state":{"waiting":{"reason","message"}} | {"running":{"startedAt"}}
               | {"terminated":{"reason","exitCode","message","finishedAt"}},
        "lastState":{...same...} (only when set),
        "requests":{"cpu_millicores","memory_bytes"},"limits":{...}}],
     "init_containers": [...] (same shape, only when present),
     "reason","message" (pod-level, when set)}
    Containers come from spec.containers joined with status.containerStatuses
    by name, so a pending pod still lists its containers. */
json_object *qs_k8s_pod_summary (json_object *pod);

/*  Summaries of a PodList's items (non-object items are skipped). */
json_object *qs_k8s_pods_summary (json_object *pod_list);

/*  True when the summary shows trouble: not ready, a waiting/terminated
    container, or restarts. */
bool qs_k8s_pod_unhealthy (json_object *summary);

/*  EventList -> [{"type","reason","message","count","lastTimestamp","object"}],
    newest first, at most max entries (0 = 50). count falls back to
    series.count, then 1; lastTimestamp to eventTime, then
    firstTimestamp, then metadata.creationTimestamp. */
json_object *qs_k8s_events_summary (json_object *event_list, int max);

/*  PodMetricsList -> {"available":true,"pods":[{"name","timestamp","window",
    "cpu_millicores","memory_bytes","containers":[{"name","cpu_millicores",
    "memory_bytes"}]}]}. Unparseable quantities are left out. */
json_object *qs_k8s_metrics_summary (json_object *metrics_list);

/*  True when name is a valid DNS-1123 subdomain (pods) or label (namespaces
    when label is true): lower-case alphanumerics, '-', and '.' for
    subdomains, 1..253 (63 for labels) characters. Used before a name goes
    into a URL path. */
bool qs_k8s_name_valid (const char *name, bool label);

#endif
