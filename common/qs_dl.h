/*  qs_dl - a shared library loaded when a feature first needs it.

    A process maps every library it links, and every library those pull in,
    whether it uses them or not: libcurl alone brings about twenty (libssl,
    gnutls, p11-kit, ldap, ssh2, ...) and libmongoc runs mongoc_init (OpenSSL,
    SASL plugins) from its ELF constructor. A module whose library serves an
    optional feature (an LLM, remote embeddings, a MongoDB store) opens it
    with qs_dl_open on first use and calls it through a table of function
    pointers; the binary links only the library's headers.

    A library opened here stays loaded for the life of the process (its
    handle is never closed: the table's pointers stay valid). */
#ifndef QS_DL_H
#define QS_DL_H

#include <stddef.h>

/*  One function to resolve: its exported name and where its address goes. */
typedef struct {
    const char *name;
    void **slot;
} qs_dl_sym_t;

/*  Open the first of sonames (NULL-terminated; e.g. "libcurl.so.4") that
    loads, then resolve each of the count syms into its slot. Returns 0, or -1
    with why (size bytes, always terminated) saying which library or symbol
    was missing; on failure no slot is left half-filled and nothing stays
    loaded. Not thread-safe: call it under a pthread_once or a lock. */
int qs_dl_open (const char *const *sonames, const qs_dl_sym_t *syms, size_t count, char *why,
                size_t size);

#endif
