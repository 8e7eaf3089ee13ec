/*  qs_k8s_parse - see qs_k8s_parse.h */
#include "qs_k8s_parse.h"
#include "qs_json.h"
#include "qs_util.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int
qs_k8s_quantity_parse (const char *text, double *out)
{
    char num[64];
    const char *p = text;
    size_t n = 0;
    int digits = 0;
    if (!p || !out)
        return -1;
    if (*p == '+' || *p == '-')
        num[n++] = *p++;
    while (isdigit ((unsigned char) *p) && n < sizeof num - 8) {
        num[n++] = *p++;
        digits++;
    }
    if (*p == '.' && n < sizeof num - 8) {
        num[n++] = *p++;
        while (isdigit ((unsigned char) *p) && n < sizeof num - 8) {
            num[n++] = *p++;
            digits++;
        }
    }
    if (!digits || isdigit ((unsigned char) *p))
        return -1;
    /* decimal exponent ("1e3", "1E-3") vs the Exa suffix ("1E") */
    if ((*p == 'e' || *p == 'E')
        && (isdigit ((unsigned char) p[1])
            || ((p[1] == '+' || p[1] == '-') && isdigit ((unsigned char) p[2])))) {
        num[n++] = *p++;
        if (*p == '+' || *p == '-')
            num[n++] = *p++;
        int ed = 0;
        while (isdigit ((unsigned char) *p) && n < sizeof num - 1 && ed < 4) {
            num[n++] = *p++;
            ed++;
        }
        if (*p)
            return -1;
        num[n] = '\0';
        *out = strtod (num, NULL);
        return isfinite (*out) ? 0 : -1;
    }
    num[n] = '\0';
    double mult;
    static const struct { const char *sfx; double mult; } s_sfx[] = {
        {"", 1.0}, {"n", 1e-9}, {"u", 1e-6}, {"m", 1e-3}, {"k", 1e3}, {"M", 1e6},
        {"G", 1e9}, {"T", 1e12}, {"P", 1e15}, {"E", 1e18},
        {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0},
        {"Ti", 1099511627776.0}, {"Pi", 1125899906842624.0}, {"Ei", 1152921504606846976.0},
        {NULL, 0}};
    for (int i = 0; s_sfx[i].sfx; i++) {
        if (strcmp (p, s_sfx[i].sfx) == 0) {
            mult = s_sfx[i].mult;
            *out = strtod (num, NULL) * mult;
            return isfinite (*out) ? 0 : -1;
        }
    }
    return -1;
}

