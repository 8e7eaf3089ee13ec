/*  qs_sec_http - see qs_sec_http.h */
#include "qs_sec_http.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
qs_sec_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons ((uint16_t) port)};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        close (fd);
        return -1;
    }
    return fd;
}

const char *
qs_sec_header (const qs_sec_resp_t *resp, const char *name, char *out, size_t size)
{
    size_t nlen = strlen (name);
    const char *line = strstr (resp->head, "\r\n");
    while (line && line[2]) {
        line += 2;
        if (strncasecmp (line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr (v, "\r\n");
            size_t n = end ? (size_t) (end - v) : strlen (v);
            if (n >= size)
                n = size - 1;
            memcpy (out, v, n);
            out[n] = '\0';
            return out;
        }
        line = strstr (line, "\r\n");
    }
    return NULL;
}

int
qs_sec_read (int fd, int timeout_ms, qs_sec_resp_t *resp)
{
    memset (resp, 0, sizeof *resp);
    size_t cap = 16384, len = 0;
    char *buf = malloc (cap + 1);
    if (!buf)
        return 0;
    long long deadline = s_now_ms () + timeout_ms;
    long content_length = -1;
    char *body = NULL;
    for (;;) {
        if (body && content_length >= 0 && (long) (len - (size_t) (body - buf)) >= content_length)
            break;
        long long left = deadline - s_now_ms ();
        if (left <= 0)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll (&p, 1, (int) left) <= 0)
            break;
        if (len == cap) {
            size_t off = body ? (size_t) (body - buf) : 0;
            char *nbuf = realloc (buf, cap * 2 + 1);
            if (!nbuf)
                break;
            buf = nbuf;
            cap *= 2;
            if (body)
                body = buf + off;
        }
        ssize_t n = recv (fd, buf + len, cap - len, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
        buf[len] = '\0';
        if (!body) {
            char *end = strstr (buf, "\r\n\r\n");
            if (end) {
                body = end + 4;
                size_t hlen = (size_t) (end - buf) + 2;
                if (hlen >= sizeof resp->head)
                    hlen = sizeof resp->head - 1;
                memcpy (resp->head, buf, hlen);
                resp->head[hlen] = '\0';
                char v[32];
                if (qs_sec_header (resp, "Content-Length", v, sizeof v))
                    content_length = atol (v);
            }
        }
    }
    buf[len] = '\0';
    if (body) {
        resp->body_len = len - (size_t) (body - buf);
        resp->body = malloc (resp->body_len + 1);
        if (resp->body) {
            memcpy (resp->body, body, resp->body_len);
            resp->body[resp->body_len] = '\0';
        }
        if (strncmp (resp->head, "HTTP/1.", 7) == 0)
            resp->status = atoi (resp->head + 9);
    }
    free (buf);
    return resp->status;
}

int
qs_sec_request (int port, const char *req, size_t len, int timeout_ms, qs_sec_resp_t *resp)
{
    memset (resp, 0, sizeof *resp);
    int fd = qs_sec_connect (port);
    if (fd < 0)
        return 0;
    size_t sent = 0;
    while (sent < len) {
        ssize_t n = send (fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;           /* the server may answer before taking it all */
        sent += (size_t) n;
    }
    int status = qs_sec_read (fd, timeout_ms, resp);
    close (fd);
    return status;
}

void
qs_sec_resp_free (qs_sec_resp_t *resp)
{
    free (resp->body);
    resp->body = NULL;
}

char *
qs_sec_format (const char *method, const char *path, const char *token, const char *body,
               const char *extra)
{
    char *out = NULL;
    char auth[4200] = "";
    if (token)
        snprintf (auth, sizeof auth, "Authorization: Bearer %s\r\n", token);
    char clen[80] = "";
    if (body)
        snprintf (clen, sizeof clen, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                  strlen (body));
    if (asprintf (&out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s\r\n%s",
                  method, path, auth, clen, extra ? extra : "", body ? body : "") < 0)
        return NULL;
    return out;
}
