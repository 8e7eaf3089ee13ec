/*  qs_eval_check - see qs_eval_check.h */
#include "qs_eval_check.h"
#include "qs_json.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *s_intents[] = {"provision_service", "get_service_info", "troubleshoot",
                                  "optimize_costs",    "get_connection_info",
                                  "general_question",  "manage_service"};

bool
qs_eval_fail (char *why, size_t size, const char *fmt, ...)
              {
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (why, size, fmt, ap);
    va_end (ap);
    return false;
}

/*  Compact JSON of v for messages ("(absent)" for NULL); lent by v. */
static const char *
s_show (json_object *v)
{
    return v ? json_object_to_json_string_ext (v, JSON_C_TO_STRING_PLAIN) : "(absent)";
}

bool
qs_eval_json_eq (json_object *want, json_object *got)
{
    if (!want || json_object_is_type (want, json_type_null))
        return !got || json_object_is_type (got, json_type_null);
    if (!got)
        return false;
    json_type wt = json_object_get_type (want), gt = json_object_get_type (got);
    bool wnum = wt == json_type_int || wt == json_type_double;
    bool gnum = gt == json_type_int || gt == json_type_double;
    if (wnum || gnum)
        return wnum && gnum
               && fabs (json_object_get_double (want) - json_object_get_double (got)) < 1e-9;
    if (wt != gt)
        return false;
    if (wt == json_type_string)
        return strcmp (json_object_get_string (want), json_object_get_string (got)) == 0;
    if (wt == json_type_boolean)
        return json_object_get_boolean (want) == json_object_get_boolean (got);
    return strcmp (s_show (want), s_show (got)) == 0;
}

const char *
qs_eval_resolve (const qs_eval_seen_t *seen, const char *text, char *why, size_t size)
{
    if (!text || text[0] != '$')
        return text;
    int index = -1, used = 0;
    char which[4] = "", field[32] = "";
    if (sscanf (text, "$%3[a-z][%d].%31[a-z_]%n", which, &index, field, &used) != 3
        || (size_t) used != strlen (text) || index < 0) {
        qs_eval_fail (why, size, "bad reference %s", text);
        return NULL;
    }
    json_object *list = !strcmp (which, "rec") ? seen->recs : !strcmp (which, "svc") ? seen->list
                                                                                      : NULL;
    json_object *item = list ? json_object_array_get_idx (list, (size_t) index) : NULL;
    if (!item) {
        qs_eval_fail (why, size, "%s: the last %s list has no item %d", text,
                      !strcmp (which, "rec") ? "recommendation" : "service", index);
        return NULL;
    }
    if (!strcmp (field, "action_type"))
        return !strcmp (qs_json_str (item, "type", ""), "delete_idle") ? "delete_service"
                                                                      : "update_service";
    const char *v = qs_json_str (item, field, NULL);
    if (!v)
        qs_eval_fail (why, size, "%s: the item has no %s", text, field);
    return v;
}

json_object *
qs_eval_pending (json_object *reply)
{
    json_object *actions = qs_json_get (reply, "actions", json_type_array);
    size_t n = actions ? json_object_array_length (actions) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        if (!strcmp (qs_json_str (a, "status", ""), "pending_confirmation"))
            return a;
    }
    return NULL;
}

static json_object *
s_action_by_id (json_object *reply, const char *id)
{
    json_object *actions = qs_json_get (reply, "actions", json_type_array);
    size_t n = actions ? json_object_array_length (actions) : 0;
    for (size_t i = 0; i < n && id && *id; i++) {
        json_object *a = json_object_array_get_idx (actions, i);
        if (!strcmp (qs_json_str (a, "id", ""), id))
            return a;
    }
    return NULL;
}

static void
s_add_id (json_object *set, const char *id)
{
    if (id && *id)
        json_object_object_add (set, id, json_object_new_boolean (1));
}

json_object *
qs_eval_subject (json_object *reply)
{
    json_object *set = json_object_new_object ();
    json_object *services = qs_json_path (reply, "metadata.services");
    size_t n = json_object_is_type (services, json_type_array)
                   ? json_object_array_length (services) : 0;
    for (size_t i = 0; i < n; i++)
        s_add_id (set, qs_json_str (json_object_array_get_idx (services, i), "id", NULL));
    s_add_id (set, qs_json_str (qs_json_path (reply, "metadata.diagnosis"), "service_id", NULL));
    json_object *actions = qs_json_get (reply, "actions", json_type_array);
    n = actions ? json_object_array_length (actions) : 0;
    for (size_t i = 0; i < n; i++)
        s_add_id (set, qs_json_str (json_object_array_get_idx (actions, i), "service_id", NULL));
    return set;
}

