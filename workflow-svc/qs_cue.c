/*  qs_cue - see qs_cue.h */
#include "qs_cue.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

bool
qs_cue_has (const char *text, const char *phrase)
{
    size_t n = strlen (phrase);
    for (const char *p = text; p && (p = strcasestr (p, phrase)); p++)
        if ((p == text || !isalnum ((unsigned char) p[-1])) && !isalnum ((unsigned char) p[n]))
            return true;
    return false;
}

bool
qs_cue_any (const char *text, const char *const *phrases)
{
    for (int i = 0; phrases[i]; i++)
        if (qs_cue_has (text, phrases[i]))
            return true;
    return false;
}
