/*  qs_cue - the cue words the dialogue's rules read in a message: a word or
    phrase found between word boundaries, in any case ("how much would"
    in "How much would it be?", never "any" in "anything"). Pure. */
#ifndef QS_CUE_H
#define QS_CUE_H

#include <stdbool.h>

/*  True when phrase occurs in text between word boundaries (case ignored).
    text may be NULL (false). */
bool qs_cue_has (const char *text, const char *phrase);

/*  True when any phrase of the NULL-ended list occurs in text (as above). */
bool qs_cue_any (const char *text, const char *const *phrases);

#endif
