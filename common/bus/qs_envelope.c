/*  qs_envelope - see qs_envelope.h and proto/bus.md */
#include "qs_envelope.h"
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qs_json.h"
#include "qs_util.h"

#define QS_BUS_AUTH_MAX  (16 * 1024)
#define QS_BUS_BODY_MAX  (8 * 1024 * 1024)

void
qs_bus_header_push (zmsg_t *msg, const char *proto, qs_bus_cmd_t cmd)
{
    uint8_t version = QS_BUS_VERSION;
    uint8_t command = (uint8_t) cmd;
    zmsg_pushmem (msg, &command, 1);
    zmsg_pushmem (msg, &version, 1);
    zmsg_pushstr (msg, proto);
}

int
qs_bus_header_pop (zmsg_t *msg, const char *proto)
{
    if (!msg || zmsg_size (msg) < 3)
        return -1;
    int rc = -1;
    zframe_t *name = zmsg_pop (msg);
    zframe_t *version = zmsg_pop (msg);
    zframe_t *command = zmsg_pop (msg);
    if (!zframe_streq (name, proto))
        goto cleanup;
    if (zframe_size (version) != 1)
        goto cleanup;
    if (zframe_data (version)[0] != QS_BUS_VERSION) {
        rc = -2;
        goto cleanup;
    }
    if (zframe_size (command) != 1)
        goto cleanup;
    uint8_t cmd = zframe_data (command)[0];
    if (cmd < QS_CMD_READY || cmd > QS_CMD_STATUS)
        goto cleanup;
    rc = cmd;
cleanup:
    zframe_destroy (&name);
    zframe_destroy (&version);
    zframe_destroy (&command);
    return rc;
}

int
qs_bus_pop_str (zmsg_t *msg, char *buf, size_t size)
{
    zframe_t *frame = zmsg_pop (msg);
    if (!frame)
        return -1;
    size_t len = zframe_size (frame);
    int rc = -1;
    if (len < size && !memchr (zframe_data (frame), 0, len)) {
        memcpy (buf, zframe_data (frame), len);
        buf [len] = 0;
        rc = 0;
    }
    zframe_destroy (&frame);
    return rc;
}

bool
qs_bus_name_valid (const char *name)
{
    if (!name || !*name || strlen (name) > QS_BUS_NAME_MAX)
        return false;
    for (const char *p = name; *p; p++)
        if (!isalnum ((unsigned char) *p) && *p != '_' && *p != '-' && *p != '.')
            return false;
    return true;
}

static bool
s_hex (const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit ((unsigned char) s [i]) || isupper ((unsigned char) s [i]))
            return false;
    return true;
}

bool
qs_traceparent_valid (const char *tp)
{
    if (!tp || strlen (tp) != QS_BUS_TP_LEN)
        return false;
    if (tp [2] != '-' || tp [35] != '-' || tp [52] != '-')
        return false;
    if (!s_hex (tp, 2) || !s_hex (tp + 3, 32) || !s_hex (tp + 36, 16) || !s_hex (tp + 53, 2))
        return false;
    if (strncmp (tp, "ff", 2) == 0)
        return false;
    /*  all-zero trace or span ids are invalid per the W3C spec */
    if (strspn (tp + 3, "0") >= 32 || strspn (tp + 36, "0") >= 16)
        return false;
    return true;
}

static void
s_hexify (const uint8_t *bytes, size_t n, char *out)
{
    static const char digits [] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out [2 * i] = digits [bytes [i] >> 4];
        out [2 * i + 1] = digits [bytes [i] & 15];
    }
}

int
qs_traceparent_child (const char *parent, char *out)
{
    uint8_t rnd [24];
    if (qs_random_bytes (rnd, sizeof rnd) != 0)
        return -1;
    rnd [16] |= 1;                  /* never an all-zero span */
    rnd [0] |= 1;                   /* never an all-zero trace */
    char trace [33], span [17];
    if (qs_traceparent_valid (parent))
        memcpy (trace, parent + 3, 32);
    else
        s_hexify (rnd, 16, trace);
    trace [32] = 0;
    s_hexify (rnd + 16, 8, span);
    span [16] = 0;
    snprintf (out, QS_BUS_TP_LEN + 1, "00-%s-%s-01", trace, span);
    return 0;
}

