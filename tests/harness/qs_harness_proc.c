/*  qs_harness_proc - one child process of a test (see qs_harness.h) */
#include "qs_harness.h"
#include "qs_util.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_MAX_ARGS 16
#define S_MAX_ENV  64

struct _qs_proc_t {
    char *name;
    char *path;
    char *argv[S_MAX_ARGS + 1];
    char *env[S_MAX_ENV + 1];    /* the extra entries, owned */
    pid_t pid;
    int status;                  /* exit status once reaped */
    bool exited;
    char log[512];
};

extern char **environ;

char *
qs_build_path (const char *rel)
{
    const char *dir = getenv ("QS_BUILD_DIR");
    return qs_strdupf ("%s/%s", dir ? dir : ".", rel);
}

/*  The child's environment: the extra entries, then every inherited one
    they do not override. Built before the fork so the child only execs. */
static char **
s_envp (qs_proc_t *self)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (self->env[m])
        m++;
    char **envp = calloc (n + m + 1, sizeof *envp);
    if (!envp)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        //  a later extra entry wins over an earlier one with the same name
        const char *eq = strchr (self->env[i], '=');
        size_t len = eq ? (size_t) (eq - self->env[i]) + 1 : strlen (self->env[i]);
        bool later = false;
        for (size_t j = i + 1; j < m; j++)
            if (strncmp (self->env[j], self->env[i], len) == 0)
                later = true;
        if (!later)
            envp[k++] = self->env[i];
    }
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr (environ[i], '=');
        size_t len = eq ? (size_t) (eq - environ[i]) + 1 : strlen (environ[i]);
        bool shadowed = false;
        for (size_t j = 0; j < m && !shadowed; j++)
            shadowed = strncmp (self->env[j], environ[i], len) == 0;
        if (!shadowed)
            envp[k++] = environ[i];
    }
    return envp;
}

static int
s_spawn (qs_proc_t *self)
{
    char **envp = s_envp (self);
    if (!envp)
        return -1;
    pid_t parent = getpid ();
    self->pid = fork ();
    if (self->pid == 0) {
        //  never outlive the test (a timeout or crash skips the teardown)
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        if (getppid () != parent)
            _exit (127);
        int fd = open (self->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2 (fd, STDOUT_FILENO);
            dup2 (fd, STDERR_FILENO);
            close (fd);
        }
        execve (self->path, self->argv, envp);
        fprintf (stderr, "exec %s: %s\n", self->path, strerror (errno));
        _exit (127);
    }
    free (envp);
    if (self->pid < 0)
        return -1;
    self->exited = false;
    self->status = 0;
    return 0;
}

qs_proc_t *
qs_proc_start (const char *name, const char *path, char *const argv[], char *const env_extra[])
{
    qs_proc_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->name = strdup (name);
    self->path = strdup (path);
    self->argv[0] = strdup (argv && argv[0] ? argv[0] : path);
    size_t nargs = 0, nenv = 0;
    while (argv && argv[nargs])
        nargs++;
    while (env_extra && env_extra[nenv])
        nenv++;
    for (size_t i = 1; i < nargs && i < S_MAX_ARGS; i++)
        self->argv[i] = strdup (argv[i]);
    for (size_t i = 0; i < nenv && i < S_MAX_ENV; i++)
        self->env[i] = strdup (env_extra[i]);
    const char *dir = getenv ("QS_BUILD_DIR");
    const char *own = getenv ("QS_TEST_OUT_DIR");     /* a test's own log folder */
    char outdir[400];
    if (own && *own)
        snprintf (outdir, sizeof outdir, "%s", own);
    else
        snprintf (outdir, sizeof outdir, "%s/tests/out", dir ? dir : ".");
    mkdir (outdir, 0755);
    snprintf (self->log, sizeof self->log, "%s/%s.log", outdir, name);
    //  more than it can hold is a test's mistake: refuse rather than drop some
    if (!self->name || !self->path || !self->argv[0] || nargs > S_MAX_ARGS
        || nenv > S_MAX_ENV || s_spawn (self) != 0) {
        self->exited = true;
        qs_proc_destroy (&self);
    }
    return self;
}

