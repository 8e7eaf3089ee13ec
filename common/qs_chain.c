/*  qs_chain - see qs_chain.h. */
#include "qs_chain.h"
#include "qs_dl.h"
#include "qs_jcs.h"
#include "qs_json.h"
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  libcrypto's SHA-256, loaded by the first hash (qs_dl.h): the workflow
    worker hashes only for the audit log, alerts and cost plans, so a worker
    that has not done one yet maps no libcrypto (1.4 MB of RSS). */
static struct {
    __typeof__ (EVP_Digest) *digest;
    __typeof__ (EVP_sha256) *sha256;
} s_crypto;
static pthread_once_t s_crypto_once = PTHREAD_ONCE_INIT;
static int s_crypto_status = -1;
static char s_crypto_why[160];

static void
s_crypto_load (void)
{
    const qs_dl_sym_t syms[] = {
        { "EVP_Digest", (void **) &s_crypto.digest },
        { "EVP_sha256", (void **) &s_crypto.sha256 },
    };
    const char *const sonames[] = { "libcrypto.so.3", NULL };
    s_crypto_status = qs_dl_open (sonames, syms, 2, s_crypto_why, sizeof s_crypto_why);
}

int
qs_chain_hash (json_object *entry, char out[QS_CHAIN_HASH_LEN + 1], qs_err_t *err)
{
    if (!json_object_is_type (entry, json_type_object))
        return qs_err_set (err, 422, "invalid_input", "an audit entry is a JSON object");
    //  hash everything but "hash": a shallow copy that shares the members
    json_object *bare = json_object_new_object ();
    if (!bare)
        return qs_err_set (err, 500, "internal_error", "out of memory");
    pthread_once (&s_crypto_once, s_crypto_load);
    if (s_crypto_status != 0)
        return qs_err_set (err, 500, "internal_error", "SHA-256 is not available: %s", s_crypto_why);
    json_object_object_foreach (entry, key, val)
        if (strcmp (key, "hash") != 0)
            json_object_object_add (bare, key, json_object_get (val));
    char *text = qs_jcs_serialize (bare, err);
    json_object_put (bare);
    if (!text)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int ok = s_crypto.digest (text, strlen (text), md, &len, s_crypto.sha256 (), NULL);
    free (text);
    if (!ok || len * 2 != QS_CHAIN_HASH_LEN)
        return qs_err_set (err, 500, "internal_error", "SHA-256 failed");
    for (unsigned int i = 0; i < len; i++)
        snprintf (out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

void
qs_chain_walk_init (qs_chain_walk_t *walk, bool full)
{
    memset (walk, 0, sizeof *walk);
    walk->full = full;
}

int
qs_chain_walk_next (qs_chain_walk_t *walk, json_object *entry, qs_err_t *err)
{
    int64_t seq = qs_json_int (entry, "seq", 0);
    const char *prev = qs_json_str (entry, "prev_hash", NULL);
    const char *stored = qs_json_str (entry, "hash", NULL);
    char computed[QS_CHAIN_HASH_LEN + 1];
    if (seq < 1 || !prev || !stored)
        return qs_err_set (err, 409, "chain_broken", "entry %lld lacks seq, prev_hash or hash", (long long) seq);
    if (seq <= walk->last_seq)
        return qs_err_set (err, 409, "chain_broken", "entry %lld comes after entry %lld", (long long) seq,
                           (long long) walk->last_seq);
    if (walk->full && seq != walk->last_seq + 1)
        return qs_err_set (err, 409, "chain_broken", "entries %lld to %lld are missing",
                           (long long) walk->last_seq + 1, (long long) seq - 1);
    if (qs_chain_hash (entry, computed, err) != 0)
        return -1;
    if (strcmp (computed, stored) != 0)
        return qs_err_set (err, 409, "chain_broken", "entry %lld was changed: its hash does not match its content",
                           (long long) seq);
    if (seq == 1 && *prev)
        return qs_err_set (err, 409, "chain_broken", "entry 1 must have an empty prev_hash");
    if (walk->last_seq && seq == walk->last_seq + 1 && strcmp (prev, walk->last_hash) != 0)
        return qs_err_set (err, 409, "chain_broken", "entry %lld does not link to entry %lld",
                           (long long) seq, (long long) walk->last_seq);
    walk->last_seq = seq;
    snprintf (walk->last_hash, sizeof walk->last_hash, "%s", stored);
    walk->checked++;
    return 0;
}
