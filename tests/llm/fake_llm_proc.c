/*  fake_llm_proc - see fake_llm_proc.h */
#include "fake_llm_proc.h"
#include "qs_harness.h"
#include "qs_http.h"
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "qs_json.h"
#include "qs_util.h"

extern char **environ;

int
fake_llm_start (fake_llm_t *f, const char *api_key)
{
    memset (f, 0, sizeof *f);
    f->stdin_fd = -1;
    const char *script = getenv ("QS_FAKE_LLM");
    if (!script)
        return -1;
    int in[2], out[2];
    if (pipe (in) || pipe (out))
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init (&fa);
    posix_spawn_file_actions_adddup2 (&fa, in[0], 0);
    posix_spawn_file_actions_adddup2 (&fa, out[1], 1);
    posix_spawn_file_actions_addclose (&fa, in[1]);
    posix_spawn_file_actions_addclose (&fa, out[0]);
    char *argv[8] = {"python3", (char *) script, "--exit-on-eof", NULL, NULL, NULL};
    if (api_key) {
        argv[3] = "--api-key";
        argv[4] = (char *) api_key;
    }
    int rc = posix_spawnp (&f->pid, "python3", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy (&fa);
    close (in[0]);
    close (out[1]);
    if (rc != 0) {
        close (in[1]);
        close (out[0]);
        return -1;
    }
    f->stdin_fd = in[1];
    char line[64] = "";
    size_t len = 0;
    int64_t until = qs_mono_ms () + 10000;
    while (len < sizeof line - 1 && !strchr (line, '\n') && qs_mono_ms () < until) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll (&p, 1, 200) <= 0)
            continue;
        ssize_t n = read (out[0], line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        len += (size_t) n;
        line[len] = '\0';
    }
    close (out[0]);
    if (sscanf (line, "PORT %d", &f->port) != 1) {
        fake_llm_stop (f);
        return -1;
    }
    snprintf (f->root, sizeof f->root, "http://127.0.0.1:%d", f->port);
    snprintf (f->base_url, sizeof f->base_url, "%s/openai/v1", f->root);
    return 0;
}

void
fake_llm_stop (fake_llm_t *f)
{
    if (f->stdin_fd >= 0)
        close (f->stdin_fd);
    f->stdin_fd = -1;
    if (f->pid <= 0)
        return;
    /* the fake exits when its stdin closes */
    qs_harness_stop_pid (f->pid, 0, 3000);
    f->pid = 0;
}

static char *
s_http (fake_llm_t *f, const char *path, const char *body)
{
    char url[256];
    snprintf (url, sizeof url, "%s%s", f->root, path);
    qs_http_t *http = qs_http_new ();
    if (!http)
        return NULL;
    qs_http_req_t req = {.method = body ? "POST" : "GET", .url = url, .body = body,
                         .body_len = body ? strlen (body) : 0, .timeout_ms = 5000};
    qs_http_resp_t resp;
    char *out = NULL;
    if (qs_http_perform (http, &req, &resp) == 0 && resp.status == 200) {
        out = resp.body;
        resp.body = NULL;
    }
    qs_http_resp_clear (&resp);
    qs_http_destroy (&http);
    return out;
}

static int
s_post_list (fake_llm_t *f, const char *path, const char *key, const char **items)
{
    json_object *body = json_object_new_object ();
    json_object *arr = json_object_new_array ();
    for (int i = 0; items[i]; i++)
        json_object_array_add (arr, json_object_new_string (items[i]));
    json_object_object_add (body, key, arr);
    char *out = s_http (f, path, qs_json_text (body));
    json_object_put (body);
    int rc = out ? 0 : -1;
    free (out);
    return rc;
}

int
fake_llm_script (fake_llm_t *f, const char **steps)
{
    return s_post_list (f, "/control/script", "steps", steps);
}

int
fake_llm_replies (fake_llm_t *f, const char **contents)
{
    return s_post_list (f, "/control/replies", "contents", contents);
}

json_object *
fake_llm_stats (fake_llm_t *f)
{
    char *text = s_http (f, "/control/stats", NULL);
    if (!text)
        return NULL;
    const char *why;
    json_object *obj = qs_json_parse (text, strlen (text), &why);
    free (text);
    return obj;
}

int
fake_llm_requests (fake_llm_t *f)
{
    json_object *stats = fake_llm_stats (f);
    int n = stats ? (int) qs_json_int (stats, "requests", -1) : -1;
    json_object_put (stats);
    return n;
}

qs_llm_t *
fake_llm_client (fake_llm_t *f, const char *api_key, const char *model, qs_metrics_t *metrics)
{
    qs_llm_config_t cfg;
    qs_llm_config_defaults (&cfg);
    cfg.base_url = f->base_url;
    cfg.api_key = api_key;
    cfg.model = model;
    cfg.backoff_base_ms = 20;
    cfg.backoff_max_ms = 100;
    cfg.timeout_ms = 5000;
    cfg.metrics = metrics;
    return qs_llm_new (&cfg);
}

json_object *
fake_llm_messages (const char *user)
{
    json_object *m = json_object_new_array ();
    qs_llm_messages_add (m, "system", "You are terse.");
    qs_llm_messages_add (m, "user", user);
    return m;
}

json_object *
fake_llm_body (json_object *stats, int i)
{
    char path[32];
    snprintf (path, sizeof path, "bodies.%d", i);
    return qs_json_path (stats, path);
}
