/*  qs_log - structured logging: one line per event, json or text, with the
    process name and the request id on every line.

    The logger is configured once at process start (qs_log_init) and is then
    read-only, so any thread may log. Secrets must never be passed in; the
    redaction helper below scrubs bearer tokens and URI passwords from text
    that comes from outside (log lines, error bodies). */
#ifndef QS_LOG_H
#define QS_LOG_H

#include <stdarg.h>
#include <stddef.h>

typedef enum { QS_LOG_DEBUG = 0, QS_LOG_INFO, QS_LOG_WARN, QS_LOG_ERROR } qs_log_level_t;

/*  Configure from QS_LOG_LEVEL / QS_LOG_FORMAT; name is copied. Call once,
    before threads start. */
void qs_log_init (const char *name);

/*  Override the level/format after init (tests). format: "json" or "text". */
void qs_log_configure (qs_log_level_t level, const char *format);

/*  Parse "debug|info|warn|error"; returns -1 when unknown. */
int qs_log_level_parse (const char *text);

/*  Log one line. request_id may be NULL. Extra fields: none; put context in
    the message as key=value. Thread-safe. */
void qs_log (qs_log_level_t level, const char *request_id, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
void qs_logv (qs_log_level_t level, const char *request_id, const char *fmt, va_list ap);

/*  True when a line at this level would be written. */
int qs_log_enabled (qs_log_level_t level);

/*  Copy src into dst (size bytes, always terminated), masking bearer tokens,
    JWT-looking strings, "password=...", "token=...", "api_key=..." values and
    credentials in URIs (scheme://user:secret@host). Returns dst. */
char *qs_redact (char *dst, size_t size, const char *src);

#define qs_debug(rid, ...) qs_log (QS_LOG_DEBUG, (rid), __VA_ARGS__)
#define qs_info(rid, ...)  qs_log (QS_LOG_INFO, (rid), __VA_ARGS__)
#define qs_warn(rid, ...)  qs_log (QS_LOG_WARN, (rid), __VA_ARGS__)
#define qs_error(rid, ...) qs_log (QS_LOG_ERROR, (rid), __VA_ARGS__)

#endif
