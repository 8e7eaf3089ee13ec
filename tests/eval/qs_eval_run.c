/*  qs_eval_run - see qs_eval_run.h */
#include "qs_eval_run.h"
#include "qs_eval_check.h"
#include "qs_cli_http.h"
#include "qs_sse.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*  One script's state between turns. */
typedef struct {
    qs_eval_env_t *env;
    char *token;
    char conv[128];
    char current[128];          /* the latest pending action */
    char previous[128];         /* the one it superseded */
    json_object *org_ids;       /* ids of the org's services (keys) */
    json_object *start_ids;     /* the same at the start of the script */
    json_object *recs, *list;   /* the last recommendations / listed services */
    json_object *change;        /* the current pending action's service_id and change */
} s_script_t;

static double
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static void
s_record (qs_eval_env_t *env, double ms)
{
    if (env->nlat == env->cap) {
        size_t cap = env->cap ? env->cap * 2 : 256;
        double *lat = realloc (env->lat, cap * sizeof *lat);
        if (!lat)
            return;
        env->lat = lat;
        env->cap = cap;
    }
    env->lat[env->nlat++] = ms;
}

long
qs_eval_chat (qs_eval_env_t *env, const char *token, const char *conversation_id,
              const char *message, json_object **reply_p)
{
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "message", message);
    if (conversation_id && *conversation_id)
        qs_json_add_str (body, "conversation_id", conversation_id);
    double t0 = s_now_ms ();
    long status = qs_harness_http ("POST", env->gateway, "/api/v1/chat", token, qs_json_text (body),
                               reply_p);
    s_record (env, s_now_ms () - t0);
    json_object_put (body);
    return status;
}