bool
qs_k8s_name_valid (const char *name, bool label)
{
    size_t n = name ? strlen (name) : 0;
    if (n == 0 || n > (label ? 63u : 253u))
        return false;
    if (!isalnum ((unsigned char) name[0]) || !isalnum ((unsigned char) name[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) name[i];
        if (!(islower (c) || isdigit (c) || c == '-' || (!label && c == '.')))
            return false;
    }
    return true;
}

/* ---- small helpers ---- */

/*  An integer field that tolerates doubles and absurd values without an
    overflowing conversion. */
static int64_t
s_int (json_object *obj, const char *key, int64_t def)
{
    json_object *v = qs_json_get (obj, key, json_type_int);
    if (v)
        return json_object_get_int64 (v);
    v = qs_json_get (obj, key, json_type_double);
    if (v) {
        double d = json_object_get_double (v);
        if (isfinite (d) && d > -9e18 && d < 9e18)
            return (int64_t) d;
    }
    return def;
}

/*  Bytes as an int64 without overflow (negative -> 0). */
static int64_t
s_bytes (double v)
{
    if (!(v > 0))
        return 0;
    return v >= 9e18 ? INT64_C (9000000000000000000) : (int64_t) llround (v);
}

static void
s_copy_str (json_object *dst, const char *key, json_object *src, const char *src_key)
{
    const char *v = qs_json_str (src, src_key, NULL);
    if (v)
        qs_json_add_str (dst, key, v);
}

/*  {"cpu_millicores","memory_bytes"} from a requests/limits map, or NULL
    when neither parses. */
static json_object *
s_resources (json_object *map)
{
    double v;
    json_object *out = NULL;
    const char *cpu = qs_json_str (map, "cpu", NULL);
    const char *mem = qs_json_str (map, "memory", NULL);
    if (cpu && qs_k8s_quantity_parse (cpu, &v) == 0) {
        out = out ? out : json_object_new_object ();
        qs_json_add_double (out, "cpu_millicores", round (v * 1000.0 * 1000.0) / 1000.0);
    }
    if (mem && qs_k8s_quantity_parse (mem, &v) == 0) {
        out = out ? out : json_object_new_object ();
        qs_json_add_int (out, "memory_bytes", s_bytes (v));
    }
    return out;
}

/*  A ContainerState -> {"waiting":{..}} | {"running":{..}} | {"terminated":{..}},
    NULL when it holds none of them. */
static json_object *
s_state (json_object *st)
{
    json_object *w = qs_json_get (st, "waiting", json_type_object);
    json_object *r = qs_json_get (st, "running", json_type_object);
    json_object *t = qs_json_get (st, "terminated", json_type_object);
    json_object *out, *inner;
    if (!w && !r && !t)
        return NULL;
    if (!(out = json_object_new_object ()) || !(inner = json_object_new_object ())) {
        json_object_put (out);
        return NULL;
    }
    if (t) {
        s_copy_str (inner, "reason", t, "reason");
        s_copy_str (inner, "message", t, "message");
        json_object *ec = qs_json_get (t, "exitCode", json_type_int);
        if (ec)
            qs_json_add_int (inner, "exitCode", json_object_get_int64 (ec));
        json_object *sig = qs_json_get (t, "signal", json_type_int);
        if (sig)
            qs_json_add_int (inner, "signal", json_object_get_int64 (sig));
        s_copy_str (inner, "startedAt", t, "startedAt");
        s_copy_str (inner, "finishedAt", t, "finishedAt");
        json_object_object_add (out, "terminated", inner);
    }
    else if (w) {
        s_copy_str (inner, "reason", w, "reason");
        s_copy_str (inner, "message", w, "message");
        json_object_object_add (out, "waiting", inner);
    }
    else {
        s_copy_str (inner, "startedAt", r, "startedAt");
        json_object_object_add (out, "running", inner);
    }
    return out;
}

static json_object *
s_find_status (json_object *statuses, const char *name)
{
    size_t n = statuses ? json_object_array_length (statuses) : 0;
    for (size_t i = 0; name && i < n; i++) {
        json_object *cs = json_object_array_get_idx (statuses, i);
        const char *cn = qs_json_str (cs, "name", NULL);
        if (cn && strcmp (cn, name) == 0)
            return cs;
    }
    return NULL;
}

/*  Join spec containers with their statuses; statuses without a spec entry
    (odd but possible in partial objects) are listed too. */
static json_object *
s_containers (json_object *specs, json_object *statuses, int64_t *restarts)
{
    json_object *out = json_object_new_array ();
    size_t ns = specs ? json_object_array_length (specs) : 0;
    size_t nt = statuses ? json_object_array_length (statuses) : 0;
    if (!out)
        return NULL;
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass == 0 ? ns : nt;
        for (size_t i = 0; i < n; i++) {
            json_object *spec = pass == 0 ? json_object_array_get_idx (specs, i) : NULL;
            json_object *cs;
            const char *name;
            if (pass == 0) {
                if (!json_object_is_type (spec, json_type_object))
                    continue;
                name = qs_json_str (spec, "name", NULL);
                cs = s_find_status (statuses, name);
            }
            else {
                cs = json_object_array_get_idx (statuses, i);
                if (!json_object_is_type (cs, json_type_object))
                    continue;
                name = qs_json_str (cs, "name", NULL);
                /* already listed with its spec */
                bool seen = false;
                for (size_t k = 0; name && k < ns && !seen; k++) {
                    const char *sn = qs_json_str (json_object_array_get_idx (specs, k), "name", NULL);
                    seen = sn && strcmp (sn, name) == 0;
                }
                if (seen)
                    continue;
            }
            json_object *c = json_object_new_object ();
            if (!c)
                continue;
            qs_json_add_str (c, "name", name ? name : "");
            const char *image = qs_json_str (cs, "image", NULL);
            if (!image)
                image = qs_json_str (spec, "image", NULL);
            if (image)
                qs_json_add_str (c, "image", image);
            qs_json_add_bool (c, "ready", qs_json_bool (cs, "ready", false));
            int64_t rc = s_int (cs, "restartCount", 0);
            rc = rc < 0 ? 0 : rc > 1000000000 ? 1000000000 : rc;
            *restarts += rc;
            qs_json_add_int (c, "restartCount", rc);
            json_object *st = s_state (qs_json_get (cs, "state", json_type_object));
            if (st)
                json_object_object_add (c, "state", st);
            json_object *ls = s_state (qs_json_get (cs, "lastState", json_type_object));
            if (ls)
                json_object_object_add (c, "lastState", ls);
            json_object *res = qs_json_get (spec, "resources", json_type_object);
            json_object *req = s_resources (qs_json_get (res, "requests", json_type_object));
            json_object *lim = s_resources (qs_json_get (res, "limits", json_type_object));
            if (req)
                json_object_object_add (c, "requests", req);
            if (lim)
                json_object_object_add (c, "limits", lim);
            json_object_array_add (out, c);
        }
    }
    return out;
}

