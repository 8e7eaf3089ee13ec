/*  qs_route - see qs_route.h */
#include "qs_route.h"
#include "qs_util.h"
#include <stdio.h>
#include <string.h>

const char *const *
qs_route_services (void)
{
    return qs_ops_services ();
}

static const char *
s_param (const qs_route_match_t *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (!strcmp (m->params[i].name, name))
            return m->params[i].value;
    return NULL;
}

const char *
qs_route_service (const qs_route_match_t *match)
{
    if (!match || !match->route)
        return NULL;
    return match->route->service ? match->route->service : s_param (match, "service");
}

//  A {service} parameter names one of the product's services, nothing else
static bool
s_service_ok (const qs_route_t *route, const qs_route_match_t *m)
{
    if (route->kind != QS_ROUTE_BUS || route->service)
        return true;
    const char *name = s_param (m, "service");
    const char *const *services = qs_ops_services ();
    for (size_t i = 0; name && services[i]; i++)
        if (!strcmp (name, services[i]))
            return true;
    return false;
}

const qs_route_t *
qs_route_table (size_t *count)
{
    return qs_ops_http (count);
}

bool
qs_route_allows (const qs_route_t *route, unsigned roles)
{
    return qs_ops_allows (route, roles);
}

//  A path parameter must look like an id: bounded, URL-safe characters only,
//  so nothing odd reaches a service and unknown shapes are a plain 404.
static bool
s_param_ok (const char *s, size_t len)
{
    if (len == 0 || len > 128)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok)
            return false;
    }
    return !(len <= 2 && s[0] == '.');   /* "." and ".." are not ids */
}

//  Match one pattern against path segment by segment. 1 on match (params
//  filled), 0 when the path does not fit (a malformed id does not fit: it
//  is an unknown resource).
static int
s_match (const char *pattern, const char *path, qs_route_match_t *m)
{
    m->nparams = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return 0;
        p++;
        s++;
        const char *pend = strchr (p, '/');
        const char *send = strchr (s, '/');
        size_t plen = pend ? (size_t) (pend - p) : strlen (p);
        size_t slen = send ? (size_t) (send - s) : strlen (s);
        if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (m->nparams >= QS_ROUTE_MAX_PARAMS)
                return 0;
            qs_route_param_t *param = &m->params[m->nparams];
            size_t nlen = plen - 2 < sizeof param->name - 1 ? plen - 2 : sizeof param->name - 1;
            memcpy (param->name, p + 1, nlen);
            param->name[nlen] = '\0';
            if (!s_param_ok (s, slen))
                return 0;
            memcpy (param->value, s, slen);
            param->value[slen] = '\0';
            m->nparams++;
        }
        else
        if (plen != slen || memcmp (p, s, plen) != 0)
            return 0;
        p += plen;
        s += slen;
    }
    return (*p == '\0' && *s == '\0') ? 1 : 0;
}

int
qs_route_find (const char *method, const char *path, qs_route_match_t *match,
               char *allow, size_t allow_size, qs_err_t *err)
{
    memset (match, 0, sizeof *match);
    if (allow && allow_size)
        allow[0] = '\0';
    if (!method || !path)
        return qs_err_set (err, 404, "not_found", "no such resource");
    size_t count = 0;
    const qs_route_t *table = qs_route_table (&count);
    bool path_known = false;
    size_t allow_len = 0;
    for (size_t i = 0; i < count; i++) {
        qs_route_match_t m;
        memset (&m, 0, sizeof m);
        if (s_match (table[i].pattern, path, &m) != 1 || !s_service_ok (&table[i], &m))
            continue;
        if (!strcmp (table[i].method, method)) {
            *match = m;
            match->route = &table[i];
            return 0;
        }
        path_known = true;
        if (allow && allow_size > allow_len) {
            int n = snprintf (allow + allow_len, allow_size - allow_len, "%s%s",
                              allow_len ? ", " : "", table[i].method);
            if (n > 0)
                allow_len += (size_t) n;
        }
    }
    if (path_known)
        return qs_err_set (err, 405, "method_not_allowed", "method %s is not allowed here",
                           strcmp (method, "GET") && strcmp (method, "POST")
                           && strcmp (method, "DELETE") && strcmp (method, "PUT")
                           && strcmp (method, "PATCH") && strcmp (method, "HEAD")
                           && strcmp (method, "OPTIONS") ? "(other)" : method);
    return qs_err_set (err, 404, "not_found", "no such resource");
}
