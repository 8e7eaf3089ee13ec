/*  qs_gw_harness - see qs_gw_harness.h */
#include "qs_gw_harness.h"
#include "qs_harness.h"
#include "qs_json.h"
#include "qs_util.h"
#include <check.h>
#include <curl/curl.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jwt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char s_dir[64];
static pid_t s_gateway = -1;
static pid_t s_broker = -1;            /* only with QS_TEST_BROKER: a separate broker */
static int s_port;
static char s_endpoint[64];

const char *
qs_gw_harness_dir (void)
{
    return s_dir;
}

static int
s_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    int port = -1;
    if (fd >= 0 && bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0
        && getsockname (fd, (struct sockaddr *) &sa, &len) == 0)
        port = ntohs (sa.sin_port);
    if (fd >= 0)
        close (fd);
    return port;
}

static pid_t
s_spawn (const char *bin, const char *arg, const char *logname)
{
    char log[256];
    snprintf (log, sizeof log, "%s/%s.log", s_dir, logname);
    pid_t pid = fork ();
    if (pid == 0) {
        //  never outlive the test (a timeout kills it without a teardown)
        prctl (PR_SET_PDEATHSIG, SIGTERM);
        int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2 (fd, 1);
            dup2 (fd, 2);
            close (fd);
        }
        execl (bin, bin, arg, (char *) NULL);
        _exit (127);
    }
    return pid;
}

static void
s_print_log (const char *logname)
{
    char path[256], line[1024];
    snprintf (path, sizeof path, "%s/%s.log", s_dir, logname);
    FILE *f = fopen (path, "r");
    if (!f)
        return;
    fprintf (stderr, "---- %s ----\n", path);
    while (fgets (line, sizeof line, f))
        fputs (line, stderr);
    fclose (f);
}

//  SIGTERM, then wait up to 15 s (ASan exits are slow), then SIGKILL.
static int
s_reap (pid_t pid)
{
    if (pid <= 0)
        return 0;
    int status = qs_harness_stop_pid (pid, SIGTERM, 15000);
    if (status < 0)
        return 137;
    return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

pid_t
qs_gw_harness_worker (const char *service)
{
    return s_spawn (QS_TEST_GW_WORKER, service, service);
}

int
qs_gw_harness_stop_worker (pid_t pid)
{
    return s_reap (pid);
}

int
qs_gw_harness_start (void)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    snprintf (s_dir, sizeof s_dir, "/tmp/qs-gw-test-XXXXXX");
    if (!mkdtemp (s_dir))
        return -1;
    s_port = s_free_port ();
    int bport = s_free_port ();
    if (s_port < 0 || bport < 0)
        return -1;
    char value[512];
    snprintf (value, sizeof value, "%d", s_port);
    setenv ("QS_HTTP_PORT", value, 1);
    snprintf (s_endpoint, sizeof s_endpoint, "tcp://127.0.0.1:%d", bport);
    setenv ("QS_BROKER_ENDPOINT", s_endpoint, 1);
    snprintf (value, sizeof value, "sqlite://%s/qs.db", s_dir);
    setenv ("QS_STORE_URL", value, 1);
    setenv ("QS_DATA_DIR", s_dir, 1);
    setenv ("QS_TEST_MARKER_DIR", s_dir, 1);
    setenv ("QS_HTTP_ADDR", "127.0.0.1", 1);
    setenv ("QS_HTTP_THREADS", "8", 1);
    const char *broker_bin = getenv ("QS_TEST_BROKER");
    setenv ("QS_BROKER_EMBEDDED", broker_bin ? "0" : "1", 1);
    setenv ("QS_JWT_SECRET", QS_GW_TEST_SECRET, 1);
    setenv ("QS_REQUEST_TIMEOUT_MS", "1500", 1);
    setenv ("QS_SSE_KEEPALIVE_MS", "200", 1);
    setenv ("QS_MAX_BODY_BYTES", "65536", 1);
    setenv ("QS_RATE_LIMIT_RPS", "5", 1);
    setenv ("QS_RATE_LIMIT_BURST", "10", 1);
    setenv ("QS_WEB_ROOT", QS_TEST_WEB_ROOT, 1);
    setenv ("QS_SHUTDOWN_GRACE_MS", "1000", 1);
    setenv ("QS_BROKER_QUEUE_LIMIT", "1", 1);      /* makes "overloaded" easy to reach */
    setenv ("ZSYS_SIGHANDLER", "false", 1);
    if (broker_bin) {
        s_broker = s_spawn (broker_bin, NULL, "broker");
        usleep (200000);
        if (waitpid (s_broker, NULL, WNOHANG) != 0) {
            fprintf (stderr, "the broker %s did not start\n", broker_bin);
            s_print_log ("broker");
            s_broker = -1;
            return -1;
        }
    }
    s_gateway = s_spawn (QS_TEST_GATEWAY, NULL, "gateway");
    //  Up when health answers
    for (int i = 0; i < 300; i++) {
        qs_gw_resp_t r;
        qs_gw_http (&(qs_gw_req_t) { .path = "/api/v1/health" }, &r);
        long status = r.status;
        qs_gw_resp_free (&r);
        if (status == 200)
            return 0;
        usleep (50000);
    }
    s_print_log ("gateway");
    return -1;
}