int
qs_traceparent_new (char *out)
{
    return qs_traceparent_child (NULL, out);
}

static void
s_add_str (zmsg_t *msg, const char *s)
{
    zmsg_addstr (msg, s ? s : "");
}

int
qs_envelope_encode (const qs_envelope_t *env, zmsg_t *msg)
{
    if (!env || !msg || env->deadline_ms <= 0 || !env->call_id [0]
    ||  !qs_bus_name_valid (env->service) || !qs_bus_name_valid (env->op))
        return -1;
    char deadline [24];
    snprintf (deadline, sizeof deadline, "%" PRId64, env->deadline_ms);
    s_add_str (msg, env->call_id);
    s_add_str (msg, env->request_id);
    s_add_str (msg, env->traceparent);
    s_add_str (msg, deadline);
    s_add_str (msg, env->service);
    s_add_str (msg, env->op);
    if (env->auth.sub [0]) {
        json_object *auth = qs_auth_to_json (&env->auth, true);
        s_add_str (msg, auth ? qs_json_text (auth) : "");
        json_object_put (auth);
    }
    else
    if (env->auth.token [0]) {
        /*  issue 11: a bearer token alone, for the broker to verify and
            replace with the verified context (proto/client.md) */
        json_object *auth = json_object_new_object ();
        qs_json_add_str (auth, "token", env->auth.token);
        s_add_str (msg, auth ? qs_json_text (auth) : "");
        json_object_put (auth);
    }
    else
        zmsg_addstr (msg, "");
    s_add_str (msg, env->body ? qs_json_text (env->body) : "{}");
    if (env->quiet)
        zmsg_addstr (msg, "quiet");
    return 0;
}

/*  Walks the envelope frames either popping them (decode) or leaving the
    message intact (peek), so both share one set of checks. */
typedef struct {
    zmsg_t *msg;
    bool pop;
    bool started;
} s_cursor_t;

static zframe_t *
s_next (s_cursor_t *cursor)
{
    if (cursor->pop)
        return zmsg_pop (cursor->msg);
    zframe_t *frame = cursor->started ? zmsg_next (cursor->msg) : zmsg_first (cursor->msg);
    cursor->started = true;
    return frame;
}

static void
s_done (s_cursor_t *cursor, zframe_t **frame_p)
{
    if (cursor->pop)
        zframe_destroy (frame_p);
    *frame_p = NULL;
}

static int
s_str (s_cursor_t *cursor, char *buf, size_t size)
{
    zframe_t *frame = s_next (cursor);
    if (!frame)
        return -1;
    size_t len = zframe_size (frame);
    int rc = -1;
    if (len < size && !memchr (zframe_data (frame), 0, len)) {
        memcpy (buf, zframe_data (frame), len);
        buf [len] = 0;
        rc = 0;
    }
    s_done (cursor, &frame);
    return rc;
}

/*  A frame holding a JSON object (parsed only when parse is set). */
static int
s_json (s_cursor_t *cursor, size_t max, bool parse, json_object **out, bool allow_empty)
{
    zframe_t *frame = s_next (cursor);
    if (!frame)
        return -1;
    int rc = -1;
    size_t len = zframe_size (frame);
    if (len > max)
        goto cleanup;
    if (len == 0) {
        rc = allow_empty ? 0 : -1;
        goto cleanup;
    }
    if (!parse) {
        rc = 0;
        goto cleanup;
    }
    const char *why = NULL;
    *out = qs_json_parse ((const char *) zframe_data (frame), len, &why);
    if (*out && json_object_is_type (*out, json_type_object))
        rc = 0;
    else {
        json_object_put (*out);
        *out = NULL;
    }
cleanup:
    s_done (cursor, &frame);
    return rc;
}

