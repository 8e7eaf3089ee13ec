/*  qs_urlguard - see qs_urlguard.h. */
#include "qs_urlguard.h"
#include "qs_util.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static bool
s_v4_blocked (uint32_t a)
{
    static const struct { uint32_t net; int bits; } blocked[] = {
        { 0x00000000, 8 },  { 0x0a000000, 8 },  { 0x64400000, 10 }, { 0x7f000000, 8 },
        { 0xa9fe0000, 16 }, { 0xac100000, 12 }, { 0xc0000000, 24 }, { 0xc0000200, 24 },
        { 0xc0a80000, 16 }, { 0xc6120000, 15 }, { 0xc6336400, 24 }, { 0xcb007100, 24 },
        { 0xe0000000, 4 },  { 0xf0000000, 4 },
    };
    for (size_t i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
        uint32_t mask = 0xffffffffu << (32 - blocked[i].bits);
        if ((a & mask) == blocked[i].net)
            return true;
    }
    return false;
}

static bool
s_v6_blocked (const unsigned char *b)
{
    static const unsigned char zero[12] = {0};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    //  forms that carry an IPv4 address (::a.b.c.d, ::ffff:a.b.c.d, NAT64):
    //  judge the IPv4 address, which also covers :: and ::1
    if (!memcmp (b, zero, 12) || !memcmp (b, mapped, 12) || !memcmp (b, nat64, 12)) {
        uint32_t v4 = (uint32_t) b[12] << 24 | (uint32_t) b[13] << 16 | (uint32_t) b[14] << 8 | b[15];
        bool loopback_v6 = !memcmp (b, zero, 12) && v4 == 1;
        return loopback_v6 || s_v4_blocked (v4);
    }
    return (b[0] & 0xfe) == 0xfc                     /* fc00::/7 unique local */
        || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)   /* fe80::/10 link-local */
        || (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)   /* fec0::/10 old site-local */
        || b[0] == 0xff                              /* multicast */
        || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)  /* documentation */
        || (b[0] == 0x01 && !memcmp (b + 1, zero, 7));                     /* 100::/64 discard */
}

bool
qs_urlguard_address_blocked (const char *address)
{
    struct in_addr v4;
    struct in6_addr v6;
    if (address && inet_pton (AF_INET, address, &v4) == 1)
        return s_v4_blocked (ntohl (v4.s_addr));
    if (address && inet_pton (AF_INET6, address, &v6) == 1)
        return s_v6_blocked (v6.s6_addr);
    return true;
}

/*  scheme://host[:port][/...], no user info. 0 or -1 with why. */
static int
s_parse (const char *url, qs_urlguard_target_t *t, const char **why)
{
    const char *rest;
    if (!strncasecmp (url, "https://", 8))
        qs_strlcpy (t->scheme, "https", sizeof t->scheme), rest = url + 8, t->port = 443;
    else
    if (!strncasecmp (url, "http://", 7))
        qs_strlcpy (t->scheme, "http", sizeof t->scheme), rest = url + 7, t->port = 80;
    else
        return *why = "only http and https URLs are accepted", -1;
    size_t alen = strcspn (rest, "/?#");
    if (memchr (rest, '@', alen))
        return *why = "a webhook URL may not carry a user name or password", -1;
    const char *host = rest, *host_end, *after;
    if (*rest == '[') {
        host = rest + 1;
        host_end = memchr (host, ']', alen);
        if (!host_end)
            return *why = "the URL's IPv6 address lacks its closing bracket", -1;
        after = host_end + 1;
    }
    else {
        host_end = memchr (rest, ':', alen);
        if (!host_end)
            host_end = rest + alen;
        after = host_end;
    }
    size_t hlen = (size_t) (host_end - host);
    while (hlen && host[hlen - 1] == '.')      /* "example.com." is example.com */
        hlen--;
    if (hlen == 0 || hlen >= sizeof t->host)
        return *why = "the URL has no usable host", -1;
    for (size_t i = 0; i < hlen; i++) {
        unsigned char c = (unsigned char) host[i];
        if (!(isalnum (c) || c == '.' || c == '-' || c == ':' || c == '_'))
            return *why = "the URL's host has characters a host name cannot have", -1;
        t->host[i] = (char) tolower (c);
    }
    t->host[hlen] = 0;
    if (after < rest + alen) {
        if (*after != ':' || after + 1 == rest + alen)
            return *why = "the URL's port is not a number", -1;
        char *end;
        long port = strtol (after + 1, &end, 10);
        if (end != rest + alen || port < 1 || port > 65535)
            return *why = "the URL's port is not a number from 1 to 65535", -1;
        t->port = (int) port;
    }
    return 0;
}

int
qs_urlguard_check (const char *url, const char *allow_hosts, qs_urlguard_target_t *target,
                   qs_err_t *err)
{
    memset (target, 0, sizeof *target);
    const char *why = NULL;
    if (!url || !*url || strlen (url) > QS_URLGUARD_URL_MAX)
        return qs_err_set (err, 422, "webhook_not_allowed", "the webhook URL must be 1 to %d characters",
                           QS_URLGUARD_URL_MAX);
    for (const char *p = url; *p; p++)
        if ((unsigned char) *p <= ' ' || *p == 0x7f)
            return qs_err_set (err, 422, "webhook_not_allowed", "the webhook URL contains spaces or control characters");
    if (s_parse (url, target, &why) != 0)
        return qs_err_set (err, 422, "webhook_not_allowed", "%s", why);
    target->allowed_by_list = qs_list_has (allow_hosts, target->host);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo (target->host, NULL, &hints, &res) != 0 || !res)
        return qs_err_set (err, 422, "webhook_not_allowed", "the webhook's host %s does not resolve", target->host);
    int rc = 0;
    for (struct addrinfo *ai = res; ai && rc == 0; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN] = "";
        const void *raw = ai->ai_family == AF_INET ? (const void *) &((struct sockaddr_in *) ai->ai_addr)->sin_addr
                        : (const void *) &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr;
        inet_ntop (ai->ai_family, raw, text, sizeof text);
        if (!target->allowed_by_list && qs_urlguard_address_blocked (text))
            rc = qs_err_set (err, 422, "webhook_not_allowed",
                             "the webhook's host %s resolves to a loopback, private, link-local or "
                             "multicast address; an operator may allow it with QS_NOTIFY_ALLOW_HOSTS",
                             target->host);
        else
        if (!target->address[0])
            qs_strlcpy (target->address, text, sizeof target->address);
    }
    freeaddrinfo (res);
    return rc;
}
