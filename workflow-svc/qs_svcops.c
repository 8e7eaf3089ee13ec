/*  qs_svcops - see qs_svcops.h */
#include "qs_svcops.h"
#include "qs_json.h"
#include "qs_util.h"
#include "qs_flows.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REF_MAX 128          /* the MCP tools' limit on "service" */
#define NAMES_SHOWN 12

//  name without case and separators into out; false when it does not fit
static bool
s_fold (const char *name, char *out, size_t size)
{
    size_t n = 0;
    for (; *name; name++) {
        if (strchr ("-_. ", *name))
            continue;
        if (n + 1 >= size)
            return false;
        out[n++] = (char) tolower ((unsigned char) *name);
    }
    out[n] = '\0';
    return true;
}

//  "a, b, c" of the names of list (array of Service), at most NAMES_SHOWN
static void
s_names (json_object *list, char *out, size_t size)
{
    size_t n = json_object_array_length (list), used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < NAMES_SHOWN && used < size; i++)
        used += (size_t) snprintf (out + used, size - used, "%s%s", i ? ", " : "",
                                   qs_json_str (json_object_array_get_idx (list, i), "name", "?"));
    if (n > NAMES_SHOWN && used < size)
        snprintf (out + used, size - used, " and %zu more", n - NAMES_SHOWN);
}

json_object *
qs_svcops_resolve (json_object *services, const char *ref, qs_err_t *err)
{
    size_t n = services ? json_object_array_length (services) : 0;
    char want[REF_MAX + 1], have[256], names[400];
    for (size_t i = 0; i < n; i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (services, i), "id", ""), ref))
            return json_object_array_get_idx (services, i);
    for (size_t i = 0; i < n; i++)
        if (!strcmp (qs_json_str (json_object_array_get_idx (services, i), "name", ""), ref))
            return json_object_array_get_idx (services, i);
    json_object *same = json_object_new_array (), *part = json_object_new_array (), *hit = NULL;
    if (s_fold (ref, want, sizeof want) && *want)
        for (size_t i = 0; i < n; i++) {
            json_object *s = json_object_array_get_idx (services, i);
            if (!s_fold (qs_json_str (s, "name", ""), have, sizeof have))
                continue;
            if (!strcmp (have, want))
                json_object_array_add (same, json_object_get (s));
            else
            if (strstr (have, want))
                json_object_array_add (part, json_object_get (s));
        }
    json_object *pick = json_object_array_length (same) ? same : part;
    if (json_object_array_length (pick) == 1)
        hit = json_object_array_get_idx (pick, 0);     /* services holds it too */
    else
    if (json_object_array_length (pick) > 1) {
        s_names (pick, names, sizeof names);
        qs_err_set (err, 404, "not_found", "'%s' matches several of your services (%s): name one",
                    ref, names);
    }
    else {
        s_names (services, names, sizeof names);
        qs_err_set (err, 404, "not_found", "no service '%s' in your organisation%s%s", ref,
                    n ? "; yours: " : " (it has no services)", n ? names : "");
    }
    json_object_put (same);
    json_object_put (part);
    return hit;
}

//  A key that names a credential never leaves
static bool
s_secret_key (const char *key)
{
    static const char *const words[] = { "password", "passwd", "secret", "token", "credential", NULL };
    for (size_t i = 0; words[i]; i++)
        if (strcasestr (key, words[i]))
            return true;
    return false;
}

//  scheme://user:pass@host... -> scheme://user@host... (new string)
static json_object *
s_uri_without_password (const char *uri)
{
    const char *auth = strstr (uri, "://");
    if (!auth)
        return json_object_new_string (uri);
    auth += 3;
    size_t span = strcspn (auth, "/?#");
    const char *at = memrchr (auth, '@', span);
    const char *colon = at ? memchr (auth, ':', (size_t) (at - auth)) : NULL;
    if (!colon)
        return json_object_new_string (uri);
    char *text = qs_strdupf ("%.*s%s", (int) (colon - uri), uri, at);
    json_object *out = json_object_new_string (text ? text : "");
    free (text);
    return out;
}