/*  Contract section 4 and 8: every ChatResponse has these, whatever the turn. */
static bool
s_invariants (const qs_eval_seen_t *seen, json_object *reply, char *why, size_t size)
{
    const char *conv = qs_json_str (reply, "conversation_id", "");
    if (!*conv)
        return qs_eval_fail (why, size, "no conversation_id");
    if (seen->conversation_id && *seen->conversation_id && strcmp (conv, seen->conversation_id))
        return qs_eval_fail (why, size, "conversation_id changed: %s", conv);
    const char *intent = qs_json_str (reply, "intent", "");
    bool known = false;
    for (size_t i = 0; i < sizeof s_intents / sizeof s_intents[0]; i++)
        known = known || !strcmp (intent, s_intents[i]);
    if (!known)
        return qs_eval_fail (why, size, "intent \"%s\" is not one of the seven", intent);
    if (!qs_json_get (reply, "actions", json_type_array))
        return qs_eval_fail (why, size, "no actions array");
    json_object *meta = qs_json_get (reply, "metadata", json_type_object);
    json_object *conf = meta ? qs_json_path (meta, "confidence") : NULL;
    if (!conf || !(json_object_is_type (conf, json_type_double)
                   || json_object_is_type (conf, json_type_int))
        || json_object_get_double (conf) < 0 || json_object_get_double (conf) > 1)
        return qs_eval_fail (why, size, "metadata.confidence missing or outside 0..1: %s",
                             s_show (conf));
    if (!qs_json_str (meta, "workflow", NULL) || !qs_json_str (meta, "engine", NULL))
        return qs_eval_fail (why, size, "metadata.workflow or metadata.engine missing");
    bool ok = true;
    json_object *subject = qs_eval_subject (reply);
    json_object_object_foreach (subject, id, unused) {
        (void) unused;
        if (ok && seen->org_ids && !json_object_object_get_ex (seen->org_ids, id, NULL))
            ok = qs_eval_fail (why, size, "the reply is about %s, not a service of the user's org",
                               id);
    }
    json_object_put (subject);
    return ok;
}

/*  Section 5's formula, when the reply has a new service's plan and an
    estimate (section 4: the provision workflow's metadata). */
static bool
s_estimate (const qs_eval_seen_t *seen, json_object *reply, char *why, size_t size)
{
    if (strcmp (qs_json_str (reply, "intent", ""), "provision_service"))
        return true;
    json_object *cfg = qs_json_path (reply, "metadata.config");
    json_object *est = qs_json_path (reply, "metadata.estimate");
    const char *tier = qs_json_str (cfg, "tier", NULL);
    if (!seen->pricing || !tier || !est || !qs_json_path (est, "monthly_cost"))
        return true;
    json_object *t = qs_json_path (qs_json_get (seen->pricing, "tiers", json_type_object), tier);
    if (!t)
        return qs_eval_fail (why, size, "plan tier \"%s\" is not a platform tier", tier);
    double want = qs_json_double (t, "hourly", 0)
                  * qs_json_double (seen->pricing, "hours_per_month", 730)
                  * (double) qs_json_int (cfg, "replicas", 1)
                  * (qs_json_bool (cfg, "high_availability", false)
                         ? qs_json_double (seen->pricing, "ha_multiplier", 2) : 1)
                  * (qs_json_bool (cfg, "backup_enabled", false)
                         ? qs_json_double (seen->pricing, "backup_multiplier", 1.2) : 1);
    double got = qs_json_double (est, "monthly_cost", -1);
    if (fabs (got - want) > 0.02 + want * 0.001)
        return qs_eval_fail (why, size, "estimate %.2f/month does not fit the plan %s (want %.2f)",
                             got, s_show (cfg), want);
    return true;
}