int
qs_gw_harness_stop (void)
{
    int rc = s_reap (s_gateway);
    s_gateway = -1;
    if (rc != 0) {
        fprintf (stderr, "gateway exited with %d\n", rc);
        s_print_log ("gateway");
    }
    int brc = s_reap (s_broker);
    s_broker = -1;
    if (brc != 0) {
        fprintf (stderr, "broker exited with %d\n", brc);
        s_print_log ("broker");
        rc = brc;
    }
    char cmd[128];
    snprintf (cmd, sizeof cmd, "rm -rf '%s'", s_dir);
    if (rc == 0 && system (cmd) != 0)
        fprintf (stderr, "could not remove %s\n", s_dir);
    curl_global_cleanup ();
    return rc == 0 ? 0 : -1;
}

typedef struct {
    qs_gw_resp_t *resp;
    const qs_gw_req_t *req;
} s_sink_t;

static size_t
s_on_body (char *data, size_t size, size_t n, void *arg)
{
    s_sink_t *sink = arg;
    qs_gw_resp_t *r = sink->resp;
    size_t add = size * n;
    char *grown = realloc (r->body, r->len + add + 1);
    if (!grown)
        return 0;
    r->body = grown;
    memcpy (r->body + r->len, data, add);
    r->len += add;
    r->body[r->len] = '\0';
    if (sink->req->abort_marker && strstr (r->body, sink->req->abort_marker))
        return 0;                /* the client "goes away" */
    return add;
}

static size_t
s_on_header (char *data, size_t size, size_t n, void *arg)
{
    qs_gw_resp_t *r = arg;
    size_t add = size * n, used = strlen (r->headers);
    if (used + add < sizeof r->headers) {
        memcpy (r->headers + used, data, add);
        r->headers[used + add] = '\0';
    }
    return add;
}

