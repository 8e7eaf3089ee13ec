/*  qs_jwtlib - libjwt and the libcrypto calls of qs_jwt, loaded on first
    use (qs_dl.h): a process that never checks a token or a key does not
    map libjwt, libcrypto, jansson and b64. The broker links qs_jwt for bus
    clients that send a bare bearer token (issue 11); the gateway and the
    workers send it verified contexts, so a broker without such clients
    never loads them. Private to qs_jwt.

    Threads: any thread; the first call loads once (pthread_once). */
#ifndef QS_JWTLIB_H
#define QS_JWTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

typedef struct {
    __typeof__ (jwt_decode) *jwt_decode;
    __typeof__ (jwt_get_alg) *jwt_get_alg;
    __typeof__ (jwt_get_grants_json) *jwt_get_grants_json;
    __typeof__ (jwt_free) *jwt_free;
    __typeof__ (BIO_new_mem_buf) *bio_new_mem_buf;
    __typeof__ (BIO_free) *bio_free;
    __typeof__ (PEM_read_bio_PUBKEY) *pem_read_bio_pubkey;
    __typeof__ (EVP_PKEY_get_base_id) *evp_pkey_get_base_id;
    __typeof__ (EVP_PKEY_get_bits) *evp_pkey_get_bits;
    __typeof__ (EVP_PKEY_free) *evp_pkey_free;
    __typeof__ (OPENSSL_thread_stop) *openssl_thread_stop;
} qs_jwtlib_t;

/*  The loaded functions (lent, for the life of the process), or NULL with
    why (size bytes) saying why libjwt could not be loaded. */
const qs_jwtlib_t *qs_jwtlib (char *why, size_t size);

/*  The functions when an earlier call loaded them, else NULL; never loads. */
const qs_jwtlib_t *qs_jwtlib_loaded (void);

#endif
