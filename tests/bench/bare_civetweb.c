/*  bare_civetweb - the reference point for the gateway's health numbers: a
    civetweb server with nothing but one handler answering the fixed JSON
    body of GET /api/v1/health, configured like the gateway (thread per
    connection, keep-alive, TCP_NODELAY). Whatever the gateway loses against
    it is our own per-request work; what it loses against nginx is civetweb's.

    usage: bare_civetweb PORT THREADS   (listens on 127.0.0.1; stops on SIGTERM) */
#include <civetweb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
s_health (struct mg_connection *conn, void *arg)
{
    (void) arg;
    static const char body[] = "{\"status\":\"ok\",\"version\":\"0.1.0\"}";
    char out[256];
    int n = snprintf (out, sizeof out,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n%s", sizeof body - 1, body);
    mg_write (conn, out, (size_t) n);
    return 200;
}

int
main (int argc, char **argv)
{
    if (argc != 3 || atoi (argv [1]) <= 0 || atoi (argv [2]) <= 0) {
        fprintf (stderr, "usage: bare_civetweb PORT THREADS\n");
        return 1;
    }
    char ports [64];
    snprintf (ports, sizeof ports, "127.0.0.1:%d", atoi (argv [1]));
    const char *options [] = {
        "listening_ports", ports, "num_threads", argv [2], "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", "5000", "tcp_nodelay", "1", NULL
    };
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, SIGTERM);
    sigaddset (&set, SIGINT);
    pthread_sigmask (SIG_BLOCK, &set, NULL);     /* civetweb's threads inherit the mask */
    mg_init_library (0);
    struct mg_callbacks callbacks;
    memset (&callbacks, 0, sizeof callbacks);
    struct mg_context *ctx = mg_start (&callbacks, NULL, options);
    if (!ctx) {
        fprintf (stderr, "bare_civetweb: cannot listen on %s\n", ports);
        mg_exit_library ();
        return 1;
    }
    mg_set_request_handler (ctx, "/api/v1/health", s_health, NULL);
    int sig = 0;
    sigwait (&set, &sig);
    mg_stop (ctx);
    mg_exit_library ();
    return 0;
}
