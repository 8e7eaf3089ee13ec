/*  qs_env - see qs_env.h */
#include "qs_env.h"
#include "qs_log.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

const char *
qs_env_str (const char *name, const char *def)
{
    const char *v = getenv (name);
    return (v && *v) ? v : def;
}

int
qs_env_int (const char *name, long def, long min, long max, long *out)
{
    *out = def;
    const char *v = qs_env_str (name, NULL);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long n = strtol (v, &end, 10);
    if (errno || *end || n < min || n > max) {
        qs_error (NULL, "config: %s must be an integer in [%ld, %ld]", name, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

int
qs_env_double (const char *name, double def, double min, double max, double *out)
{
    *out = def;
    const char *v = qs_env_str (name, NULL);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    double n = strtod (v, &end);
    if (errno || *end || !(n >= min && n <= max)) {
        qs_error (NULL, "config: %s must be a number in [%g, %g]", name, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

bool
qs_env_bool (const char *name, bool def)
{
    const char *v = qs_env_str (name, NULL);
    if (!v)
        return def;
    if (!strcasecmp (v, "1") || !strcasecmp (v, "true") || !strcasecmp (v, "yes")
        || !strcasecmp (v, "on"))
        return true;
    if (!strcasecmp (v, "0") || !strcasecmp (v, "false") || !strcasecmp (v, "no")
        || !strcasecmp (v, "off"))
        return false;
    return def;
}

const char *
qs_env_broker_endpoint (void)
{
    return qs_env_str ("QS_BROKER_ENDPOINT", "tcp://127.0.0.1:5555");
}

bool
qs_is_loopback_host (const char *host)
{
    if (!host || !*host)
        return false;
    if (!strcasecmp (host, "localhost"))
        return true;
    char buf[64];
    size_t n = strlen (host);
    if (host[0] == '[' && n > 2 && host[n - 1] == ']' && n - 2 < sizeof buf) {
        memcpy (buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        host = buf;
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton (AF_INET, host, &a4) == 1)
        return (ntohl (a4.s_addr) >> 24) == 127;
    if (inet_pton (AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK (&a6);
    return false;
}