void
qs_gw_http (const qs_gw_req_t *req, qs_gw_resp_t *resp)
{
    memset (resp, 0, sizeof *resp);
    resp->body = calloc (1, 1);
    CURL *curl = curl_easy_init ();
    char url[512], line[8192];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", s_port, req->path);
    struct curl_slist *headers = NULL;
    if (req->auth_header || req->token) {
        if (req->auth_header)
            snprintf (line, sizeof line, "Authorization: %s", req->auth_header);
        else
            snprintf (line, sizeof line, "Authorization: Bearer %s", req->token);
        headers = curl_slist_append (headers, line);
    }
    if (req->request_id) {
        snprintf (line, sizeof line, "X-Request-Id: %s", req->request_id);
        headers = curl_slist_append (headers, line);
    }
    if (req->traceparent) {
        snprintf (line, sizeof line, "traceparent: %s", req->traceparent);
        headers = curl_slist_append (headers, line);
    }
    if (req->body) {
        snprintf (line, sizeof line, "Content-Type: %s",
                  req->content_type ? req->content_type : "application/json");
        headers = curl_slist_append (headers, line);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE,
                          (long) (req->body_len ? req->body_len : strlen (req->body)));
    }
    else
    if (req->method && !strcmp (req->method, "POST")) {
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE, 0L);
    }
    headers = curl_slist_append (headers, "Expect:");
    if (req->method)
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, req->method);
    s_sink_t sink = { resp, req };
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    resp->curl_rc = curl_easy_perform (curl);
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
}

void
qs_gw_resp_free (qs_gw_resp_t *resp)
{
    free (resp->body);
    resp->body = NULL;
}

const char *
qs_gw_header (const qs_gw_resp_t *resp, const char *name, char *out, size_t size)
{
    size_t nlen = strlen (name);
    const char *p = resp->headers;
    while (p && *p) {
        const char *eol = strstr (p, "\r\n");
        if (!eol)
            break;
        if (!strncasecmp (p, name, nlen) && p[nlen] == ':') {
            const char *v = p + nlen + 1;
            while (*v == ' ')
                v++;
            size_t vlen = (size_t) (eol - v);
            if (vlen >= size)
                vlen = size - 1;
            memcpy (out, v, vlen);
            out[vlen] = '\0';
            return out;
        }
        p = eol + 2;
    }
    return NULL;
}

char *
qs_gw_token (const char *sub, const char *roles, long exp_in, const char *secret)
{
    jwt_t *jwt = NULL;
    if (jwt_new (&jwt) != 0)
        return NULL;
    char *claims = qs_strdupf ("{\"sub\":\"%s\",\"org_id\":\"org-1\",\"tier\":\"pro\",\"exp\":%ld%s%s}",
                               sub, (long) time (NULL) + exp_in, roles ? ",\"roles\":" : "",
                               roles ? roles : "");
    secret = secret ? secret : QS_GW_TEST_SECRET;
    char *token = NULL;
    if (claims && jwt_add_grants_json (jwt, claims) == 0
        && jwt_set_alg (jwt, JWT_ALG_HS256, (const unsigned char *) secret, (int) strlen (secret)) == 0)
        token = jwt_encode_str (jwt);
    free (claims);
    jwt_free (jwt);
    return token;
}

//  Parse a body as JSON and check the contract's error shape.
json_object *
qs_gw_error_shape (const qs_gw_resp_t *r, long status, const char *code)
{
    ck_assert_msg (r->status == status, "status %ld, wanted %ld: %s", r->status, status, r->body);
    char ct[128], rid[128];
    ck_assert_ptr_nonnull (qs_gw_header (r, "Content-Type", ct, sizeof ct));
    ck_assert_ptr_nonnull (strstr (ct, "application/json"));
    ck_assert_ptr_nonnull (qs_gw_header (r, "X-Request-Id", rid, sizeof rid));
    json_object *obj = json_tokener_parse (r->body);
    ck_assert_ptr_nonnull (obj);
    json_object *e = qs_json_get (obj, "error", json_type_object);
    ck_assert_ptr_nonnull (e);
    ck_assert_str_eq (qs_json_str (e, "code", ""), code);
    ck_assert_str_ne (qs_json_str (e, "message", ""), "");
    ck_assert_str_eq (qs_json_str (e, "request_id", ""), rid);
    return obj;
}

void
qs_gw_expect_error (const qs_gw_req_t *req, long status, const char *code)
{
    qs_gw_resp_t r;
    qs_gw_http (req, &r);
    json_object_put (qs_gw_error_shape (&r, status, code));
    qs_gw_resp_free (&r);
}