/*  Every key of want equals got's (got may be NULL). */
static bool
s_subset (const char *what, json_object *want, json_object *got, char *why, size_t size)
{
    json_object_object_foreach (want, key, w) {
        json_object *g = NULL;
        if (got)
            json_object_object_get_ex (got, key, &g);
        if (!qs_eval_json_eq (w, g))
            return qs_eval_fail (why, size, "%s.%s: want %s, got %s", what, key, s_show (w),
                                 s_show (g));
    }
    return true;
}

static bool
s_string_in (json_object *want, const char *got)
{
    if (json_object_is_type (want, json_type_string))
        return !strcmp (json_object_get_string (want), got);
    size_t n = json_object_is_type (want, json_type_array) ? json_object_array_length (want) : 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp (json_object_get_string (json_object_array_get_idx (want, i)), got))
            return true;
    return false;
}

static bool
s_subject (const qs_eval_seen_t *seen, json_object *expect, json_object *reply, char *why,
           size_t size)
{
    json_object *exact = qs_json_get (expect, "subject", json_type_array);
    json_object *incl = qs_json_get (expect, "subject_includes", json_type_array);
    bool unresolved = qs_json_bool (expect, "unresolved", false);
    if (!exact && !incl && !unresolved)
        return true;
    json_object *got = qs_eval_subject (reply);
    json_object *want = exact ? exact : incl;
    bool ok = true;
    size_t n = want ? json_object_array_length (want) : 0;
    for (size_t i = 0; i < n && ok; i++) {
        json_object *item = json_object_array_get_idx (want, i);
        const char *id = qs_eval_resolve (seen, json_object_get_string (item), why, size);
        ok = id != NULL;
        if (ok && !json_object_object_get_ex (got, id, NULL))
            ok = qs_eval_fail (why, size, "subject: want %s among %s", id, s_show (got));
    }
    if (ok && exact && (size_t) json_object_object_length (got) != n)
        ok = qs_eval_fail (why, size, "subject: want exactly %s, got %s", s_show (exact),
                           s_show (got));
    if (ok && unresolved && json_object_object_length (got) == 1)
        ok = qs_eval_fail (why, size, "want no service resolved, got %s", s_show (got));
    json_object_put (got);
    return ok;
}

static bool
s_mentions (json_object *names, json_object *reply, char *why, size_t size)
{
    const char *text = qs_json_str (reply, "message", "");
    size_t n = json_object_is_type (names, json_type_array) ? json_object_array_length (names) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_object_get_string (json_object_array_get_idx (names, i));
        if (!strcasestr (text, name))
            return qs_eval_fail (why, size, "the answer does not mention \"%s\"", name);
    }
    return true;
}

static bool
s_has_finding (json_object *reply, const char *code)
{
    json_object *f = qs_json_path (reply, "metadata.diagnosis.findings");
    size_t n = json_object_is_type (f, json_type_array) ? json_object_array_length (f) : 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (f, i), "code", ""), code))
            return true;
    return false;
}

/*  The action state the turn expects, from the reply alone. */
static bool
s_action (const qs_eval_seen_t *seen, json_object *expect, json_object *reply, char *why,
          size_t size)
{
    const char *state = qs_json_str (expect, "action", NULL);
    json_object *pending = qs_eval_pending (reply);
    const char *pid = qs_json_str (pending, "id", "");
    bool fresh = pending && strcmp (pid, seen->current) && strcmp (pid, seen->previous);
    if (!state)
        return true;
    if (!strcmp (state, "pending") || !strcmp (state, "revised")) {
        if (!fresh)
            return qs_eval_fail (why, size, "want a new pending action, got %s",
                                 s_show (qs_json_get (reply, "actions", json_type_array)));
        json_object *old = s_action_by_id (reply, seen->current);
        if (old && !strcmp (qs_json_str (old, "status", ""), "pending_confirmation"))
            return qs_eval_fail (why, size, "the earlier action %s is still listed as pending",
                                 seen->current);
    }
    if (!strcmp (state, "revised")) {
        if (!*seen->current)
            return qs_eval_fail (why, size, "script error: nothing to revise");
        json_object *rev = qs_json_path (reply, "metadata.revision");
        if (rev && strcmp (qs_json_str (rev, "supersedes", ""), seen->current))
            return qs_eval_fail (why, size, "metadata.revision.supersedes is %s, want %s",
                                 qs_json_str (rev, "supersedes", "(none)"), seen->current);
    }
    if ((!strcmp (state, "none") || !strcmp (state, "cancelled")) && fresh)
        return qs_eval_fail (why, size, "want no new pending action, got %s (%s)", pid,
                             qs_json_str (pending, "type", "?"));
    if (!strcmp (state, "executed") || !strcmp (state, "cancelled") || !strcmp (state, "failed")) {
        const char *want = !strcmp (state, "executed") ? "executed" : state;
        json_object *a = s_action_by_id (reply, seen->current);
        if (!*seen->current)
            return qs_eval_fail (why, size, "script error: no current action to be %s", want);
        if (a && strcmp (qs_json_str (a, "status", ""), want))
            return qs_eval_fail (why, size, "action %s is %s, want %s", seen->current,
                                 qs_json_str (a, "status", "?"), want);
        if (!a && strcmp (state, "cancelled"))
            return qs_eval_fail (why, size, "the reply does not report action %s as %s",
                                 seen->current, want);
    }
    return true;
}

