/*  qs_store_testlib - shared by the workflow store suites: a fresh, empty
    database per test (qs_test_db.h) and the small builders the behaviour
    suites share (a message, a new conversation). */
#ifndef QS_STORE_TESTLIB_H
#define QS_STORE_TESTLIB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "qs_json.h"
#include "qs_test_db.h"
#include "qs_store.h"
#include "qs_util.h"

/*  A new message {"role","content"} (both lent); the caller puts it. */
static inline json_object *
qs_test_msg (const char *role, const char *content)
{
    json_object *m = json_object_new_object ();
    qs_json_add_str (m, "role", role);
    json_object_object_add (m, "content", json_object_new_string (content));
    return m;
}

/*  Create a conversation of (org, user) in store (lent) with a first user
    message; its id goes to out. Asserts that it worked. */
static inline void
qs_test_new_conv (qs_store_t *store, const char *org, const char *user, const char *text,
                  char out[QS_ID_LEN + 1])
{
    qs_err_t err = {0};
    json_object *m = qs_test_msg ("user", text);
    json_object *c = qs_store_conversation_create (store, org, user, m, &err);
    ck_assert_msg (c, "create: %s", err.message);
    qs_strlcpy (out, qs_json_str (c, "id", ""), QS_ID_LEN + 1);
    json_object_put (m);
    json_object_put (c);
}

#endif
