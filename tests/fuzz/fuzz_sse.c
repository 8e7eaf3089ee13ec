/*  fuzz_sse - the LLM response side: the SSE framing (common/http/qs_sse.h)
    and the chat-completion parsing of common/llm/qs_llm_http.c, both for a
    stream (each event's JSON chunk, [DONE], error events, usage) and for a
    plain body (answer, error body, JSON-mode content, response headers).

    Input: one mode byte, then the bytes the endpoint sent.
      bits 0-3  seed of the chunk sizes the stream is cut into
      bit 4     a plain (non-stream) response: the rest is the body, and each
                line is also offered as a response header
      bit 5     the token callback cancels at the third token
    The SSE parser must produce the same events whether the stream arrives
    whole or in pieces. */
#include "fuzz_common.h"
/* the per-event chunk parser, the header reader and the wrapper's curl header
   callback are file-local: take the modules in whole so they are reached
   without a socket */
#include "../../common/http/qs_http.c"
#include "../../common/llm/qs_llm_http.c"

#define S_MAX_EVENT 2048

typedef struct {
    qs_buf_t *log;          /* "event\0id\0len:data\0" per event */
    int events;
} s_events_t;

static int
s_collect (const qs_sse_event_t *e, void *arg)
{
    s_events_t *ev = (s_events_t *) arg;
    QS_FUZZ_CHECK (e->name && *e->name && strlen (e->name) < 64);
    QS_FUZZ_CHECK (e->id && strlen (e->id) < 256);
    QS_FUZZ_CHECK (e->data && e->data[e->len] == '\0');
    if (qs_buf_append (ev->log, e->name, strlen (e->name) + 1)
        || qs_buf_append (ev->log, e->id, strlen (e->id) + 1)
        || qs_buf_printf (ev->log, "%zu:", e->len)
        || qs_buf_append (ev->log, e->data, e->len + 1))
        abort ();
    ev->events++;
    return 0;
}

/*  Deterministic chunk sizes 1..64 from the seed. */
static size_t
s_next_chunk (uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return 1 + ((*state >> 16) % 64);
}

static void
s_framing (const char *bytes, size_t size, uint32_t seed)
{
    s_events_t whole = { qs_buf_new (0), 0 }, split = { qs_buf_new (0), 0 };
    qs_sse_t *a = qs_sse_new (s_collect, &whole, S_MAX_EVENT);
    qs_sse_t *b = qs_sse_new (s_collect, &split, S_MAX_EVENT);
    QS_FUZZ_CHECK (a && b && whole.log && split.log);
    int rc_whole = qs_sse_feed (a, bytes, size);
    int rc_split = 0;
    for (size_t off = 0; off < size && rc_split == 0;) {
        size_t n = s_next_chunk (&seed);
        if (n > size - off)
            n = size - off;
        rc_split = qs_sse_feed (b, bytes + off, n);
        off += n;
    }
    QS_FUZZ_CHECK (rc_whole == 0 || rc_whole == -1);
    QS_FUZZ_CHECK (rc_whole == rc_split);
    size_t len = qs_buf_len (whole.log);
    QS_FUZZ_CHECK (whole.events == split.events && len == qs_buf_len (split.log));
    QS_FUZZ_CHECK (memcmp (qs_buf_data (whole.log), qs_buf_data (split.log), len) == 0);
    if (rc_whole == 0)
        QS_FUZZ_CHECK (qs_sse_pending (a) == qs_sse_pending (b));
    qs_sse_destroy (&a);
    qs_sse_destroy (&b);
    QS_FUZZ_CHECK (a == NULL);
    qs_buf_destroy (&whole.log);
    qs_buf_destroy (&split.log);
}

static int
s_on_token (const char *text, size_t len, void *arg)
{
    int *cancel_at = (int *) arg;
    QS_FUZZ_CHECK (text && len > 0 && text[len] == '\0');
    return *cancel_at > 0 && --*cancel_at == 0;
}

static void
s_free_result (qs_llm_result_t *res, json_object *usage)
{
    free (res->content);
    free (res->reasoning);
    json_object_put (res->json);
    json_object_put (usage);
}

