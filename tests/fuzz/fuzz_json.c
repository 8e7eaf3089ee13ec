/*  fuzz_json - request JSON parsing: qs_json_parse (common/qs_json.h) over
    arbitrary bytes and every typed getter and path lookup over the result,
    then the gateway's request pipeline (gateway/qs_gwreq.h, qs_route.h):
    body parsing, chat validation, query and path parameters, error body.

    Input: the JSON text, optionally preceded by "@<line>\n"; the line is
    used as a dotted path (qs_json_path), a query string, a request path, a
    request id and a content type to classify. Anything parsed must serialise and parse
    again. */
#include "fuzz_common.h"
#include "qs_gwreq.h"
#include "qs_json.h"
#include "qs_route.h"

#define S_MAX_VISITS 4096

static void
s_getters (json_object *obj, const char *key)
{
    static const json_type types[] = { json_type_null, json_type_boolean, json_type_double,
                                       json_type_int, json_type_object, json_type_array,
                                       json_type_string };
    const char *s = qs_json_str (obj, key, NULL);
    if (s)
        QS_FUZZ_CHECK (strlen (s) < (size_t) 1 << 31);
    (void) qs_json_int (obj, key, -1);
    (void) qs_json_double (obj, key, -1.0);
    (void) qs_json_bool (obj, key, false);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        json_object *v = qs_json_get (obj, key, types[i]);
        QS_FUZZ_CHECK (!v || json_object_is_type (v, types[i]));
    }
    (void) qs_json_path (obj, key);
}

/*  Walk every value (bounded), calling the getters on each key and the
    dotted path of each array element ("key.0"). */
static void
s_walk (json_object *root, json_object *obj, int *visits)
{
    if (++*visits > S_MAX_VISITS)
        return;
    if (json_object_is_type (obj, json_type_object)) {
        json_object_object_foreach (obj, key, val) {
            s_getters (obj, key);
            s_walk (root, val, visits);
        }
    }
    else
    if (json_object_is_type (obj, json_type_array)) {
        size_t n = json_object_array_length (obj);
        for (size_t i = 0; i < n && *visits <= S_MAX_VISITS; i++)
            s_walk (root, json_object_array_get_idx (obj, i), visits);
        char idx[24];
        snprintf (idx, sizeof idx, "%zu", n);
        QS_FUZZ_CHECK (qs_json_path (obj, idx) == NULL);       /* one past the end */
        QS_FUZZ_CHECK (qs_json_path (obj, "-1") == NULL);
        if (n)
            QS_FUZZ_CHECK (qs_json_path (obj, "0") == json_object_array_get_idx (obj, 0));
    }
    /* getters tolerate any type as the container */
    s_getters (obj, "id");
}

/*  The gateway's view of a request: text/size the JSON body; line (when
    given) the path, query, request id and a content type to classify. */
static void
s_request (const char *line, const char *text, size_t size)
{
    static const char *methods[] = { "GET", "POST", "DELETE" };
    qs_err_t err;
    qs_err_clear (&err);
    json_object *body = NULL;
    if (qs_gwreq_parse_body ("application/json; charset=utf-8", text, size, &body, &err) != 0) {
        QS_FUZZ_CHECK (body == NULL && err.status >= 400 && err.status < 500);
        char *eb = qs_gwreq_error_body (&err, "req-1");
        QS_FUZZ_CHECK (eb);
        json_object *e = qs_json_parse (eb, strlen (eb), NULL);
        QS_FUZZ_CHECK (e && qs_json_path (e, "error.code"));
        json_object_put (e);
        free (eb);
        return;
    }
    QS_FUZZ_CHECK (body && json_object_is_type (body, json_type_object));
    (void) qs_gwreq_validate_chat (body, &err);
    if (line) {
        char id[QS_GWREQ_ID_MAX + 1];
        if (qs_gwreq_id (line, id) == 0) {
            QS_FUZZ_CHECK (qs_gwreq_id_sane (id));
            QS_FUZZ_CHECK (!qs_gwreq_id_sane (line) || strcmp (id, line) == 0);
        }
        (void) qs_gwreq_traceparent_valid (line);
        (void) qs_gwreq_is_json_type (line);
        (void) qs_gwreq_add_query (body, line, &err);
        qs_route_match_t match;
        char allow[128];
        int rc = qs_route_find (methods[strlen (line) % 3], line, &match, allow, sizeof allow,
                                &err);
        if (rc == 0) {
            QS_FUZZ_CHECK (match.route && match.nparams <= QS_ROUTE_MAX_PARAMS);
            (void) qs_route_service (&match);
            QS_FUZZ_CHECK (qs_gwreq_add_params (body, &match) == 0);
        }
        else
            QS_FUZZ_CHECK (err.status == 404 || err.status == 405);
    }
    char *frame = qs_gwreq_sse_frame ("token", body);
    QS_FUZZ_CHECK (frame && strncmp (frame, "event: token\ndata: ", 19) == 0);
    /* one JSON line: a body must never break the SSE framing */
    QS_FUZZ_CHECK (!strchr (frame + 19, '\n') || strchr (frame + 19, '\n') == frame + strlen (frame) - 2);
    free (frame);
    json_object_put (body);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *path = NULL;
    if (size > 0 && data[0] == '@') {
        const uint8_t *nl = memchr (data, '\n', size);
        if (nl) {
            path = qs_fuzz_strndup (data + 1, (size_t) (nl - data) - 1);
            size -= (size_t) (nl - data) + 1;
            data = nl + 1;
        }
    }
    /* an exact-size copy, so ASan catches a read past len */
    char *text = (char *) malloc (size ? size : 1);
    if (!text)
        abort ();
    memcpy (text, data, size);

    const char *why = NULL;
    json_object *obj = qs_json_parse (text, size, &why);
    QS_FUZZ_CHECK (why != NULL);
    if (obj) {
        int visits = 0;
        s_walk (obj, obj, &visits);
        if (path)
            (void) qs_json_path (obj, path);
        const char *out = qs_json_text (obj);
        QS_FUZZ_CHECK (out != NULL);
        json_object *again = qs_json_parse (out, strlen (out), &why);
        QS_FUZZ_CHECK (again != NULL);
        QS_FUZZ_CHECK (json_object_get_type (again) == json_object_get_type (obj));
        json_object_put (again);
        json_object_put (obj);
    }
    s_request (path, text, size);
    /* the getters accept NULL everywhere */
    s_getters (NULL, "x");
    free (text);
    free (path);
    return 0;
}
