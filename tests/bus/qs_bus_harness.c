/*  qs_bus_harness - see qs_bus_harness.h */
#include "qs_bus_harness.h"
#include "qs_harness.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "qs_util.h"

extern char **environ;

/*  fork + execve with the environment built before the fork, so the child
    does nothing but exec (the parent has zmq threads). The child dies with
    its parent so a failed test leaves no process behind. */
static pid_t
s_spawn (const char *path, char *const argv [], const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ [n])
        n++;
    while (extra && extra [m])
        m++;
    char **envp = (char **) calloc (n + m + 1, sizeof *envp);
    if (!envp)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        envp [k++] = (char *) extra [i];
    for (size_t i = 0; i < n; i++) {
        /* extra entries override inherited ones */
        bool shadowed = false;
        const char *eq = strchr (environ [i], '=');
        size_t len = eq ? (size_t) (eq - environ [i]) + 1 : strlen (environ [i]);
        for (size_t j = 0; j < m; j++)
            if (strncmp (extra [j], environ [i], len) == 0)
                shadowed = true;
        if (!shadowed)
            envp [k++] = environ [i];
    }
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        if (getppid () != parent)
            _exit (127);
        execve (path, argv, envp);
        _exit (127);
    }
    free (envp);
    return pid;
}

static int
s_broker_spawn (qs_h_broker_t *broker, const char *const *env)
{
    const char *path = getenv ("QS_TEST_BROKER");
    if (!path)
        return -1;
    char endpoint_env [96];
    snprintf (endpoint_env, sizeof endpoint_env, "QS_BROKER_ENDPOINT=%s", broker->endpoint);
    const char *all [16] = { endpoint_env };
    size_t k = 1;
    for (size_t i = 0; env && env [i] && k < 15; i++)
        all [k++] = env [i];
    char *argv [] = { (char *) "quickspin-broker", NULL };
    broker->pid = s_spawn (path, argv, all);
    if (broker->pid <= 0)
        return -1;
    /* wait until it answers, or until it died (port taken) */
    qs_client_t *client = qs_client_new (broker->endpoint);
    int rc = -1;
    for (int i = 0; i < 40 && client; i++) {
        json_object *status = qs_client_broker_status (client, 100);
        if (status) {
            json_object_put (status);
            rc = 0;
            break;
        }
        if (!qs_h_alive (broker->pid))
            break;
    }
    qs_client_destroy (&client);
    if (rc != 0) {
        qs_h_stop (broker->pid, SIGKILL, 2000);
        broker->pid = 0;
    }
    return rc;
}

int
qs_h_broker_start (qs_h_broker_t *broker, const char *const *env)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        unsigned short rnd = 0;
        qs_random_bytes (&rnd, sizeof rnd);
        /* below the kernel's ephemeral range (32768+), so outgoing
           connections cannot be holding it */
        broker->port = 20000 + rnd % 12000;
        snprintf (broker->endpoint, sizeof broker->endpoint, "tcp://127.0.0.1:%d", broker->port);
        if (s_broker_spawn (broker, env) == 0)
            return 0;
    }
    return -1;
}

int
qs_h_broker_restart (qs_h_broker_t *broker, const char *const *env)
{
    for (int attempt = 0; attempt < 10; attempt++) {
        if (s_broker_spawn (broker, env) == 0)
            return 0;
        usleep (100000);
    }
    return -1;
}

pid_t
qs_h_worker_start (const char *endpoint, const char *service, int threads, const char *const *env)
{
    const char *path = getenv ("QS_TEST_WORKER");
    if (!path)
        return -1;
    char endpoint_env [96], threads_text [16];
    snprintf (endpoint_env, sizeof endpoint_env, "QS_BROKER_ENDPOINT=%s", endpoint);
    snprintf (threads_text, sizeof threads_text, "%d", threads);
    const char *all [16] = { endpoint_env };
    size_t k = 1;
    for (size_t i = 0; env && env [i] && k < 15; i++)
        all [k++] = env [i];
    char *argv [] = { (char *) "qs_test_worker", (char *) service, threads_text, NULL };
    return s_spawn (path, argv, all);
}

int
qs_h_stop (pid_t pid, int sig, int timeout_ms)
{
    return qs_harness_stop_pid (pid, sig, timeout_ms);
}

bool
qs_h_exited_ok (int status)
{
    return status >= 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

bool
qs_h_alive (pid_t pid)
{
    int status;
    return waitpid (pid, &status, WNOHANG) == 0;
}

int
qs_h_wait_workers (qs_client_t *client, const char *service, int want, int timeout_ms)
{
    int64_t until = qs_mono_ms () + timeout_ms;
    int count = -1;
    while (true) {
        count = qs_client_discover (client, service, 200);
        if (count == want || qs_mono_ms () >= until)
            return count;
        usleep (20000);
    }
}

int
qs_h_free_port (void)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        unsigned short rnd = 0;
        qs_random_bytes (&rnd, sizeof rnd);
        int port = 20000 + rnd % 12000;
        int fd = socket (AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return -1;
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
        addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        int rc = bind (fd, (struct sockaddr *) &addr, sizeof addr);
        close (fd);
        if (rc == 0)
            return port;
    }
    return -1;
}
