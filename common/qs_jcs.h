/*  qs_jcs - the JSON Canonicalization Scheme (RFC 8785) over json-c values:
    object members sorted by their UTF-16 code units, no whitespace, strings
    with the minimal escapes, numbers as ECMAScript prints an IEEE double.

    Used wherever two processes must agree on the bytes of a JSON value
    before hashing it (the audit chain, contract section 10). */
#ifndef QS_JCS_H
#define QS_JCS_H

#include <json-c/json.h>
#include "qs_err.h"

/*  The canonical text of value (lent; NULL is JSON null). Returns a new
    string the caller frees, or NULL with err set: 422 invalid_input for a
    non-finite number or a string that is not valid UTF-8, 400 for nesting
    deeper than 64, 500 on allocation failure. */
char *qs_jcs_serialize (json_object *value, qs_err_t *err);

/*  ECMAScript's Number::toString of d into out (at least 32 bytes): the
    shortest digits that read back as d. 0, or -1 when d is NaN or infinite. */
int qs_jcs_number (double d, char *out, size_t size);

#endif
