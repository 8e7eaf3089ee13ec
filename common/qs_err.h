/*  qs_err - the error value every layer returns: an HTTP-like status, a
    snake_case code from the contract and a human message. A plain struct
    passed by pointer, never allocated. */
#ifndef QS_ERR_H
#define QS_ERR_H

typedef struct {
    int  status;            /* 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503, 504 */
    char code[48];          /* "bad_request", "unauthorized", "overloaded", ... */
    char message[512];      /* safe to show to the user: never a secret */
    int  retry_after;       /* seconds, for 429/503; 0 = none */
} qs_err_t;

/*  Set all fields; message is printf-formatted and truncated to fit. err may
    be NULL (then nothing happens). Always returns -1 so callers can
    `return qs_err_set (...)`. */
int qs_err_set (qs_err_t *err, int status, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/*  Reset to "no error" (status 0). */
void qs_err_clear (qs_err_t *err);

/*  The default code for a status (e.g. 404 -> "not_found"). Lent string. */
const char *qs_err_code_for_status (int status);

#endif