static void
s_stream (char *bytes, size_t size, uint32_t seed, int cancel)
{
    int cancel_at = cancel ? 3 : 0;
    qs_llm_attempt_t a;
    memset (&a, 0, sizeof a);
    qs_llm_attempt_clear (&a);
    a.stream = 1;
    a.status = 200;
    a.on_token = s_on_token;
    a.arg = &cancel_at;
    s_stream_t st = { &a, qs_sse_new (s_on_event, &a, 0), 0 };
    QS_FUZZ_CHECK (st.sse);
    for (size_t off = 0; off < size && !st.failed;) {
        size_t n = s_next_chunk (&seed);
        if (n > size - off)
            n = size - off;
        int stop = s_on_data (bytes + off, n, &st);
        QS_FUZZ_CHECK ((stop == 0) == !st.failed);
        off += n;
    }
    QS_FUZZ_CHECK (!a.content || strlen (qs_buf_data (a.content)) == qs_buf_len (a.content));
    QS_FUZZ_CHECK (!a.cancelled || cancel);
    json_object *obj = qs_llm_http_content (a.content ? qs_buf_data (a.content) : NULL);
    QS_FUZZ_CHECK (!obj || json_object_is_type (obj, json_type_object));
    json_object_put (obj);
    qs_llm_result_t res;
    memset (&res, 0, sizeof res);
    json_object *usage = NULL;
    QS_FUZZ_CHECK (qs_llm_http_answer (&a, &res, &usage) == 0 && res.content);
    s_free_result (&res, usage);
    qs_sse_destroy (&st.sse);
    qs_llm_attempt_clear (&a);
}

static void
s_plain (const char *bytes, size_t size)
{
    qs_llm_attempt_t a;
    memset (&a, 0, sizeof a);
    qs_llm_attempt_clear (&a);
    /* each line as a response header, in an exact-size copy, through the
       wrapper's header callback and then the LLM's header reader */
    qs_http_resp_t resp;
    memset (&resp, 0, sizeof resp);
    s_call_t call = { .resp = &resp, .headers = qs_buf_new (S_MAX_HEADERS) };
    QS_FUZZ_CHECK (call.headers);
    for (size_t start = 0; start < size;) {
        const char *nl = memchr (bytes + start, '\n', size - start);
        size_t n = nl ? (size_t) (nl - bytes - start) + 1 : size - start;
        char *line = (char *) malloc (n);
        if (!line)
            abort ();
        memcpy (line, bytes + start, n);
        size_t took = s_on_header (line, 1, n, &call);
        QS_FUZZ_CHECK (took == n || (took == 0 && qs_buf_error (call.headers)));
        free (line);
        start += n;
    }
    resp.headers_len = qs_buf_len (call.headers);
    resp.headers = qs_buf_steal (call.headers);
    qs_buf_destroy (&call.headers);
    size_t pos = 0;
    const char *hname, *hvalue;
    while (qs_http_resp_header_next (&resp, &pos, &hname, &hvalue))
        QS_FUZZ_CHECK (*hname && !strchr (hname, ':') && pos <= resp.headers_len);
    s_read_headers (&a, &resp);
    qs_http_resp_clear (&resp);
    QS_FUZZ_CHECK (a.nrl >= 0 && a.nrl <= QS_LLM_MAX_RL);
    for (int i = 0; i < a.nrl; i++)
        QS_FUZZ_CHECK (a.rl[i].kind[0] && strlen (a.rl[i].kind) < sizeof a.rl[i].kind);
    a.status = 200;
    a.raw = (char *) malloc (size + 1);
    if (!a.raw)
        abort ();
    memcpy (a.raw, bytes, size);
    a.raw[size] = '\0';
    a.raw_len = size;
    qs_llm_result_t res;
    memset (&res, 0, sizeof res);
    json_object *usage = NULL;
    if (qs_llm_http_answer (&a, &res, &usage) == 0) {
        QS_FUZZ_CHECK (res.content);
        res.json = qs_llm_http_content (res.content);
    }
    s_free_result (&res, usage);
    char code[64], msg[256];
    qs_llm_http_error (&a, code, sizeof code, msg, sizeof msg);
    (void) qs_llm_http_schema_refused (msg);
    qs_llm_attempt_clear (&a);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    /* an exact-size copy: the parsers get a pointer and a length */
    char *bytes = (char *) malloc (size);
    if (!bytes)
        abort ();
    memcpy (bytes, data + 1, size - 1);
    size--;
    if (mode & 0x10)
        s_plain (bytes, size);
    else {
        s_framing (bytes, size, mode & 0x0f);
        s_stream (bytes, size, mode & 0x0f, (mode & 0x20) != 0);
    }
    free (bytes);
    return 0;
}
