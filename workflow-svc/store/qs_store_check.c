/*  qs_store_check - input checks, titles and cursors for the store front
    (qs_store.c); see qs_store_impl.h. */
#include "qs_store_impl.h"
#include "qs_db_json.h"
#include "qs_json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_roles[] = {"user", "assistant", "system", NULL};

bool
qs_store_in (const char *s, const char **set)
{
    for (int i = 0; s && set[i]; i++)
        if (strcmp (s, set[i]) == 0)
            return true;
    return false;
}

/* ---- validation ---------------------------------------------------------- */

int
qs_store_check_owner (const char *org, const char *user, qs_err_t *err)
{
    if (!org || !*org || !user || !*user)
        return qs_err_set (err, 400, "bad_request", "owner (organization and user) is required");
    if (qs_db_check_text ("organization id", org, strlen (org), 127, err) != 0
        || qs_db_check_text ("user id", user, strlen (user), 127, err) != 0)
        return -1;
    return 0;
}

int
qs_store_check_id (const char *what, const char *id, qs_err_t *err)
{
    if (!qs_id_valid (id))
        return qs_err_set (err, 404, "not_found", "%s not found", what);
    return 0;
}

/*  Title: whitespace runs become one space, trimmed, at most 80 characters. */
void
qs_store_make_title (const char *content, char *out, size_t size)
{
    size_t o = 0;
    int chars = 0;
    bool space = false;
    for (const unsigned char *p = (const unsigned char *) content; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') {
            space = o > 0;
            continue;
        }
        bool lead = (*p & 0xC0) != 0x80;
        if (lead) {
            if (chars + (space ? 1 : 0) >= QS_STORE_TITLE_MAX)
                break;
            if (space) {
                if (o + 1 >= size)
                    break;
                out[o++] = ' ';
                chars++;
                space = false;
            }
            /* room for the whole code point */
            size_t need = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
            if (o + need >= size)
                break;
            chars++;
        }
        out[o++] = (char) *p;
    }
    out[o] = '\0';
    if (o == 0)
        qs_strlcpy (out, "New conversation", size);
}

/*  Validate {"role","content","metadata"?} into m. *meta_p receives the
    metadata text to free. */
int
qs_store_message_in (json_object *msg, qs_store_msg_in_t *m, char **meta_p, qs_err_t *err)
{
    *meta_p = NULL;
    if (!msg || !json_object_is_type (msg, json_type_object))
        return qs_err_set (err, 400, "bad_request", "message must be an object");
    const char *role = NULL, *content = NULL;
    if (qs_db_member_text (msg, "role", true, 16, &role, err) != 0
        || qs_db_member_text (msg, "content", true, QS_STORE_CONTENT_MAX, &content, err) != 0)
        return -1;
    if (!qs_store_in (role, s_roles))
        return qs_err_set (err, 422, "invalid_input", "role must be user, assistant or system");
    if (qs_db_member_json (msg, "metadata", true, QS_STORE_META_MAX, meta_p, err) != 0)
        return -1;
    if (qs_id_new (m->id) != 0)
        return qs_err_set (err, 500, "internal_error", "no randomness for an id");
    m->role = role;
    m->content = content;
    m->metadata = *meta_p;
    m->ts = qs_now_ms ();
    return 0;
}

/* ---- cursors: base64url of "c1:<ms>:<id>" / "m1:<seq>" ------------------- */

static const char s_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
qs_store_cursor_encode (const char *in, char *out, size_t size)
{
    size_t n = strlen (in), o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i += 3) {
        unsigned v = (unsigned char) in[i] << 16;
        if (i + 1 < n) v |= (unsigned char) in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char) in[i + 2];
        out[o++] = s_b64[(v >> 18) & 63];
        out[o++] = s_b64[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = s_b64[(v >> 6) & 63];
        if (i + 2 < n) out[o++] = s_b64[v & 63];
    }
    out[o] = '\0';
}

static int
s_b64_decode (const char *in, char *out, size_t size)
{
    size_t n = strlen (in), o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *pos = strchr (s_b64, in[i]);
        if (!pos || !in[i])
            return -1;
        v = (v << 6) | (unsigned) (pos - s_b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o + 1 >= size)
                return -1;
            out[o++] = (char) ((v >> bits) & 0xFF);
        }
    }
    out[o] = '\0';
    return 0;
}

int
qs_store_conv_cursor_parse (const char *cursor, int64_t *ms, char id[QS_ID_LEN + 1], qs_err_t *err)
{
    char text[96];
    long long v = 0;
    int used = 0;
    if (strlen (cursor) > 120 || s_b64_decode (cursor, text, sizeof text) != 0
        || sscanf (text, "c1:%lld:%n", &v, &used) != 1 || used == 0
        || !qs_id_valid (text + used))
        return qs_err_set (err, 400, "bad_request", "invalid cursor");
    *ms = (int64_t) v;
    qs_strlcpy (id, text + used, QS_ID_LEN + 1);
    return 0;
}

int
qs_store_msg_cursor_parse (const char *cursor, int64_t *seq, qs_err_t *err)
{
    char text[48];
    long long v = 0;
    int used = 0;
    if (strlen (cursor) > 40 || s_b64_decode (cursor, text, sizeof text) != 0
        || sscanf (text, "m1:%lld%n", &v, &used) != 1 || text[used] != '\0' || v < 0)
        return qs_err_set (err, 400, "bad_request", "invalid cursor");
    *seq = (int64_t) v;
    return 0;
}

json_object *
qs_store_seq_page (json_object *rows, int limit, const char *key)
{
    json_object *out = json_object_new_object ();
    json_object *next = NULL;
    if ((int) json_object_array_length (rows) > limit) {
        json_object_array_del_idx (rows, (size_t) limit, (size_t) json_object_array_length (rows) - (size_t) limit);
        json_object *last = json_object_array_get_idx (rows, (size_t) limit - 1);
        char raw[40], enc[64];
        snprintf (raw, sizeof raw, "m1:%lld", (long long) qs_json_int (last, "seq", 0));
        qs_store_cursor_encode (raw, enc, sizeof enc);
        next = json_object_new_string (enc);
    }
    json_object_object_add (out, key, rows);
    json_object_object_add (out, "next_cursor", next);
    return out;
}

bool
qs_store_code_valid (const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (n >= 48
            || !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
            return false;
    return n > 0;
}