static int
s_cmp (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

double
qs_eval_percentile (qs_eval_env_t *env, size_t from, double p)
{
    if (from >= env->nlat)
        return 0;
    size_t n = env->nlat - from;
    qsort (env->lat + from, n, sizeof (double), s_cmp);
    size_t i = (size_t) (p / 100.0 * (double) n + 0.999999);
    return env->lat[from + (i == 0 ? 0 : i - 1 < n ? i - 1 : n - 1)];
}

int
qs_eval_reset (qs_eval_env_t *env)
{
    return qs_harness_http ("POST", env->sandbox, "/__sandbox/reset", NULL, "{}", NULL) == 200 ? 0 : -1;
}

/*  The org's service ids as keys of a new object, or NULL. *list_p (may be
    NULL) gets the services array (caller puts). */
static json_object *
s_org_ids (s_script_t *s, json_object **list_p)
{
    json_object *resp = NULL;
    if (qs_harness_http ("GET", s->env->sandbox, "/api/v1/services", s->token, NULL, &resp) != 200) {
        json_object_put (resp);
        return NULL;
    }
    json_object *ids = json_object_new_object ();
    json_object *services = qs_json_get (resp, "services", json_type_array);
    for (size_t i = 0; services && i < json_object_array_length (services); i++) {
        json_object *svc = json_object_array_get_idx (services, i);
        json_object_object_add (ids, qs_json_str (svc, "id", "?"), json_object_new_boolean (1));
    }
    if (list_p)
        *list_p = json_object_get (services);
    json_object_put (resp);
    return ids;
}

/*  Confirming id again must be refused with 409 (superseded, settled). */
static bool
s_expect_409 (s_script_t *s, const char *id, const char *what, char *why, size_t size)
{
    char path[256];
    snprintf (path, sizeof path, "/api/v1/actions/%s/confirm", id);
    long st = qs_harness_http ("POST", s->env->gateway, path, s->token, "{}", NULL);
    if (st == 409)
        return true;
    return qs_eval_fail (why, size, "confirming the %s action %s answered %ld, want 409", what,
                         id, st);
}

/*  Every key of want equals the service's field. */
static bool
s_fields (json_object *want, json_object *svc, char *why, size_t size)
{
    json_object_object_foreach (want, key, w) {
        json_object *g = NULL;
        json_object_object_get_ex (svc, key, &g);
        if (!strcmp (key, "id"))
            continue;
        if (!qs_eval_json_eq (w, g))
            return qs_eval_fail (why, size, "platform: %s.%s is %s, want %s",
                                 qs_json_str (svc, "name", "?"), key,
                                 g ? json_object_get_string (g) : "absent",
                                 json_object_get_string (w));
    }
    return true;
}

/*  "created": exactly one service appeared since the script began, as
    planned (want NULL: none appeared). */
static bool
s_created (s_script_t *s, json_object *want, char *why, size_t size)
{
    json_object *services = NULL, *ids = s_org_ids (s, &services);
    json_object *made = NULL;
    int count = 0;
    for (size_t i = 0; services && i < json_object_array_length (services); i++) {
        json_object *svc = json_object_array_get_idx (services, i);
        if (!json_object_object_get_ex (s->start_ids, qs_json_str (svc, "id", ""), NULL)) {
            made = svc;
            count++;
        }
    }
    bool ok = count == (want ? 1 : 0)
                  ? !want || s_fields (want, made, why, size)
                  : qs_eval_fail (why, size, "platform: %d services were created, want %d", count,
                                  want ? 1 : 0);
    if (ids) {
        json_object_put (s->org_ids);
        s->org_ids = ids;
    }
    json_object_put (services);
    return ok;
}

static bool
s_platform (s_script_t *s, json_object *want, char *why, size_t size)
{
    char path[256];
    const char *id = qs_json_str (want, "id", "");
    snprintf (path, sizeof path, "/api/v1/services/%s", id);
    json_object *svc = NULL;
    long st = qs_harness_http ("GET", s->env->sandbox, path, s->token, NULL, &svc);
    bool ok = st == 200 ? s_fields (want, svc, why, size)
                        : qs_eval_fail (why, size, "platform: GET %s answered %ld", id, st);
    json_object_put (svc);
    return ok;
}

/*  What a turn checks with more requests, after its reply fitted. */
static bool
s_after (s_script_t *s, json_object *expect, char *why, size_t size)
{
    const char *state = qs_json_str (expect, "action", "");
    if (!strcmp (state, "revised") && !s_expect_409 (s, s->previous, "superseded", why, size))
        return false;
    if ((!strcmp (state, "executed") || !strcmp (state, "cancelled") || !strcmp (state, "failed"))
        && !s_expect_409 (s, s->current, state, why, size))
        return false;
    json_object *want = qs_json_get (expect, "created", json_type_object);
    if (want && !s_created (s, want, why, size))
        return false;
    if (qs_json_bool (expect, "nothing_created", false) && !s_created (s, NULL, why, size))
        return false;
    want = qs_json_get (expect, "platform", json_type_object);
    if (want && !s_platform (s, want, why, size))
        return false;
    if (qs_json_bool (expect, "applied", false)) {
        /* the platform now shows exactly the change the confirmed action proposed */
        json_object *after = qs_json_path (s->change, "change.after");
        json_object *svc = json_object_new_object ();
        qs_json_add_str (svc, "id", qs_json_str (s->change, "service_id", ""));
        json_object_object_foreach (after, key, val)
            json_object_object_add (svc, key, json_object_get (val));
        bool ok = after ? s_platform (s, svc, why, size)
                        : qs_eval_fail (why, size, "the confirmed action had no change.after");
        json_object_put (svc);
        if (!ok)
            return false;
    }
    const char *gone = qs_json_str (expect, "deleted", NULL);
    if (gone) {
        char path[256];
        snprintf (path, sizeof path, "/api/v1/services/%s", gone);
        long st = qs_harness_http ("GET", s->env->sandbox, path, s->token, NULL, NULL);
        if (st != 404)
            return qs_eval_fail (why, size, "platform: %s still answers %ld after the delete",
                                 gone, st);
    }
    return true;
}

/*  Remember what later turns refer to: the conversation, the pending action,
    the last recommendations and service list. */
static void
s_remember (s_script_t *s, json_object *reply)
{
    qs_strlcpy (s->conv, qs_json_str (reply, "conversation_id", s->conv), sizeof s->conv);
    json_object *pending = qs_eval_pending (reply);
    const char *id = qs_json_str (pending, "id", "");
    if (*id && strcmp (id, s->current)) {
        qs_strlcpy (s->previous, s->current, sizeof s->previous);
        qs_strlcpy (s->current, id, sizeof s->current);
        json_object_put (s->change);
        s->change = json_object_get (pending);
    }
    json_object *recs = qs_json_path (reply, "metadata.optimization.recommendations");
    if (json_object_is_type (recs, json_type_array)) {
        json_object_put (s->recs);
        s->recs = json_object_get (recs);
    }
    json_object *list = qs_json_path (reply, "metadata.services");
    if (json_object_is_type (list, json_type_array) && json_object_array_length (list) > 1) {
        json_object_put (s->list);
        s->list = json_object_get (list);
    }
}

/*  One streamed answer: the `done` event's ChatResponse, and the first
    event name the contract does not allow. */
typedef struct {
    qs_sse_t *sse;
    json_object *done;
    char odd[64];
} s_stream_t;

static int
s_on_event (const qs_sse_event_t *ev, void *arg)
{
    s_stream_t *t = arg;
    const char *event = ev->name, *data = ev->data;
    if (!strcmp (event, "done")) {
        json_object_put (t->done);
        t->done = qs_json_parse (data, strlen (data), NULL);
    }
    else if (strcmp (event, "intent") && strcmp (event, "step") && strcmp (event, "token")
             && strcmp (event, "error") && !t->odd[0])
        snprintf (t->odd, sizeof t->odd, "%s", event);
    return 0;
}

static int
s_on_chunk (const char *data, size_t len, void *arg)
{
    return qs_sse_feed (((s_stream_t *) arg)->sse, data, len) ? -1 : 0;
}

/*  POST /api/v1/chat/stream: *reply_p gets the `done` ChatResponse. */
static long
s_stream (s_script_t *s, const char *message, json_object **reply_p, char *why, size_t size)
{
    s_stream_t t = {.done = NULL};
    t.sse = qs_sse_new (s_on_event, &t, 0);
    json_object *body = json_object_new_object ();
    qs_json_add_str (body, "message", message);
    if (*s->conv)
        qs_json_add_str (body, "conversation_id", s->conv);
    qs_http_resp_t resp = {0};
    qs_err_t err = {0};
    long st = -1;
    double t0 = s_now_ms ();
    if (t.sse && qs_cli_http_stream ("POST", s->env->gateway, "/api/v1/chat/stream", s->token,
                                     body, 60000, s_on_chunk, NULL, &t, &resp, &err) == 0) {
        s_record (s->env, s_now_ms () - t0);
        st = resp.status;
        qs_sse_feed (t.sse, "\n\n", 2);
        if (st == 200 && (t.odd[0] || !t.done)) {
            qs_eval_fail (why, size, t.odd[0] ? "the stream sent an event \"%s\""
                                               : "the stream ended without a done event%s", t.odd);
            st = -1;
        }
    }
    else
        qs_eval_fail (why, size, "the stream failed: %s", err.message);
    *reply_p = st == 200 ? t.done : resp.body ? qs_json_parse (resp.body, resp.len, NULL) : NULL;
    if (st != 200)
        json_object_put (t.done);
    qs_http_resp_clear (&resp);
    qs_sse_destroy (&t.sse);
    json_object_put (body);
    return st;
}

/*  A turn's request: "say" (chat; over the stream with "stream": true),
    "confirm" or "cancel" ("current" or "previous" action, optional
    "confirm_name"). */
static long
s_request (s_script_t *s, json_object *turn, json_object **reply_p, char *why, size_t size)
{
    const char *say = qs_json_str (turn, "say", NULL);
    if (say && qs_json_bool (turn, "stream", false))
        return s_stream (s, say, reply_p, why, size);
    if (say)
        return qs_eval_chat (s->env, s->token, s->conv, say, reply_p);
    const char *verb = qs_json_get (turn, "confirm", json_type_string) ? "confirm" : "cancel";
    const char *which = qs_json_str (turn, verb, "current");
    const char *id = !strcmp (which, "previous") ? s->previous : s->current;
    if (!*id) {
        qs_eval_fail (why, size, "no %s action to %s", which, verb);
        return -1;
    }
    char path[256];
    snprintf (path, sizeof path, "/api/v1/actions/%s/%s", id, verb);
    json_object *body = json_object_new_object ();
    const char *name = qs_json_str (turn, "confirm_name", NULL);
    if (name)
        qs_json_add_str (body, "confirm_name", name);
    long st = qs_harness_http ("POST", s->env->gateway, path, s->token, qs_json_text (body), reply_p);
    json_object_put (body);
    return st;
}

/*  A reply about a service the org did not have when the ids were read (one
    this turn created): read the org's services again, as the platform is
    what says whose a service is. */
static void
s_org_ids_fresh (s_script_t *s, json_object *reply)
{
    json_object *subject = qs_eval_subject (reply);
    bool unknown = false;
    json_object_object_foreach (subject, id, unused) {
        (void) unused;
        unknown = unknown || (s->org_ids && !json_object_object_get_ex (s->org_ids, id, NULL));
    }
    json_object_put (subject);
    json_object *ids = unknown ? s_org_ids (s, NULL) : NULL;
    if (ids) {
        json_object_put (s->org_ids);
        s->org_ids = ids;
    }
}

static bool
s_turn (s_script_t *s, json_object *turn, char *why, size_t size)
{
    json_object *expect = qs_json_get (turn, "expect", json_type_object), *reply = NULL;
    long want = qs_json_int (expect, "status", 200);
    long st = s_request (s, turn, &reply, why, size);
    if (getenv ("QS_EVAL_DUMP"))    /* debugging a script: every reply */
        printf ("  %ld %s\n", st, reply ? qs_json_text (reply) : "");
    bool ok = st >= 0;
    if (ok && st != want)
        ok = qs_eval_fail (why, size, "HTTP %ld, want %ld: %.200s", st, want,
                           reply ? qs_json_text (reply) : "");
    else if (ok && st != 200 && !qs_json_str (qs_json_path (reply, "error"), "code", NULL))
        ok = qs_eval_fail (why, size, "HTTP %ld without the contract's error shape", st);
    if (ok && st == 200) {
        s_org_ids_fresh (s, reply);
        qs_eval_seen_t seen = {.conversation_id = s->conv, .current = s->current,
                               .previous = s->previous, .org_ids = s->org_ids,
                               .pricing = s->env->pricing, .recs = s->recs, .list = s->list};
        ok = qs_eval_check_reply (&seen, expect, reply, why, size);
        s_remember (s, reply);
    }
    ok = ok && s_after (s, expect, why, size);
    json_object_put (reply);
    return ok;
}

bool
qs_eval_run_script (qs_eval_env_t *env, json_object *script, char *why, size_t size)
{
    s_script_t s = {.env = env};
    char sub[128];
    snprintf (sub, sizeof sub, "eval-%s", qs_json_str (script, "id", "script"));
    bool ok = qs_eval_reset (env) == 0 || qs_eval_fail (why, size, "could not reset the sandbox");
    if (ok) {
        s.token = qs_harness_token (sub, qs_json_str (script, "org", "org-acme"),
                                qs_json_str (script, "roles", "member"));
        s.org_ids = s.token ? s_org_ids (&s, NULL) : NULL;
        s.start_ids = s.org_ids ? json_object_get (s.org_ids) : NULL;
        ok = s.org_ids || qs_eval_fail (why, size, "could not list the org's services");
    }
    json_object *turns = qs_json_get (script, "turns", json_type_array);
    size_t n = turns ? json_object_array_length (turns) : 0;
    for (size_t i = 0; ok && i < n; i++) {
        json_object *turn = json_object_array_get_idx (turns, i);
        char inner[768];
        if (!s_turn (&s, turn, inner, sizeof inner)) {
            const char *label = qs_json_str (turn, "say", NULL);
            char req[160];
            if (label)
                snprintf (req, sizeof req, "\"%s\"", label);
            else
                snprintf (req, sizeof req, "%s %s", qs_json_get (turn, "confirm", json_type_string)
                                                         ? "confirm" : "cancel",
                          qs_json_str (turn, "confirm", qs_json_str (turn, "cancel", "current")));
            ok = qs_eval_fail (why, size, "turn %zu %s: %s", i + 1, req, inner);
        }
    }
    json_object_put (s.recs);
    json_object_put (s.list);
    json_object_put (s.change);
    json_object_put (s.org_ids);
    json_object_put (s.start_ids);
    free (s.token);
    return ok;
}