static bool
s_pending_fields (const qs_eval_seen_t *seen, json_object *expect, json_object *reply, char *why,
                  size_t size)
{
    json_object *pending = qs_eval_pending (reply);
    const char *keys[] = {"action_type", "service_id"};
    const char *fields[] = {"type", "service_id"};
    for (int i = 0; i < 2; i++) {
        const char *want = qs_json_str (expect, keys[i], NULL);
        if (!want)
            continue;
        if (!(want = qs_eval_resolve (seen, want, why, size)))
            return false;
        const char *got = qs_json_str (pending, fields[i], "(none)");
        if (strcmp (want, got))
            return qs_eval_fail (why, size, "pending action %s: want %s, got %s", fields[i], want,
                                 got);
    }
    json_object *change = qs_json_get (expect, "change", json_type_object);
    json_object *after = qs_json_path (pending, "change.after");
    if (change && !s_subset ("change.after", change, after, why, size))
        return false;
    json_object *cfg = qs_json_get (expect, "config", json_type_object);
    json_object *mcfg = qs_json_path (reply, "metadata.config");
    if (cfg && !s_subset ("metadata.config", cfg, mcfg, why, size))
        return false;
    json_object *acfg = qs_json_get (pending, "config", json_type_object);
    if (cfg && acfg && !s_subset ("action.config", cfg, acfg, why, size))
        return false;
    return true;
}

bool
qs_eval_check_reply (const qs_eval_seen_t *seen, json_object *expect, json_object *reply,
                     char *why, size_t size)
{
    if (!s_invariants (seen, reply, why, size) || !s_estimate (seen, reply, why, size))
        return false;
    if (!expect)
        return true;
    json_object *intent = NULL;
    if (json_object_object_get_ex (expect, "intent", &intent)
        && !s_string_in (intent, qs_json_str (reply, "intent", "")))
        return qs_eval_fail (why, size, "intent: want %s, got %s", s_show (intent),
                             qs_json_str (reply, "intent", "?"));
    if (!s_subject (seen, expect, reply, why, size) || !s_action (seen, expect, reply, why, size)
        || !s_pending_fields (seen, expect, reply, why, size))
        return false;
    json_object *asks = NULL;
    if (json_object_object_get_ex (expect, "asks", &asks)) {
        /* a clarifying question acts on nothing: no diagnosis, no new plan */
        json_object *diag = qs_json_path (reply, "metadata.diagnosis");
        if (diag)
            return qs_eval_fail (why, size, "want a question, got a diagnosis of %s",
                                 qs_json_str (diag, "service_id", "?"));
        json_object *pending = qs_eval_pending (reply);
        if (pending && strcmp (qs_json_str (pending, "id", ""), seen->current))
            return qs_eval_fail (why, size, "want a question, got a pending action %s",
                                 qs_json_str (pending, "type", "?"));
        if (!strchr (qs_json_str (reply, "message", ""), '?'))
            return qs_eval_fail (why, size, "want a question, the answer asks none: %.120s",
                                 qs_json_str (reply, "message", ""));
        if (!s_mentions (asks, reply, why, size))
            return false;
    }
    const char *finding = qs_json_str (expect, "finding", NULL);
    if (finding && !s_has_finding (reply, finding))
        return qs_eval_fail (why, size, "want finding %s, got %s", finding,
                             s_show (qs_json_path (reply, "metadata.diagnosis.findings")));
    return s_mentions (qs_json_get (expect, "mentions", json_type_array), reply, why, size);
}
