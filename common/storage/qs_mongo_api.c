/*  qs_mongo_api - see qs_mongo_api.h */
#include "qs_mongo_api.h"
#include "qs_dl.h"
#include <pthread.h>
#include <stdio.h>

qs_mongo_api_t qs_mongo_api;

static const char *s_soname = "libmongoc-1.0.so.0";
static pthread_once_t s_once = PTHREAD_ONCE_INIT;
static int s_status = -1;
static char s_why[160];

static void
s_load (void)
{
#define S_SYM(name) { #name, (void **) &qs_mongo_api.p_##name },
    const qs_dl_sym_t syms[] = { QS_MONGO_FUNCTIONS (S_SYM) };
#undef S_SYM
    const char *const sonames[] = { s_soname, NULL };
    char why[sizeof s_why - 40];
    if (qs_dl_open (sonames, syms, sizeof syms / sizeof syms[0], why, sizeof why) == 0)
        s_status = 0;
    else
        snprintf (s_why, sizeof s_why, "the MongoDB driver is not available: %s", why);
}

int
qs_mongo_load (char *why, size_t size)
{
    pthread_once (&s_once, s_load);
    if (s_status != 0 && why && size > 0)
        snprintf (why, size, "%s", s_why);
    return s_status;
}

void
qs_mongo_use_library (const char *soname)
{
    if (soname && *soname)
        s_soname = soname;
}
