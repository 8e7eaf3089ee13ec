/*  qs_harness - see qs_harness.h */
#include "qs_harness.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct _qs_proc_t {
    pid_t pid;
    int status;
    bool exited;
    char log[512];
};

extern char **environ;

char *
qs_build_path (const char *rel)
{
    const char *dir = getenv ("QS_BUILD_DIR");
    char *out = NULL;
    if (asprintf (&out, "%s/%s", dir ? dir : ".", rel) < 0)
        return NULL;
    return out;
}

qs_proc_t *
qs_proc_start (const char *name, const char *path, char *const argv[], char *const env_extra[])
{
    qs_proc_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    const char *dir = getenv ("QS_BUILD_DIR");
    const char *own = getenv ("QS_TEST_OUT_DIR");     /* a test's own log folder */
    char outdir[400];
    if (own && *own)
        snprintf (outdir, sizeof outdir, "%s", own);
    else
        snprintf (outdir, sizeof outdir, "%s/tests/out", dir ? dir : ".");
    mkdir (outdir, 0755);
    snprintf (self->log, sizeof self->log, "%s/%s.log", outdir, name);
    self->pid = fork ();
    if (self->pid < 0) {
        free (self);
        return NULL;
    }
    if (self->pid == 0) {
        int fd = open (self->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2 (fd, STDOUT_FILENO);
            dup2 (fd, STDERR_FILENO);
            close (fd);
        }
        for (size_t i = 0; env_extra && env_extra[i]; i++)
            putenv (env_extra[i]);
        char *def_argv[] = {(char *) path, NULL};
        char *const *use = argv ? argv : def_argv;
        execve (path, use, environ);
        fprintf (stderr, "exec %s: %s\n", path, strerror (errno));
        _exit (127);
    }
    return self;
}

int
qs_proc_signal (qs_proc_t *self, int sig)
{
    return self && !self->exited ? kill (self->pid, sig) : -1;
}

pid_t
qs_proc_pid (qs_proc_t *self)
{
    return self->pid;
}

const char *
qs_proc_log (qs_proc_t *self)
{
    return self->log;
}

int
qs_proc_wait (qs_proc_t *self, int timeout_ms)
{
    if (!self)
        return -1;
    for (int waited = 0; !self->exited; waited += 20) {
        pid_t r = waitpid (self->pid, &self->status, WNOHANG);
        if (r == self->pid) {
            self->exited = true;
            break;
        }
        if (r < 0 || waited >= timeout_ms)
            return -1;
        usleep (20000);
    }
    return WIFEXITED (self->status) ? WEXITSTATUS (self->status) : 128 + WTERMSIG (self->status);
}

void
qs_proc_destroy (qs_proc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_proc_t *self = *self_p;
    if (!self->exited)
        qs_harness_stop_pid (self->pid, SIGTERM, 5000);
    free (self);
    *self_p = NULL;
}

int
qs_harness_stop_pid (pid_t pid, int sig, int timeout_ms)
{
    if (pid <= 0)
        return -1;
    if (sig)
        kill (pid, sig);
    int status = 0;
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        pid_t got = waitpid (pid, &status, WNOHANG);
        if (got == pid)
            return status;
        if (got < 0)
            return -1;
        usleep (10000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, &status, 0);
    return -1;
}

int
qs_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = -1;
    if (fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0
        && getsockname (fd, (struct sockaddr *) &addr, &len) == 0)
        port = ntohs (addr.sin_port);
    if (fd >= 0)
        close (fd);
    return port;
}

static size_t
s_discard (char *data, size_t size, size_t nmemb, void *arg)
{
    (void) data; (void) arg;
    return size * nmemb;
}

bool
qs_wait_http (const char *url, int timeout_ms)
{
    CURL *curl = curl_easy_init ();
    bool ok = false;
    if (!curl)
        return false;
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    for (int waited = 0; waited < timeout_ms && !ok; waited += 100) {
        long status = 0;
        if (curl_easy_perform (curl) == CURLE_OK) {
            curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
            ok = status == 200;
        }
        if (!ok)
            usleep (100000);
    }
    curl_easy_cleanup (curl);
    return ok;
}
