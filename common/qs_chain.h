/*  qs_chain - the audit log's hash chain (contract section 10): an entry's
    hash is the SHA-256 (lower-case hex) of the entry without "hash",
    serialised by RFC 8785 (qs_jcs); prev_hash is the hash of the org's
    previous entry, "" for the first (seq 1).

    The workflow service seals entries as it appends them; the CLI and the
    tests verify what GET /api/v1/audit returns, page by page. */
#ifndef QS_CHAIN_H
#define QS_CHAIN_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include "qs_err.h"

#define QS_CHAIN_HASH_LEN 64

/*  The hash of entry (lent; its "hash" member, if any, is left out) into
    out (QS_CHAIN_HASH_LEN + 1 bytes). 0, or -1 with err (qs_jcs errors). */
int qs_chain_hash (json_object *entry, char out[QS_CHAIN_HASH_LEN + 1], qs_err_t *err);

/*  Walks entries in seq order. full: the entries are the whole log of one
    org (an admin's view), so seq must run 1, 2, 3 ... with no gap; else
    (a member's own entries) links are checked only between neighbours. */
typedef struct {
    bool full;
    int64_t last_seq;                          /* 0 before the first entry */
    char last_hash[QS_CHAIN_HASH_LEN + 1];
    int64_t checked;                           /* entries verified so far */
} qs_chain_walk_t;

/*  Start a walk (full as above). */
void qs_chain_walk_init (qs_chain_walk_t *walk, bool full);

/*  Check the next entry (lent). 0 when it is intact and links to what came
    before; -1 with err (409 "chain_broken", message naming the seq and what
    differs) otherwise. */
int qs_chain_walk_next (qs_chain_walk_t *walk, json_object *entry, qs_err_t *err);

#endif
