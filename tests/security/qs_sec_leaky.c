/*  qs_sec_leaky - see qs_sec_leaky.h */
#include "qs_sec_leaky.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct _qs_sec_leaky_t {
    int fd;
    int port;
    atomic_int hits;
    atomic_bool stop;
    pthread_t thread;
};

static void
s_serve_one (qs_sec_leaky_t *self, int c)
{
    char req[16384];
    size_t len = 0;
    //  the head and whatever body arrives with it; a short wait is enough
    while (len < sizeof req - 1) {
        struct pollfd p = {.fd = c, .events = POLLIN};
        if (poll (&p, 1, 200) <= 0)
            break;
        ssize_t n = recv (c, req + len, sizeof req - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
        req[len] = '\0';
        char *end = strstr (req, "\r\n\r\n");
        const char *cl = strcasestr (req, "\r\nContent-Length:");
        if (end && (!cl || cl > end || len - (size_t) (end + 4 - req) >= (size_t) atol (cl + 17)))
            break;
    }
    req[len] = '\0';
    char key[4096] = "(none)";
    const char *auth = strcasestr (req, "\r\nAuthorization:");
    if (auth) {
        auth += 16;
        while (*auth == ' ')
            auth++;
        if (strncasecmp (auth, "Bearer ", 7) == 0)     /* the key alone, as OpenAI quotes it */
            auth += 7;
        size_t n = strcspn (auth, "\r\n");
        if (n >= sizeof key)
            n = sizeof key - 1;
        memcpy (key, auth, n);
        key[n] = '\0';
    }
    char body[4400];
    int blen = snprintf (body, sizeof body,
                         "{\"error\":{\"message\":\"Incorrect API key provided: %s\","
                         "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}", key);
    char head[256];
    int hlen = snprintf (head, sizeof head,
                         "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                         "WWW-Authenticate: %.40s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
                         key, blen);
    (void) send (c, head, (size_t) hlen, MSG_NOSIGNAL);
    (void) send (c, body, (size_t) blen, MSG_NOSIGNAL);
    atomic_fetch_add (&self->hits, 1);
}

static void *
s_run (void *arg)
{
    qs_sec_leaky_t *self = arg;
    while (!atomic_load (&self->stop)) {
        struct pollfd p = {.fd = self->fd, .events = POLLIN};
        if (poll (&p, 1, 100) <= 0)
            continue;
        int c = accept (self->fd, NULL, NULL);
        if (c < 0)
            continue;
        s_serve_one (self, c);
        close (c);
    }
    return NULL;
}

qs_sec_leaky_t *
qs_sec_leaky_new (void)
{
    qs_sec_leaky_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof addr;
    if (self->fd < 0 || bind (self->fd, (struct sockaddr *) &addr, sizeof addr) != 0
        || listen (self->fd, 64) != 0
        || getsockname (self->fd, (struct sockaddr *) &addr, &alen) != 0) {
        if (self->fd >= 0)
            close (self->fd);
        free (self);
        return NULL;
    }
    self->port = ntohs (addr.sin_port);
    if (pthread_create (&self->thread, NULL, s_run, self) != 0) {
        close (self->fd);
        free (self);
        return NULL;
    }
    return self;
}

void
qs_sec_leaky_destroy (qs_sec_leaky_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_sec_leaky_t *self = *self_p;
    atomic_store (&self->stop, true);
    pthread_join (self->thread, NULL);
    close (self->fd);
    free (self);
    *self_p = NULL;
}

int
qs_sec_leaky_port (qs_sec_leaky_t *self)
{
    return self ? self->port : 0;
}

int
qs_sec_leaky_hits (qs_sec_leaky_t *self)
{
    return self ? atomic_load (&self->hits) : 0;
}
