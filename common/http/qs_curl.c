/*  qs_curl - see qs_curl.h */
#include "qs_curl.h"
#include "qs_dl.h"
#include <pthread.h>
#include <stdio.h>

static const char *s_soname = "libcurl.so.4";
static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static qs_curl_t s_api;
static const qs_curl_t *s_loaded;
static char s_why[160];

#define S_SYM(field, name) { name, (void **) &s_api.field }

static void
s_load (void)
{
    const qs_dl_sym_t syms[] = {
        S_SYM (global_init, "curl_global_init"),
        S_SYM (easy_init, "curl_easy_init"),
        S_SYM (easy_cleanup, "curl_easy_cleanup"),
        S_SYM (easy_reset, "curl_easy_reset"),
        S_SYM (easy_setopt, "curl_easy_setopt"),
        S_SYM (easy_getinfo, "curl_easy_getinfo"),
        S_SYM (easy_perform, "curl_easy_perform"),
        S_SYM (easy_strerror, "curl_easy_strerror"),
        S_SYM (slist_append, "curl_slist_append"),
        S_SYM (slist_free_all, "curl_slist_free_all"),
        S_SYM (multi_init, "curl_multi_init"),
        S_SYM (multi_add_handle, "curl_multi_add_handle"),
        S_SYM (multi_remove_handle, "curl_multi_remove_handle"),
        S_SYM (multi_perform, "curl_multi_perform"),
        S_SYM (multi_poll, "curl_multi_poll"),
        S_SYM (multi_info_read, "curl_multi_info_read"),
        S_SYM (multi_cleanup, "curl_multi_cleanup"),
    };
    const char *const sonames[] = { s_soname, NULL };
    char why[sizeof s_why - 32];
    if (qs_dl_open (sonames, syms, sizeof syms / sizeof syms[0], why, sizeof why) != 0)
        snprintf (s_why, sizeof s_why, "libcurl is not available: %s", why);
    else
    if (s_api.global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
        snprintf (s_why, sizeof s_why, "libcurl failed to initialise");
    else
        s_loaded = &s_api;
}

const qs_curl_t *
qs_curl (char *why, size_t size)
{
    pthread_once (&s_once, s_load);
    if (!s_loaded && why && size > 0)
        snprintf (why, size, "%s", s_why);
    return s_loaded;
}

void
qs_curl_use_library (const char *soname)
{
    if (soname && *soname)
        s_soname = soname;
}
