/*  qs_am - see qs_am.h */
#include "qs_am.h"
#include "qs_json.h"
#include "qs_util.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *
qs_am_binary (void)
{
    static const char *paths[] = {"/usr/bin/prometheus-alertmanager", "/usr/local/bin/alertmanager", NULL};
    for (int i = 0; paths[i]; i++)
        if (access (paths[i], X_OK) == 0)
            return paths[i];
    return NULL;
}

int
qs_am_start (qs_am_t *am, const char *gateway, const char *token)
{
    memset (am, 0, sizeof *am);
    const char *bin = qs_am_binary ();
    if (!bin)
        return -1;
    snprintf (am->dir, sizeof am->dir, "/tmp/qs-am-XXXXXX");
    if (!mkdtemp (am->dir))
        return -1;
    int port = qs_free_port ();
    snprintf (am->url, sizeof am->url, "http://127.0.0.1:%d", port);
    char path[300];
    snprintf (path, sizeof path, "%s/alertmanager.yml", am->dir);
    FILE *f = fopen (path, "w");
    if (!f)
        return -1;
    fprintf (f,
             "route:\n"
             "  receiver: quickspin\n"
             "  group_by: ['...']\n"
             "  group_wait: 50ms\n"
             "  group_interval: 1s\n"
             "  repeat_interval: 2s\n"
             "receivers:\n"
             "  - name: quickspin\n"
             "    webhook_configs:\n"
             "      - url: %s/api/v1/alerts/alertmanager\n"
             "        send_resolved: true\n"
             "        http_config:\n"
             "          authorization:\n"
             "            credentials: %s\n", gateway, token);
    fclose (f);
    char config[320], storage[320], listen[80];
    snprintf (config, sizeof config, "--config.file=%s", path);
    snprintf (storage, sizeof storage, "--storage.path=%s/data", am->dir);
    snprintf (listen, sizeof listen, "--web.listen-address=127.0.0.1:%d", port);
    char *const argv[] = {(char *) bin, config, storage, listen, "--cluster.listen-address=",
                          "--log.level=info", NULL};
    am->proc = qs_proc_start ("alertmanager", bin, argv, NULL);
    char ready[128];
    snprintf (ready, sizeof ready, "%s/-/ready", am->url);
    return am->proc && qs_wait_http (ready, 15000) ? 0 : -1;
}

void
qs_am_stop (qs_am_t *am)
{
    qs_proc_destroy (&am->proc);
    if (am->dir[0]) {
        char cmd[300];
        snprintf (cmd, sizeof cmd, "rm -rf '%s'", am->dir);
        if (system (cmd) != 0)
            fprintf (stderr, "qs_am: could not remove %s\n", am->dir);
    }
    memset (am, 0, sizeof *am);
}

int
qs_am_fire (qs_am_t *am, const char *const *labels, const char *summary, int ends_in_s)
{
    json_object *alert = json_object_new_object (), *l = json_object_new_object ();
    for (int i = 0; labels[i]; i++) {
        const char *eq = strchr (labels[i], '=');
        if (!eq)
            continue;
        char key[128];
        snprintf (key, sizeof key, "%.*s", (int) (eq - labels[i]), labels[i]);
        qs_json_add_str (l, key, eq + 1);
    }
    json_object_object_add (alert, "labels", l);
    json_object *notes = json_object_new_object ();
    qs_json_add_str (notes, "summary", summary);
    json_object_object_add (alert, "annotations", notes);
    char at[40];
    if (ends_in_s < 0) {
        qs_json_add_str (alert, "startsAt", qs_time_rfc3339 (qs_now_ms () - 600000, at, sizeof at));
        qs_json_add_str (alert, "endsAt", qs_time_rfc3339 (qs_now_ms () + ends_in_s * 1000LL, at, sizeof at));
    }
    json_object *list = json_object_new_array ();
    json_object_array_add (list, alert);
    char url[128];
    snprintf (url, sizeof url, "%s/api/v2/alerts", am->url);
    CURL *c = curl_easy_init ();
    struct curl_slist *h = curl_slist_append (NULL, "Content-Type: application/json");
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt (c, CURLOPT_POSTFIELDS, json_object_to_json_string (list));
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 5000L);
    FILE *devnull = fopen ("/dev/null", "w");
    curl_easy_setopt (c, CURLOPT_WRITEDATA, devnull);
    long status = 0;
    int rc = curl_easy_perform (c) == CURLE_OK ? 0 : -1;
    curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
    if (devnull)
        fclose (devnull);
    curl_slist_free_all (h);
    curl_easy_cleanup (c);
    json_object_put (list);
    return rc == 0 && status == 200 ? 0 : -1;
}

