/*  qs_faults - see qs_faults.h */
#include "qs_faults.h"
#include <check.h>
#include <curl/curl.h>
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

static qs_harness_t *s_suite;
static char *s_token;

void
qs_faults_setup (const qs_faults_spec_t *spec)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    qs_harness_spec_t whole = qs_harness_whole ();
    whole.brokers = spec->brokers > 0 ? spec->brokers : 1;
    whole.env = spec->env;
    s_suite = qs_harness_new (&whole);
    ck_assert_msg (s_suite != NULL, "the suite did not become ready");
    const char *kinds[] = { "intent", "knowledge", "k8s", "workflow" };
    for (int i = 0; spec->second_workers && i < 4; i++)
        ck_assert_ptr_nonnull (qs_harness_add (s_suite, &(qs_harness_workers_t) {.kind = kinds[i]}));
    s_token = qs_harness_token ("fault-user", "org-acme", "member");
}

void
qs_faults_teardown (void)
{
    qs_harness_destroy (&s_suite);
    free (s_token);
    s_token = NULL;
    curl_global_cleanup ();
}

qs_harness_t *
qs_faults_suite (void)
{
    return s_suite;
}

const char *
qs_faults_token (void)
{
    return s_token;
}

void
qs_load_begin (qs_load_t *l, int limit_ms)
{
    l->gateway = qs_harness_gateway (s_suite);
    l->token = s_token;
    l->threads = 6;
    l->limit_ms = limit_ms;
    ck_assert_msg (qs_load_start (l) == 0, "could not start the load: %s", l->first_failure);
}

void
qs_load_assert_sound (qs_load_t *l, bool check_whole)
{
    ck_assert_msg (atomic_load (&l->search_fail) == 0, "an idempotent request failed: %s",
                   l->first_failure);
    ck_assert_msg (atomic_load (&l->chat_other) == 0, "a chat failed otherwise than 503: %s",
                   l->first_failure);
    ck_assert_msg (atomic_load (&l->hung) == 0, "%d requests outlived their deadline (slowest %d ms)",
                   atomic_load (&l->hung), atomic_load (&l->max_ms));
    char problem[512];
    ck_assert_msg (qs_load_check_conversations (l, check_whole, problem, sizeof problem), "%s", problem);
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
    long status = qs_harness_http_timed ("POST", l->gateway, "/api/v1/chat", l->token,
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
        long status = qs_harness_http_timed ("GET", l->gateway, s_searches[(n + i) % 4], l->token, NULL,
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
        long status = qs_harness_http_timed ("GET", l->gateway, path, l->token, NULL, 20000, NULL, &conv);
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
