/*  qs_faults - see qs_faults.h */
#include "qs_faults.h"
#include "qs_cli_http.h"
#include "qs_json.h"
#include "qs_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*  Questions that run the whole chat path (intent, knowledge, answer)
    without touching the platform. */
static const char *const s_questions[] = {
    "how often should I rotate database credentials?",
    "what is the difference between redis and rabbitmq?",
    "how do I enable backups for postgres?",
    "what does high availability mean for a database?",
};

static const char *const s_searches[] = {
    "/api/v1/knowledge/search?q=redis+persistence",
    "/api/v1/knowledge/search?q=postgres+backups&limit=3",
    "/api/v1/knowledge/search?q=kafka+partitions",
    "/api/v1/knowledge/search?q=connection+limits",
};

long
qs_faults_http (const char *method, const char *base, const char *path, const char *token,
                const char *body, long timeout_ms, int64_t *ms_p, json_object **json_p)
{
    json_object *jbody = body ? json_tokener_parse (body) : NULL;
    qs_http_resp_t resp;
    qs_err_t err = {0};
    long status = 0;
    if (json_p)
        *json_p = NULL;
    int64_t t0 = qs_mono_ms ();
    if (qs_cli_http (method, base, path, token, jbody, timeout_ms, &resp, &err) == 0) {
        status = resp.status;
        if (json_p && resp.body)
            *json_p = qs_json_parse (resp.body, resp.len, NULL);
        qs_http_resp_clear (&resp);
    }
    if (ms_p)
        *ms_p = qs_mono_ms () - t0;
    json_object_put (jbody);
    return status;
}

int
qs_faults_wait_ready (const char *base, long want, int timeout_ms)
{
    int64_t t0 = qs_mono_ms ();
    while (qs_mono_ms () - t0 < timeout_ms) {
        if (qs_faults_http ("GET", base, "/api/v1/health/ready", NULL, NULL, 3000, NULL, NULL) == want)
            return (int) (qs_mono_ms () - t0);
        usleep (100000);
    }
    return -1;
}

static void
s_failure (qs_load_t *l, const char *what, long status, json_object *body)
{
    pthread_mutex_lock (&l->lock);
    if (!l->first_failure[0])
        snprintf (l->first_failure, sizeof l->first_failure, "%s -> %ld %s", what, status,
                  body ? json_object_to_json_string (body) : "(no body)");
    pthread_mutex_unlock (&l->lock);
}

static void
s_timed (qs_load_t *l, int64_t ms)
{
    if (ms > l->limit_ms)
        atomic_fetch_add (&l->hung, 1);
    int seen = atomic_load (&l->max_ms);
    while (ms > seen && !atomic_compare_exchange_weak (&l->max_ms, &seen, (int) ms))
        ;
}

/*  One chat turn in conversation conv ("" = a new one, then conv is set). */
static long
s_chat (qs_load_t *l, int i, const char *message)
{
    json_object *req = json_object_new_object (), *resp = NULL;
    qs_json_add_str (req, "message", message);
    if (l->conv[i][0])
        qs_json_add_str (req, "conversation_id", l->conv[i]);
    int64_t ms = 0;
    l->chat_sent[i]++;
    long status = qs_faults_http ("POST", l->gateway, "/api/v1/chat", l->token,
                                  json_object_to_json_string (req), l->limit_ms + 5000, &ms, &resp);
    s_timed (l, ms);
    if (status == 200) {
        l->chat_good[i]++;
        atomic_fetch_add (&l->chat_ok, 1);
        if (!l->conv[i][0])
            snprintf (l->conv[i], sizeof l->conv[i], "%s", qs_json_str (resp, "conversation_id", ""));
    }
    else
    if (status == 503 && qs_json_path (resp, "error.code")) {
        atomic_fetch_add (&l->chat_503, 1);
        s_failure (l, "chat (a 503, allowed)", status, resp);
    }
    else {
        atomic_fetch_add (&l->chat_other, 1);
        s_failure (l, "chat", status, resp);
    }
    json_object_put (resp);
    json_object_put (req);
    return status;
}