int
qs_proc_restart (qs_proc_t *self)
{
    if (!self)
        return -1;
    if (!self->exited)
        qs_proc_stop (self, SIGTERM, 15000);
    return s_spawn (self);
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
qs_proc_name (qs_proc_t *self)
{
    return self->name;
}

const char *
qs_proc_log (qs_proc_t *self)
{
    return self->log;
}

static int
s_exit_code (int status)
{
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

bool
qs_proc_alive (qs_proc_t *self)
{
    if (!self || self->exited)
        return false;
    if (waitpid (self->pid, &self->status, WNOHANG) == self->pid)
        self->exited = true;
    return !self->exited;
}

bool
qs_proc_reaped (qs_proc_t *self)
{
    return self && self->exited;
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
    return s_exit_code (self->status);
}

int
qs_proc_stop (qs_proc_t *self, int sig, int timeout_ms)
{
    if (!self)
        return -1;
    if (!self->exited) {
        int status = qs_harness_stop_pid (self->pid, sig, timeout_ms);
        self->exited = true;
        self->status = status < 0 ? (SIGKILL & 0x7f) : status;
    }
    return s_exit_code (self->status);
}

void
qs_proc_print_log (qs_proc_t *self)
{
    FILE *f = self ? fopen (self->log, "r") : NULL;
    if (!f)
        return;
    char line[1024];
    fprintf (stderr, "---- %s ----\n", self->log);
    while (fgets (line, sizeof line, f))
        fputs (line, stderr);
    fclose (f);
}

void
qs_proc_destroy (qs_proc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_proc_t *self = *self_p;
    if (!self->exited)
        qs_harness_stop_pid (self->pid, SIGTERM, 5000);
    free (self->name);
    free (self->path);
    for (size_t i = 0; self->argv[i]; i++)
        free (self->argv[i]);
    for (size_t i = 0; self->env[i]; i++)
        free (self->env[i]);
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

void
qs_harness_marker (const char *what, const char *id)
{
    const char *dir = getenv ("QS_TEST_MARKER_DIR");
    char *path = dir ? qs_strdupf ("%s/%s-%s", dir, what, id) : NULL;
    FILE *file = path ? fopen (path, "w") : NULL;
    if (file)
        fclose (file);
    free (path);
}

int
qs_free_port (void)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        unsigned short rnd = 0;
        qs_random_bytes (&rnd, sizeof rnd);
        int port = 20000 + rnd % 12000;
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return -1;
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons ((uint16_t) port)};
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        int rc = bind (fd, (struct sockaddr *) &addr, sizeof addr);
        close (fd);
        if (rc == 0)
            return port;
    }
    return -1;
}

bool
qs_wait_tcp (int port, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons ((uint16_t) port)};
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        bool ok = fd >= 0 && connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0;
        if (fd >= 0)
            close (fd);
        if (ok)
            return true;
        usleep (50000);
    }
    return false;
}

static size_t
s_discard (char *data, size_t size, size_t nmemb, void *arg)
{
    (void) data; (void) arg;
    return size * nmemb;
}

int
qs_wait_status (const char *url, long want, int timeout_ms)
{
    CURL *curl = curl_easy_init ();
    if (!curl)
        return -1;
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    int64_t t0 = qs_mono_ms ();
    int took = -1;
    while (took < 0 && qs_mono_ms () - t0 < timeout_ms) {
        long status = 0;
        if (curl_easy_perform (curl) == CURLE_OK)
            curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
        if (status == want)
            took = (int) (qs_mono_ms () - t0);
        else
            usleep (100000);
    }
    curl_easy_cleanup (curl);
    return took;
}

bool
qs_wait_http (const char *url, int timeout_ms)
{
    return qs_wait_status (url, 200, timeout_ms) >= 0;
}
