/*  standalone_main - replays fuzz inputs without libFuzzer, so the normal
    (gcc, ASan/UBSan) build runs every seed and every kept reproducer of a
    target as a unit test. Arguments are files or directories (their regular
    files, in name order). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

static int
s_run_file (const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        fprintf (stderr, "fuzz replay: cannot open %s\n", path);
        return -1;
    }
    int rc = -1;
    uint8_t *buf = NULL;
    if (fseek (f, 0, SEEK_END) != 0)
        goto cleanup;
    long size = ftell (f);
    if (size < 0 || fseek (f, 0, SEEK_SET) != 0)
        goto cleanup;
    /* a copy of exactly size bytes, so ASan sees any read past the input */
    buf = malloc (size ? (size_t) size : 1);
    if (!buf || fread (buf, 1, (size_t) size, f) != (size_t) size)
        goto cleanup;
    LLVMFuzzerTestOneInput (buf, (size_t) size);
    rc = 0;
cleanup:
    if (rc != 0)
        fprintf (stderr, "fuzz replay: cannot read %s\n", path);
    free (buf);
    fclose (f);
    return rc;
}

static int
s_by_name (const struct dirent **a, const struct dirent **b)
{
    return strcmp ((*a)->d_name, (*b)->d_name);
}

static int
s_run_path (const char *path, int *count)
{
    struct stat st;
    if (stat (path, &st) != 0) {
        fprintf (stderr, "fuzz replay: no such file %s\n", path);
        return -1;
    }
    if (!S_ISDIR (st.st_mode)) {
        (*count)++;
        return s_run_file (path);
    }
    struct dirent **names = NULL;
    int n = scandir (path, &names, NULL, s_by_name);
    if (n < 0) {
        fprintf (stderr, "fuzz replay: cannot list %s\n", path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char full[4096];
        if (names[i]->d_name[0] != '.'
            && snprintf (full, sizeof full, "%s/%s", path, names[i]->d_name) < (int) sizeof full
            && stat (full, &st) == 0 && S_ISREG (st.st_mode)) {
            (*count)++;
            if (s_run_file (full) != 0)
                rc = -1;
        }
        free (names[i]);
    }
    free (names);
    return rc;
}

int
main (int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize (&argc, &argv);
    int rc = 0, count = 0;
    for (int i = 1; i < argc; i++)
        if (s_run_path (argv[i], &count) != 0)
            rc = 1;
    printf ("fuzz replay: %d input(s) ran%s\n", count, rc ? " (some unreadable)" : "");
    return rc;
}