json_object *
qs_svcops_connection (json_object *connection)
{
    json_object *out = json_object_new_object ();
    if (!connection || !json_object_is_type (connection, json_type_object))
        return out;
    json_object_object_foreach (connection, key, val) {
        if (s_secret_key (key))
            continue;
        if (!strcmp (key, "uri") && json_object_is_type (val, json_type_string))
            json_object_object_add (out, key, s_uri_without_password (json_object_get_string (val)));
        else
            json_object_object_add (out, key, json_object_get (val));
    }
    return out;
}

/*  The caller's service named by the body's "service": *service_p new. */
static int
s_service (qs_wf_run_t *run, qs_req_t *req, json_object **service_p, qs_err_t *err)
{
    *service_p = NULL;
    json_object *v = NULL;
    json_object_object_get_ex (qs_req_body (req), "service", &v);
    const char *ref = v && json_object_is_type (v, json_type_string) ? json_object_get_string (v) : NULL;
    if (!ref || !*ref || json_object_get_string_len (v) > REF_MAX)
        return qs_err_set (err, 400, "bad_request",
                           "\"service\" must be a service's name or id (1 to %d characters)", REF_MAX);
    json_object *services = NULL;
    if (qs_platform_list_services (qs_wf_platform (run->wf), &run->pctx, &services, err) != 0)
        return -1;
    json_object *hit = qs_svcops_resolve (services, ref, err);
    *service_p = json_object_get (hit);
    json_object_put (services);
    return hit ? 0 : -1;
}

int
qs_svcops_list_op (qs_req_t *req, void *arg)
{
    qs_wf_run_t run;
    qs_wf_run_init (&run, arg, req, NULL);
    json_object *services = NULL;
    qs_err_t err = {0};
    if (qs_platform_list_services (qs_wf_platform (run.wf), &run.pctx, &services, &err) != 0)
        return qs_req_fail_err (req, &err);
    json_object *out = json_object_new_object ();
    json_object_object_add (out, "services", services);
    return qs_req_reply (req, &out);
}

/*  What an op makes of the caller's service (lent): *out_p new. 0 or -1. */
typedef int (s_answer_fn) (qs_wf_run_t *run, json_object *service, json_object **out_p, qs_err_t *err);

//  The ops on one service: resolve the body's "service", then answer
static int
s_answer (qs_req_t *req, void *arg, s_answer_fn *answer)
{
    qs_wf_run_t run;
    qs_wf_run_init (&run, arg, req, NULL);
    json_object *service = NULL, *out = NULL;
    qs_err_t err = {0};
    int rc = s_service (&run, req, &service, &err) == 0 ? answer (&run, service, &out, &err) : -1;
    json_object_put (service);
    return rc == 0 ? qs_req_reply (req, &out) : qs_req_fail_err (req, &err);
}

static int
s_get (qs_wf_run_t *run, json_object *service, json_object **out_p, qs_err_t *err)
{
    (void) run;
    (void) err;
    *out_p = json_object_get (service);
    return 0;
}

static int
s_diagnose (qs_wf_run_t *run, json_object *service, json_object **out_p, qs_err_t *err)
{
    if (qs_diagnose_service (run, service, out_p, err) != 0)
        return -1;
    qs_json_add_str (*out_p, "service_name", qs_json_str (service, "name", ""));
    qs_json_add_str (*out_p, "service_type", qs_json_str (service, "service_type", ""));
    return 0;
}

static int
s_connection (qs_wf_run_t *run, json_object *service, json_object **out_p, qs_err_t *err)
{
    (void) run;
    (void) err;
    json_object *out = json_object_new_object ();
    qs_json_add_str (out, "service_id", qs_json_str (service, "id", ""));
    qs_json_add_str (out, "name", qs_json_str (service, "name", ""));
    qs_json_add_str (out, "service_type", qs_json_str (service, "service_type", ""));
    json_object_object_add (out, "connection",
                            qs_svcops_connection (qs_json_get (service, "connection", json_type_object)));
    qs_json_add_str (out, "note", "the password is never shown: read it from the QuickSpin console or your "
                     "secret store");
    *out_p = out;
    return 0;
}

int
qs_svcops_get_op (qs_req_t *req, void *arg)
{
    return s_answer (req, arg, s_get);
}

int
qs_svcops_diagnose_op (qs_req_t *req, void *arg)
{
    return s_answer (req, arg, s_diagnose);
}

int
qs_svcops_connection_op (qs_req_t *req, void *arg)
{
    return s_answer (req, arg, s_connection);
}
