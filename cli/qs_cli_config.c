/*  qs_cli_config - see qs_cli_config.h */
#include "qs_cli_config.h"
#include "qs_util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
s_trim (char *s)
{
    while (isspace ((unsigned char) *s))
        s++;
    size_t n = strlen (s);
    while (n > 0 && isspace ((unsigned char) s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int
s_read_file (qs_cli_config_t *cfg, const char *path, int want_url, int want_token, qs_err_t *err)
{
    FILE *f = fopen (path, "r");
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return qs_err_set (err, 400, "bad_config", "cannot read %s: %s", path, strerror (errno));
    }
    char line[4200];
    int lineno = 0, rc = 0;
    while (fgets (line, sizeof line, f)) {
        lineno++;
        char *s = s_trim (line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr (s, '=');
        if (!eq) {
            rc = qs_err_set (err, 400, "bad_config", "%s:%d: expected key=value", path, lineno);
            break;
        }
        *eq = '\0';
        char *key = s_trim (s), *val = s_trim (eq + 1);
        if (!strcmp (key, "url")) {
            if (want_url)
                qs_strlcpy (cfg->url, val, sizeof cfg->url);
        }
        else if (!strcmp (key, "token")) {
            if (want_token)
                qs_strlcpy (cfg->token, val, sizeof cfg->token);
        }
        else {
            rc = qs_err_set (err, 400, "bad_config", "%s:%d: unknown key '%s' (url, token)", path,
                             lineno, key);
            break;
        }
    }
    fclose (f);
    return rc;
}

int
qs_cli_config_resolve (qs_cli_config_t *cfg, const char *env_url, const char *env_token,
                       const char *path, qs_err_t *err)
{
    memset (cfg, 0, sizeof *cfg);
    int have_url = env_url && *env_url, have_token = env_token && *env_token;
    if (have_url)
        qs_strlcpy (cfg->url, env_url, sizeof cfg->url);
    if (have_token)
        qs_strlcpy (cfg->token, env_token, sizeof cfg->token);
    if (path && (!have_url || !have_token)
        && s_read_file (cfg, path, !have_url, !have_token, err) != 0)
        return -1;
    if (!cfg->url[0])
        qs_strlcpy (cfg->url, QS_CLI_DEFAULT_URL, sizeof cfg->url);
    //  "http://host:port/" and "http://host:port" both work
    size_t n = strlen (cfg->url);
    while (n > 0 && cfg->url[n - 1] == '/')
        cfg->url[--n] = '\0';
    return 0;
}

char *
qs_cli_config_path (char *out, size_t size)
{
    const char *explicit_path = getenv ("QUICKSPIN_CONFIG");
    const char *xdg = getenv ("XDG_CONFIG_HOME");
    const char *home = getenv ("HOME");
    int n;
    if (explicit_path && *explicit_path)
        n = snprintf (out, size, "%s", explicit_path);
    else if (xdg && *xdg)
        n = snprintf (out, size, "%s/quickspin/config", xdg);
    else if (home && *home)
        n = snprintf (out, size, "%s/.config/quickspin/config", home);
    else
        return NULL;
    return n > 0 && (size_t) n < size ? out : NULL;
}
