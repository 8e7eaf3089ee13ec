/*  qsc_private - what the library's two files share; not installed nor
    exported (qsci_ = internal; the version script exports qsc_* only). */
#ifndef QSC_PRIVATE_H
#define QSC_PRIVATE_H

#include <stdbool.h>
#include "quickspin-client.h"
#include "qs_curve.h"

/*  Fill err (may be NULL); always -1. */
int qsci_error_set (qsc_error_t *err, qsc_code_t code, int status, const char *name,
                   const char *message);

/*  Explicit keys of config into *keys (*explicit_p true), or nothing when
    config gives no server key (the environment decides). 0, or -1 with err. */
int qsci_keys_from_config (const qsc_config_t *config, qs_curve_client_t *keys, bool *explicit_p,
                          qsc_error_t *err);

#endif
