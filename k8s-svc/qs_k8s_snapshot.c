/*  qs_k8s_snapshot - see qs_k8s_snapshot.h */
#include "qs_k8s_snapshot.h"
#include "qs_k8s_parse.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SNAP_PODS      10     /* events are read for at most this many pods */
#define S_SNAP_LOGS      6      /* log reads per snapshot */

static void
s_part_error (json_object *errors, const char *part, const qs_err_t *err)
{
    json_object *e = json_object_new_object ();
    if (!e)
        return;
    qs_json_add_str (e, "part", part);
    qs_json_add_int (e, "status", err->status);
    qs_json_add_str (e, "code", err->code);
    qs_json_add_str (e, "message", err->message);
    json_object_array_add (errors, e);
}

/*  Give the next part of a snapshot two thirds of the time left, so one
    slow part cannot starve the others or push the reply past the deadline. */
static void
s_part_budget (qs_k8s_call_t *call, int64_t full_deadline)
{
    int64_t now = qs_now_ms ();
    int64_t left = full_deadline - now;
    call->deadline = left > 0 ? now + left * 2 / 3 : full_deadline;
}

int
qs_k8s_snapshot (qs_k8s_call_t *call, json_object *reply, qs_err_t *err)
{
    const int64_t full = call->deadline;
    json_object *errors = json_object_new_array ();
    json_object *events = json_object_new_object ();
    json_object *logs = json_object_new_object ();
    json_object *list = NULL, *pods = NULL, *metrics = NULL;
    qs_err_t part = {0};
    json_object *tv = qs_json_get (call->body, "tail", json_type_int);
    int64_t tail = tv ? json_object_get_int64 (tv) : 30;     /* ints only: no float casts */
    tail = tail < 1 ? 1 : tail > 200 ? 200 : tail;
    if (!errors || !events || !logs) {
        json_object_put (errors);
        json_object_put (events);
        json_object_put (logs);
        return qs_err_set (err, 500, "internal_error", "out of memory");
    }
    s_part_budget (call, full);
    if (qs_k8s_read_pods (call, &list, &part) == 0)
        pods = qs_k8s_pods_summary (list);
    else
        s_part_error (errors, "pods", &part);
    json_object_put (list);
    if (!pods)
        pods = json_object_new_array ();
    size_t n = pods ? json_object_array_length (pods) : 0;
    int log_reads = 0;
    for (size_t i = 0; i < n && i < S_SNAP_PODS; i++) {
        json_object *p = json_object_array_get_idx (pods, i);
        const char *name = qs_json_str (p, "name", "");
        char label[400];
        if (!qs_k8s_name_valid (name, false))
            continue;
        json_object *ev = NULL;
        qs_err_clear (&part);
        s_part_budget (call, full);
        if (qs_k8s_read_events (call, name, &ev, &part) == 0)
            json_object_object_add (events, name, ev);
        else {
            snprintf (label, sizeof label, "events:%s", name);
            s_part_error (errors, label, &part);
        }
        if (!qs_k8s_pod_unhealthy (p))
            continue;
        /* the crash is in the previous container's log when there is one */
        json_object *cs = qs_json_get (p, "containers", json_type_array);
        size_t nc = cs ? json_object_array_length (cs) : 0;
        for (size_t k = 0; k < nc && log_reads < S_SNAP_LOGS; k++) {
            json_object *c = json_object_array_get_idx (cs, k);
            const char *cn = qs_json_str (c, "name", "");
            bool previous = qs_json_get (qs_json_get (c, "lastState", json_type_object),
                                         "terminated", json_type_object) != NULL;
            json_object *st = qs_json_get (c, "state", json_type_object);
            bool started = previous || qs_json_get (st, "running", json_type_object)
                           || qs_json_get (st, "terminated", json_type_object);
            if (!*cn || !started || (qs_json_bool (c, "ready", false) && !previous))
                continue;
            json_object *lines = NULL;
            log_reads++;
            snprintf (label, sizeof label, "%s/%s", name, cn);
            qs_err_clear (&part);
            s_part_budget (call, full);
            if (qs_k8s_read_logs (call, name, cn, previous, (int) tail, &lines, &part) == 0) {
                json_object *entry = json_object_new_object ();
                if (entry) {
                    qs_json_add_bool (entry, "previous", previous);
                    json_object_object_add (entry, "lines", lines);
                    json_object_object_add (logs, label, entry);
                }
                else
                    json_object_put (lines);
            }
            else {
                char plabel[420];
                snprintf (plabel, sizeof plabel, "logs:%s", label);
                s_part_error (errors, plabel, &part);
            }
        }
    }
    qs_err_clear (&part);
    s_part_budget (call, full);
    if (qs_k8s_read_metrics (call, &metrics, &part) != 0)
        s_part_error (errors, "metrics", &part);
    call->deadline = full;
    json_object_object_add (reply, "pods", pods);
    json_object_object_add (reply, "events", events);
    json_object_object_add (reply, "metrics", metrics);
    json_object_object_add (reply, "logs", logs);
    /* the same failures as plain sentences, for "what could not be read" */
    json_object *gaps = json_object_new_array ();
    for (size_t i = 0; gaps && i < json_object_array_length (errors); i++) {
        json_object *e = json_object_array_get_idx (errors, i);
        char *text = qs_strdupf ("Kubernetes %s unavailable: %s", qs_json_str (e, "part", "?"),
                                 qs_json_str (e, "message", ""));
        if (text)
            json_object_array_add (gaps, json_object_new_string (text));
        free (text);
    }
    json_object_object_add (reply, "errors", errors);
    json_object_object_add (reply, "gaps", gaps);
    return 0;
}
