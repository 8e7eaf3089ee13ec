/*  qs_test_db - a fresh, empty database per test for whichever backend
    QS_TEST_STORE_URL names (every repository suite on the storage driver):
      unset or "sqlite"          a new SQLite file under /tmp
      mongodb://host:port        a new database (random name) on that server
    tests/storage/with-mongo-server.sh starts a test server and sets it. */
#ifndef QS_TEST_DB_H
#define QS_TEST_DB_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

#endif