static int
s_decode (qs_envelope_t *env, s_cursor_t *cursor, bool parse_json, qs_err_t *err)
{
    memset (env, 0, sizeof *env);
    char deadline [24];
    json_object *auth = NULL;
    size_t frames = cursor->msg ? zmsg_size (cursor->msg) : 0;
    if (frames != 8 && frames != 9)
        return qs_err_set (err, 400, "bad_request", "envelope must have 8 or 9 frames");
    if (s_str (cursor, env->call_id, sizeof env->call_id) || !env->call_id [0])
        return qs_err_set (err, 400, "bad_request", "bad call id");
    if (s_str (cursor, env->request_id, sizeof env->request_id))
        return qs_err_set (err, 400, "bad_request", "bad request id");
    if (s_str (cursor, env->traceparent, sizeof env->traceparent)
    ||  (env->traceparent [0] && !qs_traceparent_valid (env->traceparent)))
        return qs_err_set (err, 400, "bad_request", "bad traceparent");
    if (s_str (cursor, deadline, sizeof deadline))
        return qs_err_set (err, 400, "bad_request", "bad deadline");
    char *end = NULL;
    long long value = strtoll (deadline, &end, 10);
    if (!deadline [0] || *end || value <= 0)
        return qs_err_set (err, 400, "bad_request", "bad deadline");
    env->deadline_ms = value;
    if (s_str (cursor, env->service, sizeof env->service) || !qs_bus_name_valid (env->service))
        return qs_err_set (err, 400, "bad_request", "bad service name");
    if (s_str (cursor, env->op, sizeof env->op) || !qs_bus_name_valid (env->op))
        return qs_err_set (err, 400, "bad_request", "bad op name");
    if (s_json (cursor, QS_BUS_AUTH_MAX, parse_json, &auth, true))
        return qs_err_set (err, 400, "bad_request", "bad auth context");
    if (auth && qs_auth_from_json (&env->auth, auth) != 0) {
        json_object_put (auth);
        qs_envelope_clear (env);
        return qs_err_set (err, 400, "bad_request", "bad auth context");
    }
    json_object_put (auth);
    if (s_json (cursor, QS_BUS_BODY_MAX, parse_json, &env->body, false)) {
        qs_envelope_clear (env);
        return qs_err_set (err, 400, "bad_request", "body is not a JSON object");
    }
    char flags [8] = "";
    if (frames == 9 && (s_str (cursor, flags, sizeof flags) || strcmp (flags, "quiet") != 0)) {
        qs_envelope_clear (env);
        return qs_err_set (err, 400, "bad_request", "bad flags frame (only \"quiet\")");
    }
    env->quiet = frames == 9;
    return 0;
}

int
qs_envelope_decode (qs_envelope_t *env, zmsg_t *msg, bool parse_json, qs_err_t *err)
{
    s_cursor_t cursor = { msg, true, false };
    return s_decode (env, &cursor, parse_json, err);
}

int
qs_envelope_peek (qs_envelope_t *env, zmsg_t *msg, qs_err_t *err)
{
    s_cursor_t cursor = { msg, false, false };
    return s_decode (env, &cursor, false, err);
}

void
qs_envelope_clear (qs_envelope_t *env)
{
    if (!env)
        return;
    json_object_put (env->body);
    explicit_bzero (env, sizeof *env);     /* the token must not linger */
}

json_object *
qs_bus_error_body (const char *code, const char *message)
{
    json_object *body = json_object_new_object ();
    json_object *error = json_object_new_object ();
    qs_json_add_str (error, "code", code);
    qs_json_add_str (error, "message", message);
    json_object_object_add (body, "error", error);
    return body;
}

void
qs_bus_final_append (zmsg_t *msg, const char *call_id, int status, const char *body_json)
{
    char text [16];
    snprintf (text, sizeof text, "%d", status);
    zmsg_addstr (msg, call_id);
    zmsg_addstr (msg, text);
    zmsg_addstr (msg, body_json ? body_json : "");
}