/* ---- the loopback webhook ----------------------------------------------------- */

struct _qs_hook_t {
    int fd, port;
    pthread_t thread;
    pthread_mutex_t lock;
    volatile int stop;
    json_object *received;
};

static void
s_serve (qs_hook_t *self, int c)
{
    char buf[65536];
    size_t n = 0;
    ssize_t r;
    char *head_end = NULL;
    long length = 0;
    while (n < sizeof buf - 1 && (r = read (c, buf + n, sizeof buf - 1 - n)) > 0) {
        n += (size_t) r;
        buf[n] = 0;
        if (!head_end && (head_end = strstr (buf, "\r\n\r\n"))) {
            const char *cl = strcasestr (buf, "\r\nContent-Length:");
            length = cl && cl < head_end ? strtol (cl + 17, NULL, 10) : 0;
        }
        if (head_end && (size_t) (head_end + 4 - buf) + (size_t) length <= n)
            break;
    }
    char method[8] = "", path[256] = "";
    sscanf (buf, "%7s %255s", method, path);
    const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    if (!strcmp (path, "/redirect"))
        reply = "HTTP/1.1 302 Found\r\nLocation: /hook-followed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    else if (head_end) {
        json_object *entry = json_object_new_object ();
        qs_json_add_str (entry, "path", path);
        json_object_object_add (entry, "body", json_tokener_parse (head_end + 4));
        pthread_mutex_lock (&self->lock);
        json_object_array_add (self->received, entry);
        pthread_mutex_unlock (&self->lock);
    }
    if (write (c, reply, strlen (reply)) < 0)
        perror ("qs_hook: write");
}

static void *
s_hook_thread (void *arg)
{
    qs_hook_t *self = arg;
    while (!self->stop) {
        struct pollfd p = {.fd = self->fd, .events = POLLIN};
        if (poll (&p, 1, 100) <= 0)
            continue;
        int c = accept (self->fd, NULL, NULL);
        if (c < 0)
            continue;
        s_serve (self, c);
        close (c);
    }
    return NULL;
}

qs_hook_t *
qs_hook_new (void)
{
    qs_hook_t *self = calloc (1, sizeof *self);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    self->fd = socket (AF_INET, SOCK_STREAM, 0);
    if (self->fd < 0 || bind (self->fd, (struct sockaddr *) &a, sizeof a) != 0 || listen (self->fd, 16) != 0
        || getsockname (self->fd, (struct sockaddr *) &a, &len) != 0) {
        if (self->fd >= 0)
            close (self->fd);
        free (self);
        return NULL;
    }
    self->port = ntohs (a.sin_port);
    self->received = json_object_new_array ();
    pthread_mutex_init (&self->lock, NULL);
    pthread_create (&self->thread, NULL, s_hook_thread, self);
    return self;
}

void
qs_hook_destroy (qs_hook_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_hook_t *self = *self_p;
    self->stop = 1;
    pthread_join (self->thread, NULL);
    close (self->fd);
    json_object_put (self->received);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
qs_hook_port (qs_hook_t *self)
{
    return self->port;
}

json_object *
qs_hook_received (qs_hook_t *self)
{
    json_object *copy = NULL;
    pthread_mutex_lock (&self->lock);
    json_object_deep_copy (self->received, &copy, NULL);
    pthread_mutex_unlock (&self->lock);
    return copy;
}
