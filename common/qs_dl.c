/*  qs_dl - see qs_dl.h */
#include "qs_dl.h"
#include <dlfcn.h>
#include <stdio.h>

int
qs_dl_open (const char *const *sonames, const qs_dl_sym_t *syms, size_t count, char *why,
            size_t size)
{
    void *handle = NULL;
    const char *err = "no library named", *name = NULL;
    for (size_t i = 0; sonames && sonames[i] && !handle; i++) {
        name = sonames[i];
        handle = dlopen (name, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            err = dlerror ();
    }
    if (!handle) {
        snprintf (why, size, "%s", err ? err : "cannot load the library");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        void *fn = dlsym (handle, syms[i].name);
        if (!fn) {
            snprintf (why, size, "%s has no %s", name, syms[i].name);
            for (size_t j = 0; j < i; j++)
                *syms[j].slot = NULL;
            dlclose (handle);
            return -1;
        }
        *syms[i].slot = fn;
    }
    if (size > 0)
        why[0] = '\0';
    return 0;
}
