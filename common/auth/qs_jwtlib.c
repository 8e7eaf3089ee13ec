/*  qs_jwtlib - see qs_jwtlib.h */
#include "qs_jwtlib.h"
#include "qs_dl.h"
#include <pthread.h>
#include <stdio.h>

static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static qs_jwtlib_t s_api;
static const qs_jwtlib_t *s_loaded;         /* set once, read with acquire */
static char s_why[160];

#define S_SYM(field, name) { name, (void **) &s_api.field }

static void
s_load (void)
{
    /*  the libcrypto functions resolve through libjwt, which needs it */
    const qs_dl_sym_t syms[] = {
        S_SYM (jwt_decode, "jwt_decode"),
        S_SYM (jwt_get_alg, "jwt_get_alg"),
        S_SYM (jwt_get_grants_json, "jwt_get_grants_json"),
        S_SYM (jwt_free, "jwt_free"),
        S_SYM (bio_new_mem_buf, "BIO_new_mem_buf"),
        S_SYM (bio_free, "BIO_free"),
        S_SYM (pem_read_bio_pubkey, "PEM_read_bio_PUBKEY"),
        S_SYM (evp_pkey_get_base_id, "EVP_PKEY_get_base_id"),
        S_SYM (evp_pkey_get_bits, "EVP_PKEY_get_bits"),
        S_SYM (evp_pkey_free, "EVP_PKEY_free"),
        S_SYM (openssl_thread_stop, "OPENSSL_thread_stop"),
    };
    const char *const sonames[] = { "libjwt.so.0", NULL };
    char why[sizeof s_why - 32];
    if (qs_dl_open (sonames, syms, sizeof syms / sizeof syms[0], why, sizeof why) != 0)
        snprintf (s_why, sizeof s_why, "libjwt is not available: %s", why);
    else
        __atomic_store_n (&s_loaded, &s_api, __ATOMIC_RELEASE);
}

const qs_jwtlib_t *
qs_jwtlib (char *why, size_t size)
{
    pthread_once (&s_once, s_load);
    const qs_jwtlib_t *api = __atomic_load_n (&s_loaded, __ATOMIC_ACQUIRE);
    if (!api && why && size > 0)
        snprintf (why, size, "%s", s_why);
    return api;
}

const qs_jwtlib_t *
qs_jwtlib_loaded (void)
{
    return __atomic_load_n (&s_loaded, __ATOMIC_ACQUIRE);
}
