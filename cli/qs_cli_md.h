/*  qs_cli_md - the assistant's Markdown for a terminal. Styled mode (a TTY
    with colour): headings and **bold** in bold, `code` and code blocks in
    cyan, "- " bullets as "•", tables kept as they are. Plain mode writes the
    text exactly as received. Text may arrive in pieces (streamed tokens):
    styled mode renders whole lines, so it holds a partial line until its
    newline or qs_cli_md_flush. */
#ifndef QS_CLI_MD_H
#define QS_CLI_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct _qs_cli_md_t qs_cli_md_t;

/*  A renderer writing to out (lent; must outlive it). NULL when out of memory. */
qs_cli_md_t *qs_cli_md_new (FILE *out, bool styled);
/*  Free; null *self_p; accepts NULL. Does not flush. */
void qs_cli_md_destroy (qs_cli_md_t **self_p);
/*  Render len bytes of text. 0 or -1 (out of memory). */
int qs_cli_md_feed (qs_cli_md_t *self, const char *text, size_t len);
/*  Render what is held back and end the output with a newline when the text
    did not. Resets the code-block state for the next message. */
void qs_cli_md_flush (qs_cli_md_t *self);
/*  Whether anything was written since the last flush. */
bool qs_cli_md_wrote (const qs_cli_md_t *self);

#endif