json_object *
qs_k8s_pod_summary (json_object *pod)
{
    json_object *out = json_object_new_object ();
    if (!out)
        return NULL;
    json_object *meta = qs_json_get (pod, "metadata", json_type_object);
    json_object *spec = qs_json_get (pod, "spec", json_type_object);
    json_object *status = qs_json_get (pod, "status", json_type_object);
    qs_json_add_str (out, "name", qs_json_str (meta, "name", ""));
    s_copy_str (out, "namespace", meta, "namespace");
    qs_json_add_str (out, "phase", qs_json_str (status, "phase", "Unknown"));
    s_copy_str (out, "reason", status, "reason");
    s_copy_str (out, "message", status, "message");
    s_copy_str (out, "node", spec, "nodeName");
    s_copy_str (out, "created_at", meta, "creationTimestamp");
    if (qs_json_str (meta, "deletionTimestamp", NULL))
        qs_json_add_bool (out, "terminating", true);

    json_object *owners = qs_json_get (meta, "ownerReferences", json_type_array);
    size_t no = owners ? json_object_array_length (owners) : 0;
    for (size_t i = 0; i < no; i++) {
        json_object *o = json_object_array_get_idx (owners, i);
        const char *kind = qs_json_str (o, "kind", NULL);
        const char *name = qs_json_str (o, "name", NULL);
        /* the controller reference wins; else the first complete one */
        if (kind && name && (qs_json_bool (o, "controller", false) || i + 1 == no)) {
            json_object *own = json_object_new_object ();
            if (own) {
                qs_json_add_str (own, "kind", kind);
                qs_json_add_str (own, "name", name);
                json_object_object_add (out, "owner", own);
            }
            break;
        }
    }

    bool ready = false;
    json_object *conds = qs_json_get (status, "conditions", json_type_array);
    json_object *cl = json_object_new_array ();
    size_t nc = conds ? json_object_array_length (conds) : 0;
    for (size_t i = 0; cl && i < nc; i++) {
        json_object *c = json_object_array_get_idx (conds, i);
        const char *type = qs_json_str (c, "type", NULL);
        if (!type)
            continue;
        const char *st = qs_json_str (c, "status", "Unknown");
        if (strcmp (type, "Ready") == 0 && strcmp (st, "True") == 0)
            ready = true;
        json_object *e = json_object_new_object ();
        if (!e)
            continue;
        qs_json_add_str (e, "type", type);
        qs_json_add_str (e, "status", st);
        s_copy_str (e, "reason", c, "reason");
        s_copy_str (e, "message", c, "message");
        s_copy_str (e, "lastTransitionTime", c, "lastTransitionTime");
        json_object_array_add (cl, e);
    }
    qs_json_add_bool (out, "ready", ready);
    if (cl)
        json_object_object_add (out, "conditions", cl);

    int64_t restarts = 0;
    json_object *cs = s_containers (qs_json_get (spec, "containers", json_type_array),
                                    qs_json_get (status, "containerStatuses", json_type_array),
                                    &restarts);
    if (cs)
        json_object_object_add (out, "containers", cs);
    json_object *ispec = qs_json_get (spec, "initContainers", json_type_array);
    json_object *istat = qs_json_get (status, "initContainerStatuses", json_type_array);
    if (ispec || istat) {
        json_object *ic = s_containers (ispec, istat, &restarts);
        if (ic)
            json_object_object_add (out, "init_containers", ic);
    }
    qs_json_add_int (out, "restarts", restarts);
    return out;
}