static void *
s_worker (void *arg)
{
    qs_load_t *l = ((qs_load_t **) arg)[0];
    int i = (int) (intptr_t) ((void **) arg)[1];
    free (arg);
    for (int n = 0; !atomic_load (&l->stop); n++) {
        if (i % 2 == 1) {
            s_chat (l, i, s_questions[(n + i) % 4]);
            usleep (50000);         /* bounded: a few hundred turns at most */
            continue;
        }
        json_object *resp = NULL;
        int64_t ms = 0;
        long status = qs_faults_http ("GET", l->gateway, s_searches[(n + i) % 4], l->token, NULL,
                                      l->limit_ms + 5000, &ms, &resp);
        s_timed (l, ms);
        if (status == 200 && qs_json_get (resp, "results", json_type_array))
            atomic_fetch_add (&l->search_ok, 1);
        else {
            atomic_fetch_add (&l->search_fail, 1);
            s_failure (l, "search", status, resp);
        }
        json_object_put (resp);
    }
    return NULL;
}

int
qs_load_start (qs_load_t *l)
{
    pthread_mutex_init (&l->lock, NULL);
    if (l->threads < 2 || l->threads > QS_LOAD_MAX_THREADS)
        return -1;
    for (int i = 1; i < l->threads; i += 2)
        if (s_chat (l, i, "hello, what can you do?") != 200 || !l->conv[i][0])
            return -1;
    for (int i = 0; i < l->threads; i++) {
        void **arg = calloc (2, sizeof *arg);
        arg[0] = l;
        arg[1] = (void *) (intptr_t) i;
        if (pthread_create (&l->tids[i], NULL, s_worker, arg) != 0)
            return -1;
    }
    return 0;
}

void
qs_load_stop (qs_load_t *l)
{
    atomic_store (&l->stop, true);
    for (int i = 0; i < l->threads; i++)
        pthread_join (l->tids[i], NULL);
}

int
qs_load_done (qs_load_t *l)
{
    return atomic_load (&l->search_ok) + atomic_load (&l->search_fail) + atomic_load (&l->chat_ok)
         + atomic_load (&l->chat_503) + atomic_load (&l->chat_other);
}

bool
qs_load_check_conversations (qs_load_t *l, bool check_whole, char *problem_out, size_t size)
{
    char *problem = NULL;
    for (int i = 1; i < l->threads && !problem; i += 2) {
        char path[160];
        snprintf (path, sizeof path, "/api/v1/chat/conversations/%s?messages_limit=1000", l->conv[i]);
        json_object *conv = NULL;
        long status = qs_faults_http ("GET", l->gateway, path, l->token, NULL, 20000, NULL, &conv);
        json_object *messages = qs_json_get (conv, "messages", json_type_array);
        int users = 0, assistants = 0;
        for (size_t k = 0; messages && k < json_object_array_length (messages); k++) {
            const char *role = qs_json_str (json_object_array_get_idx (messages, k), "role", "");
            users += !strcmp (role, "user");
            assistants += !strcmp (role, "assistant");
        }
        if (status != 200 || !messages)
            problem = qs_strdupf ("conversation %s: GET -> %ld", l->conv[i], status);
        else
        if (assistants > l->chat_sent[i] || users > l->chat_sent[i])
            problem = qs_strdupf ("conversation %s: %d user and %d assistant messages for %d turns "
                                  "sent: a turn ran twice", l->conv[i], users, assistants,
                                  l->chat_sent[i]);
        else
        if (assistants < l->chat_good[i])
            problem = qs_strdupf ("conversation %s: %d assistant messages for %d turns answered 200",
                                  l->conv[i], assistants, l->chat_good[i]);
        else
        if (check_whole && users != assistants)
            problem = qs_strdupf ("conversation %s: %d user but %d assistant messages: a half-saved turn",
                                  l->conv[i], users, assistants);
        json_object_put (conv);
    }
    snprintf (problem_out, size, "%s", problem ? problem : "");
    free (problem);
    return problem == NULL;
}
