/*  qs_log - see qs_log.h. The configuration is written once by qs_log_init
    before threads start and only read afterwards. */
#include "qs_log.h"
#include "qs_util.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static struct {
    char name[48];
    qs_log_level_t level;
    int json;
} s_cfg = {"quickspin", QS_LOG_INFO, 0};

static const char *s_level_names[] = {"debug", "info", "warn", "error"};

int
qs_log_level_parse (const char *text)
{
    for (int i = 0; text && i < 4; i++)
        if (!strcasecmp (text, s_level_names[i]))
            return i;
    if (text && !strcasecmp (text, "warning"))
        return QS_LOG_WARN;
    return -1;
}

void
qs_log_init (const char *name)
{
    qs_strlcpy (s_cfg.name, name ? name : "quickspin", sizeof s_cfg.name);
    int level = qs_log_level_parse (getenv ("QS_LOG_LEVEL"));
    s_cfg.level = level >= 0 ? (qs_log_level_t) level : QS_LOG_INFO;
    const char *format = getenv ("QS_LOG_FORMAT");
    if (format && *format)
        s_cfg.json = strcasecmp (format, "text") != 0;
    else
        s_cfg.json = !isatty (STDERR_FILENO);
}

void
qs_log_configure (qs_log_level_t level, const char *format)
{
    s_cfg.level = level;
    if (format)
        s_cfg.json = strcasecmp (format, "text") != 0;
}

int
qs_log_enabled (qs_log_level_t level)
{
    return level >= s_cfg.level;
}

/*  Append text as a JSON string body (without quotes), escaping. */
static size_t
s_json_escape (char *dst, size_t size, size_t pos, const char *src)
{
    for (const unsigned char *p = (const unsigned char *) src; *p && pos + 7 < size; p++) {
        if (*p == '"' || *p == '\\') {
            dst[pos++] = '\\';
            dst[pos++] = (char) *p;
        }
        else if (*p < 0x20) {
            pos += (size_t) snprintf (dst + pos, size - pos, "\\u%04x", *p);
        }
        else
            dst[pos++] = (char) *p;
    }
    dst[pos] = '\0';
    return pos;
}

void
qs_logv (qs_log_level_t level, const char *request_id, const char *fmt, va_list ap)
{
    if (level < s_cfg.level)
        return;
    char msg[2048], clean[2048], line[4608], ts[32];
    vsnprintf (msg, sizeof msg, fmt, ap);
    /* defence in depth: nothing that looks like a secret leaves the process */
    qs_redact (clean, sizeof clean, msg);
    qs_time_rfc3339 (qs_now_ms (), ts, sizeof ts);
    size_t pos;
    if (s_cfg.json) {
        pos = (size_t) snprintf (line, sizeof line,
                                 "{\"ts\":\"%s\",\"level\":\"%s\",\"svc\":\"%s\",\"pid\":%d,"
                                 "\"request_id\":",
                                 ts, s_level_names[level], s_cfg.name, (int) getpid ());
        if (request_id && *request_id) {
            line[pos++] = '"';
            pos = s_json_escape (line, sizeof line - 40, pos, request_id);
            line[pos++] = '"';
        }
        else
            pos += (size_t) snprintf (line + pos, sizeof line - pos, "null");
        pos += (size_t) snprintf (line + pos, sizeof line - pos, ",\"msg\":\"");
        pos = s_json_escape (line, sizeof line - 4, pos, clean);
        snprintf (line + pos, sizeof line - pos, "\"}\n");
    }
    else {
        for (char *p = clean; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        snprintf (line, sizeof line, "%s %-5s %s rid=%s %s\n", ts, s_level_names[level],
                  s_cfg.name, request_id && *request_id ? request_id : "-", clean);
    }
    /* one write() per line keeps lines whole between threads and processes */
    ssize_t unused = write (STDERR_FILENO, line, strlen (line));
    (void) unused;
}

void
qs_log (qs_log_level_t level, const char *request_id, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    qs_logv (level, request_id, fmt, ap);
    va_end (ap);
}

/*  Length of a secret-looking run starting at p: until whitespace, quote,
    comma, ampersand or closing bracket. */
static size_t
s_secret_len (const char *p)
{
    size_t n = 0;
    while (p[n] && !isspace ((unsigned char) p[n]) && !strchr ("\"',&;)}]", p[n]))
        n++;
    return n;
}

static int
s_starts_with_ci (const char *p, const char *word)
{
    return strncasecmp (p, word, strlen (word)) == 0;
}

char *
qs_redact (char *dst, size_t size, const char *src)
{
    static const char *keys[] = {"password=", "password:", "passwd=", "pwd=", "token=",
                                 "api_key=", "apikey=", "secret=", "authorization:",
                                 "\"password\":", "\"token\":", "\"api_key\":", NULL};
    size_t o = 0;
    const char *p = src ? src : "";
    while (*p && o + 1 < size) {
        /* Bearer <token> */
        if (s_starts_with_ci (p, "bearer ")) {
            o += (size_t) snprintf (dst + o, size - o, "Bearer [REDACTED]");
            p += 7;
            p += s_secret_len (p);
            continue;
        }
        /* JWT-looking: eyJ....eyJ... */
        if (p[0] == 'e' && p[1] == 'y' && p[2] == 'J' && (p == src || !isalnum ((unsigned char) p[-1]))) {
            size_t n = s_secret_len (p);
            if (n > 20 && memchr (p, '.', n)) {
                o += (size_t) snprintf (dst + o, size - o, "[REDACTED]");
                p += n;
                continue;
            }
        }
        int matched = 0;
        for (int k = 0; keys[k]; k++) {
            if (s_starts_with_ci (p, keys[k])) {
                size_t kl = strlen (keys[k]);
                o += (size_t) snprintf (dst + o, size - o, "%.*s", (int) kl, p);
                p += kl;
                while (*p == ' ' || *p == '"')
                    p++;
                o += (size_t) snprintf (dst + o, o < size ? size - o : 0, "[REDACTED]");
                p += s_secret_len (p);
                matched = 1;
                break;
            }
        }
        if (matched) {
            if (o >= size)
                o = size - 1;
            continue;
        }
        /* scheme://user:secret@host */
        if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
            const char *q = p + 3;
            size_t n = s_secret_len (q);
            const char *at = memchr (q, '@', n);
            const char *colon = at ? memchr (q, ':', (size_t) (at - q)) : NULL;
            if (at && colon) {
                o += (size_t) snprintf (dst + o, size - o, "://%.*s:[REDACTED]@",
                                        (int) (colon - q), q);
                p = at + 1;
                if (o >= size)
                    o = size - 1;
                continue;
            }
        }
        dst[o++] = *p++;
    }
    if (o >= size)
        o = size - 1;
    dst[o] = '\0';
    return dst;
}
