/*  qs_env - typed reads of the contract's environment variables. Values are
    read when asked; nothing is cached in globals. */
#ifndef QS_ENV_H
#define QS_ENV_H

#include <stdbool.h>

/*  The value, or def when unset or empty. Lent pointer (environment or def). */
const char *qs_env_str (const char *name, const char *def);

/*  Parse an integer; def when unset; -1 and a log line when malformed or out of
    [min, max] (the value written to *out is then def). */
int qs_env_int (const char *name, long def, long min, long max, long *out);

/*  A double, same rules. */
int qs_env_double (const char *name, double def, double min, double max, double *out);

/*  "1", "true", "yes", "on" are true; "0", "false", "no", "off" false. */
bool qs_env_bool (const char *name, bool def);

/*  The broker endpoint (QS_BROKER_ENDPOINT) or the local default
    "tcp://127.0.0.1:5555". Lent. */
const char *qs_env_broker_endpoint (void);

/*  True when host (a literal address or "localhost") is a loopback address. */
bool qs_is_loopback_host (const char *host);

#endif