json_object *
qs_k8s_pods_summary (json_object *pod_list)
{
    json_object *out = json_object_new_array ();
    json_object *items = qs_json_get (pod_list, "items", json_type_array);
    size_t n = items ? json_object_array_length (items) : 0;
    for (size_t i = 0; out && i < n; i++) {
        json_object *p = json_object_array_get_idx (items, i);
        if (!json_object_is_type (p, json_type_object))
            continue;
        json_object *s = qs_k8s_pod_summary (p);
        if (s)
            json_object_array_add (out, s);
    }
    return out;
}

bool
qs_k8s_pod_unhealthy (json_object *summary)
{
    if (!qs_json_bool (summary, "ready", false))
        return true;
    if (s_int (summary, "restarts", 0) > 0)
        return true;
    json_object *cs = qs_json_get (summary, "containers", json_type_array);
    size_t n = cs ? json_object_array_length (cs) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *st = qs_json_get (json_object_array_get_idx (cs, i), "state", json_type_object);
        if (qs_json_get (st, "waiting", json_type_object)
            || qs_json_get (st, "terminated", json_type_object))
            return true;
    }
    return false;
}

/* ---- events ---- */

static const char *
s_event_time (json_object *e)
{
    const char *t = qs_json_str (e, "lastTimestamp", NULL);
    if (!t)
        t = qs_json_str (e, "eventTime", NULL);
    if (!t)
        t = qs_json_str (qs_json_get (e, "series", json_type_object), "lastObservedTime", NULL);
    if (!t)
        t = qs_json_str (e, "firstTimestamp", NULL);
    if (!t)
        t = qs_json_str (qs_json_get (e, "metadata", json_type_object), "creationTimestamp", NULL);
    return t;
}

static int64_t
s_time_ms (json_object *summary)
{
    int64_t ms = 0;
    const char *t = qs_json_str (summary, "lastTimestamp", NULL);
    if (!t || qs_time_parse (t, &ms) != 0)
        return 0;
    return ms;
}

static int
s_newest_first (const void *a, const void *b)
{
    int64_t ta = s_time_ms (*(json_object *const *) a);
    int64_t tb = s_time_ms (*(json_object *const *) b);
    return ta < tb ? 1 : ta > tb ? -1 : 0;
}

