/*  quickspin-sandbox - a stand-in QuickSpin platform API and Kubernetes API
    for local runs and tests. NOT a real platform: production must never
    point QS_PLATFORM_URL or QS_K8S_API_URL at it. */
#include "qs_sbx_k8s.h"
#include "qs_sbx_server.h"
#include "qs_log.h"
#include "qs_util.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
    qs_log_init ("quickspin-sandbox");
    if (argc > 1 && (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h"))) {
        printf ("usage: quickspin-sandbox\n"
                "A SANDBOX QuickSpin platform API + Kubernetes API subset for local runs and tests.\n"
                "env: QS_SANDBOX_ADDR (default %s), QS_SANDBOX_ALLOW_REMOTE, QS_JWT_SECRET,\n"
                "     QS_SANDBOX_K8S_TOKEN (default %s), QS_SANDBOX_PROVISION_DELAY_MS (default 2000)\n"
                "see tests/sandbox/README.md\n", QS_SBX_DEFAULT_ADDR, QS_SBX_K8S_DEFAULT_TOKEN);
        return 0;
    }
    qs_sbx_config_t cfg;
    qs_err_t err;
    qs_err_clear (&err);
    if (qs_sbx_config_from_env (&cfg, &err) != 0) {
        qs_error (NULL, "%s", err.message);
        return 2;
    }
    fprintf (stderr,
             "==================================================================\n"
             "  SANDBOX - not a real platform.\n"
             "  quickspin-sandbox serves fake QuickSpin platform and Kubernetes\n"
             "  APIs with seeded tenants. Production must never talk to it.\n"
             "==================================================================\n");
    if (cfg.dev_secret)
        qs_warn (NULL, "QS_JWT_SECRET is unset: verifying tokens with the built-in DEV secret");
    /*  Blocked before the HTTP threads start (they inherit the mask) and
        taken by sigwait: a handler could run on any thread while main sat
        in pause(), or fire between the flag test and pause(). */
    sigset_t sigs;
    sigemptyset (&sigs);
    sigaddset (&sigs, SIGINT);
    sigaddset (&sigs, SIGTERM);
    pthread_sigmask (SIG_BLOCK, &sigs, NULL);
    qs_sbx_server_t *server = qs_sbx_server_new (&cfg, qs_now_ms ());
    if (!server) {
        qs_error (NULL, "could not create the sandbox");
        return 1;
    }
    if (qs_sbx_server_start (server, &err) != 0) {
        qs_error (NULL, "%s", err.message);
        qs_sbx_server_destroy (&server);
        return 1;
    }
    qs_info (NULL, "SANDBOX listening on http://%s%s%s:%d (platform API /api/v1, Kubernetes API, "
             "control /__sandbox) provision_delay_ms=%d", strchr (cfg.host, ':') ? "[" : "", cfg.host,
             strchr (cfg.host, ':') ? "]" : "", cfg.port, cfg.provision_delay_ms);
    int sig = 0;
    while (sigwait (&sigs, &sig) != 0)
        ;
    qs_info (NULL, "signal %d: stopping", sig);
    qs_sbx_server_destroy (&server);
    return 0;
}
