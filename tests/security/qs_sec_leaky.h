/*  qs_sec_leaky - a careless upstream for the no-secret-in-logs test: an
    HTTP server on loopback that answers every request 401 and, like some
    real APIs do, quotes the caller's Authorization header in its error
    body. Whatever logs that body leaks the key. */
#ifndef QS_SEC_LEAKY_H
#define QS_SEC_LEAKY_H

typedef struct _qs_sec_leaky_t qs_sec_leaky_t;

/*  Listen on a free loopback port and serve from a thread. NULL on failure. */
qs_sec_leaky_t *qs_sec_leaky_new (void);
/*  Stop, join, free, null. Accepts NULL. */
void qs_sec_leaky_destroy (qs_sec_leaky_t **self_p);
int qs_sec_leaky_port (qs_sec_leaky_t *self);
/*  Requests answered so far. */
int qs_sec_leaky_hits (qs_sec_leaky_t *self);

#endif