json_object *
qs_k8s_events_summary (json_object *event_list, int max)
{
    json_object *out = json_object_new_array ();
    json_object *items = qs_json_get (event_list, "items", json_type_array);
    size_t n = items ? json_object_array_length (items) : 0;
    if (max <= 0)
        max = 50;
    for (size_t i = 0; out && i < n; i++) {
        json_object *e = json_object_array_get_idx (items, i);
        if (!json_object_is_type (e, json_type_object))
            continue;
        json_object *s = json_object_new_object ();
        if (!s)
            continue;
        qs_json_add_str (s, "type", qs_json_str (e, "type", "Normal"));
        qs_json_add_str (s, "reason", qs_json_str (e, "reason", ""));
        const char *msg = qs_json_str (e, "message", NULL);
        if (!msg)
            msg = qs_json_str (e, "note", "");      /* events.k8s.io/v1 shape */
        qs_json_add_str (s, "message", msg);
        int64_t count = s_int (e, "count", 0);
        if (count <= 0)
            count = s_int (qs_json_get (e, "series", json_type_object), "count", 0);
        qs_json_add_int (s, "count", count > 0 ? count : 1);
        const char *t = s_event_time (e);
        if (t)
            qs_json_add_str (s, "lastTimestamp", t);
        json_object *io = qs_json_get (e, "involvedObject", json_type_object);
        if (!io)
            io = qs_json_get (e, "regarding", json_type_object);
        const char *on = qs_json_str (io, "name", NULL);
        if (on)
            qs_json_add_str (s, "object", on);
        json_object_array_add (out, s);
    }
    if (out) {
        json_object_array_sort (out, s_newest_first);
        while ((int) json_object_array_length (out) > max)
            json_object_array_del_idx (out, json_object_array_length (out) - 1, 1);
    }
    return out;
}

/* ---- metrics ---- */

/*  Adds cpu_millicores / memory_bytes from a usage map to dst and the sums. */
static void
s_usage (json_object *dst, json_object *usage, double *cpu_sum, double *mem_sum, bool *any_cpu,
         bool *any_mem)
{
    double v;
    const char *cpu = qs_json_str (usage, "cpu", NULL);
    const char *mem = qs_json_str (usage, "memory", NULL);
    if (cpu && qs_k8s_quantity_parse (cpu, &v) == 0 && v >= 0) {
        qs_json_add_double (dst, "cpu_millicores", round (v * 1000.0 * 1000.0) / 1000.0);
        *cpu_sum += v;
        *any_cpu = true;
    }
    if (mem && qs_k8s_quantity_parse (mem, &v) == 0 && v >= 0) {
        qs_json_add_int (dst, "memory_bytes", s_bytes (v));
        *mem_sum += v;
        *any_mem = true;
    }
}

json_object *
qs_k8s_metrics_summary (json_object *metrics_list)
{
    json_object *out = json_object_new_object ();
    json_object *pods = json_object_new_array ();
    if (!out || !pods) {
        json_object_put (out);
        json_object_put (pods);
        return NULL;
    }
    qs_json_add_bool (out, "available", true);
    json_object_object_add (out, "pods", pods);
    json_object *items = qs_json_get (metrics_list, "items", json_type_array);
    size_t n = items ? json_object_array_length (items) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *pm = json_object_array_get_idx (items, i);
        if (!json_object_is_type (pm, json_type_object))
            continue;
        json_object *p = json_object_new_object ();
        json_object *cl = json_object_new_array ();
        if (!p || !cl) {
            json_object_put (p);
            json_object_put (cl);
            continue;
        }
        qs_json_add_str (p, "name",
                         qs_json_str (qs_json_get (pm, "metadata", json_type_object), "name", ""));
        s_copy_str (p, "timestamp", pm, "timestamp");
        s_copy_str (p, "window", pm, "window");
        double cpu = 0, mem = 0;
        bool any_cpu = false, any_mem = false;
        json_object *cs = qs_json_get (pm, "containers", json_type_array);
        size_t nc = cs ? json_object_array_length (cs) : 0;
        for (size_t k = 0; k < nc; k++) {
            json_object *c = json_object_array_get_idx (cs, k);
            if (!json_object_is_type (c, json_type_object))
                continue;
            json_object *e = json_object_new_object ();
            if (!e)
                continue;
            qs_json_add_str (e, "name", qs_json_str (c, "name", ""));
            s_usage (e, qs_json_get (c, "usage", json_type_object), &cpu, &mem, &any_cpu, &any_mem);
            json_object_array_add (cl, e);
        }
        if (any_cpu)
            qs_json_add_double (p, "cpu_millicores", round (cpu * 1000.0 * 1000.0) / 1000.0);
        if (any_mem)
            qs_json_add_int (p, "memory_bytes", s_bytes (mem));
        json_object_object_add (p, "containers", cl);
        json_object_array_add (pods, p);
    }
    return out;
}
