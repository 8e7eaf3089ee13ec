/*  qs_store_testlib - shared by the store suites: a fresh, empty store per
    test for whichever backend QS_TEST_STORE_URL names.
      unset or "sqlite"          a new SQLite file under /tmp
      mongodb://host:port        a new database (random name) on that server
    and the small builders the behaviour suites share (a message, a new
    conversation). */
#ifndef QS_STORE_TESTLIB_H
#define QS_STORE_TESTLIB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include "qs_json.h"
#include "qs_store.h"
#include "qs_util.h"

typedef struct {
    char url[512];
    char path[256];        /* SQLite file, "" for MongoDB */
} qs_test_db_t;

static inline bool
qs_test_db_is_mongo (void)
{
    const char *base = getenv ("QS_TEST_STORE_URL");
    return base && strncmp (base, "mongodb://", 10) == 0;
}

/*  Fill db with a URL for a brand-new, empty store. */
static inline void
qs_test_db_init (qs_test_db_t *db)
{
    char rnd[QS_ID_LEN + 1];
    qs_id_new (rnd);
    for (char *p = rnd; *p; p++)
        if (*p == '-' || *p == '_')
            *p = 'x';
    memset (db, 0, sizeof *db);
    if (qs_test_db_is_mongo ()) {
        const char *base = getenv ("QS_TEST_STORE_URL");
        const char *query = strchr (base, '?');
        size_t host_len = query ? (size_t) (query - base) : strlen (base);
        while (host_len > 10 && base[host_len - 1] == '/')
            host_len--;
        snprintf (db->url, sizeof db->url, "%.*s/qst_%.16s%s", (int) host_len, base, rnd,
                  query ? query : "");
    }
    else {
        snprintf (db->path, sizeof db->path, "/tmp/qs_store_test_%d_%s.db", (int) getpid (), rnd);
        snprintf (db->url, sizeof db->url, "sqlite://%s", db->path);
    }
}

static inline void
qs_test_db_remove (qs_test_db_t *db)
{
    if (!db->path[0])
        return;
    char extra[300];
    unlink (db->path);
    snprintf (extra, sizeof extra, "%s-wal", db->path);
    unlink (extra);
    snprintf (extra, sizeof extra, "%s-shm", db->path);
    unlink (extra);
}

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
