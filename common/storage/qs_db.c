/*  qs_db - see qs_db.h */
#include "qs_db.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct _qs_db_t {
    qs_lite_t *lite;
    qs_mongo_t *mongo;
};

qs_db_t *
qs_db_new (const char *url, qs_err_t *err)
{
    if (!url || !*url)
        return qs_err_set (err, 400, "bad_request", "store URL is empty"), NULL;
    qs_db_t *self = calloc (1, sizeof *self);
    if (!self)
        return qs_err_set (err, 500, "internal_error", "out of memory"), NULL;
    if (strncmp (url, "sqlite://", 9) == 0)
        self->lite = qs_lite_new (url, err);
    else if (strncmp (url, "mongodb://", 10) == 0 || strncmp (url, "mongodb+srv://", 14) == 0)
        self->mongo = qs_mongo_new (url, err);
    else
        qs_err_set (err, 400, "bad_request", "store URL must start with sqlite:// or mongodb://");
    if (!self->lite && !self->mongo)
        qs_db_destroy (&self);
    return self;
}

void
qs_db_destroy (qs_db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qs_lite_destroy (&(*self_p)->lite);
    qs_mongo_destroy (&(*self_p)->mongo);
    free (*self_p);
    *self_p = NULL;
}

const char *
qs_db_backend (qs_db_t *self)
{
    assert (self);
    return self->lite ? "sqlite" : "mongodb";
}

int
qs_db_ping (qs_db_t *self, qs_err_t *err)
{
    assert (self);
    return self->lite ? qs_lite_ping (self->lite, err) : qs_mongo_ping (self->mongo, err);
}

qs_lite_t *
qs_db_lite (qs_db_t *self)
{
    assert (self);
    return self->lite;
}

qs_mongo_t *
qs_db_mongo (qs_db_t *self)
{
    assert (self);
    return self->mongo;
}
