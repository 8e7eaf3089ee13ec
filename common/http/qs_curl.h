/*  qs_curl - libcurl, loaded on first use (qs_dl.h): only a process that
    makes an HTTP call maps libcurl and the twenty-odd libraries it pulls in
    (libssl, gnutls, p11-kit, ldap, ssh2, ...). Private to qs_http, the one
    libcurl wrapper.

    Threads: qs_curl may be called from any thread; the first call loads the
    library and runs curl_global_init once (pthread_once). */
#ifndef QS_CURL_H
#define QS_CURL_H

#include <stddef.h>
#include <curl/curl.h>

/*  The libcurl functions qs_http calls, typed from curl.h. */
typedef struct {
    __typeof__ (curl_global_init) *global_init;
    __typeof__ (curl_easy_init) *easy_init;
    __typeof__ (curl_easy_cleanup) *easy_cleanup;
    __typeof__ (curl_easy_reset) *easy_reset;
    __typeof__ (curl_easy_setopt) *easy_setopt;
    __typeof__ (curl_easy_getinfo) *easy_getinfo;
    __typeof__ (curl_easy_perform) *easy_perform;
    __typeof__ (curl_easy_strerror) *easy_strerror;
    __typeof__ (curl_slist_append) *slist_append;
    __typeof__ (curl_slist_free_all) *slist_free_all;
    __typeof__ (curl_multi_init) *multi_init;
    __typeof__ (curl_multi_add_handle) *multi_add_handle;
    __typeof__ (curl_multi_remove_handle) *multi_remove_handle;
    __typeof__ (curl_multi_perform) *multi_perform;
    __typeof__ (curl_multi_poll) *multi_poll;
    __typeof__ (curl_multi_info_read) *multi_info_read;
    __typeof__ (curl_multi_cleanup) *multi_cleanup;
} qs_curl_t;

/*  The loaded and initialised libcurl (lent, for the life of the process),
    or NULL with why (size bytes) saying why it could not be loaded: then
    every later call fails the same way. */
const qs_curl_t *qs_curl (char *why, size_t size);

/*  Before the first qs_curl only: load soname instead of libcurl.so.4
    (tests: a missing library). Not thread-safe. */
void qs_curl_use_library (const char *soname);

#endif
