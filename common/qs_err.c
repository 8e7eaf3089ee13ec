/*  qs_err - see qs_err.h */
#include "qs_err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
qs_err_set (qs_err_t *err, int status, const char *code, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->status = status;
    snprintf (err->code, sizeof err->code, "%s", code ? code : qs_err_code_for_status (status));
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (err->message, sizeof err->message, fmt, ap);
    va_end (ap);
    err->retry_after = 0;
    return -1;
}

void
qs_err_clear (qs_err_t *err)
{
    if (err)
        memset (err, 0, sizeof *err);
}

const char *
qs_err_code_for_status (int status)
{
    switch (status) {
        case 400: return "bad_request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not_found";
        case 405: return "method_not_allowed";
        case 409: return "conflict";
        case 413: return "payload_too_large";
        case 415: return "unsupported_media_type";
        case 422: return "unprocessable_entity";
        case 429: return "rate_limited";
        case 502: return "bad_gateway";
        case 503: return "service_unavailable";
        case 504: return "deadline_exceeded";
        default:  return status >= 500 ? "internal_error" : "bad_request";
    }
}
