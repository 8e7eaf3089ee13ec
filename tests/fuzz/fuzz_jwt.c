/*  fuzz_jwt - bearer token verification (common/auth/qs_jwt.h).

    Input: one mode byte, then text. Mode ((byte & 0x7f) % 5):
      0  the text is a token for an HS256 verifier
      1  the text is a token for an RS256 verifier (fixed test public key)
      2  the text is a token for an ES256 verifier (fixed test public key)
      3  the text is "<header JSON>\n<claims>": both are base64url-encoded and
         signed with the HS256 secret, so the claim checks behind the
         signature are reached with arbitrary header and claims
      4  the text is an Authorization header value (qs_jwt_from_header)
    Bit 0x80 of the mode byte: the verifier also checks iss and aud.
    The keys are the test-only keys of tests/gateway/keys. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "fuzz_common.h"
#include "qs_jwt.h"

#define S_SECRET "fuzz-secret-0123456789-abcdefghijklmnop"
#define S_ISSUER "https://auth.quickspin.test"
#define S_AUDIENCE "quickspin-api"
#define S_NOW 1800000000LL

/* tests/gateway/keys/rsa_public.pem */
static const char s_rsa_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyWOOIxYxGpkSY07Zsd2Z\n"
    "4ArbHDVeeliAOPXD8CngVpTf0uCIRzaEEPi2W8H4SJZTreIbXW3tg2R5NWdjaYb2\n"
    "AomMHEJKxnlvB+zB3O4TIkSKW5hMAkwnQ0DxUxz01nj4BIB7KIZp+FePu7/88BI9\n"
    "yJlSj4EKhLm0jNMlT6Wr/miD17fErgp56r8tC5aJoG4oix5/iRqmVmbGkNbvkSwz\n"
    "eK8ZMQQbegLCN2fBJcmzzrCwl32DymgWy9kleObZUPA+Lki9yeJi0ExQeYuWdISO\n"
    "0LqldiWLrvEFCon3StfymZ+7ACcG8eYl8ihh5ZFLdoti1UPF8fM0LWhY1Er+uBdz\n"
    "EwIDAQAB\n"
    "-----END PUBLIC KEY-----\n"
    ;

/* tests/gateway/keys/ec_public.pem */
static const char s_ec_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgF4lhH/mqZ9cjD5sVFcviE3AweuD\n"
    "yikSCUjXurhEIbanX9DValRdLQ6Oy0TdCehDYptdN/u9uqaIQ2UskiNj/g==\n"
    "-----END PUBLIC KEY-----\n"
    ;

static qs_jwt_t *
s_verifier (qs_jwt_alg_t alg, const char *key, int claims_checked)
{
    qs_jwt_config_t cfg = { .alg = alg, .key = key,
                            .issuer = claims_checked ? S_ISSUER : NULL,
                            .audience = claims_checked ? S_AUDIENCE : NULL };
    qs_err_t err;
    qs_jwt_t *v = qs_jwt_new (&cfg, &err);
    if (!v) {
        fprintf (stderr, "fuzz_jwt: %s\n", err.message);
        abort ();
    }
    return v;
}

static void
s_b64url (const uint8_t *in, size_t n, char *out)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t) in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t) in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = abc[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = abc[v & 63];
    }
    out[o] = '\0';
}

/*  "<header>\n<claims>" -> a token signed with the HS256 secret. Caller frees. */
static char *
s_mint (const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr (data, '\n', size);
    size_t hlen = nl ? (size_t) (nl - data) : size;
    const uint8_t *claims = nl ? nl + 1 : data + size;
    size_t clen = nl ? size - hlen - 1 : 0;
    char *token = malloc ((hlen + clen) * 4 / 3 + 64 + 8);
    if (!token)
        abort ();
    s_b64url (data, hlen, token);
    size_t t = strlen (token);
    token[t++] = '.';
    s_b64url (claims, clen, token + t);
    t = strlen (token);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (!HMAC (EVP_sha256 (), S_SECRET, (int) strlen (S_SECRET), (const unsigned char *) token,
               t, mac, &maclen))
        abort ();
    token[t++] = '.';
    s_b64url (mac, maclen, token + t);
    return token;
}

static int
s_tier_known (const char *tier)
{
    return !strcmp (tier, "free") || !strcmp (tier, "starter") || !strcmp (tier, "pro")
        || !strcmp (tier, "enterprise");
}

static void
s_verify (qs_jwt_t *v, const char *token)
{
    qs_auth_t auth;
    qs_err_t err;
    qs_err_clear (&err);
    if (qs_jwt_verify (v, token, S_NOW, &auth, &err) == 0) {
        QS_FUZZ_CHECK (auth.sub[0] && auth.org_id[0]);
        QS_FUZZ_CHECK (s_tier_known (auth.tier));
        QS_FUZZ_CHECK (auth.roles != 0);
        QS_FUZZ_CHECK (strcmp (auth.token, token) == 0);
    }
    else {
        QS_FUZZ_CHECK (err.status == 401 && strcmp (err.code, "unauthorized") == 0);
        QS_FUZZ_CHECK (auth.sub[0] == '\0' && auth.token[0] == '\0');
        /* the message never quotes the token */
        QS_FUZZ_CHECK (strlen (token) < 8 || !strstr (err.message, token));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int mode = (data[0] & 0x7f) % 5;
    int claims_checked = (data[0] & 0x80) != 0;
    data++;
    size--;
    char *text = qs_fuzz_strndup (data, size);
    qs_jwt_t *v = NULL;
    switch (mode) {
        case 0:
            v = s_verifier (QS_JWT_HS256, S_SECRET, claims_checked);
            s_verify (v, text);
            break;
        case 1:
            v = s_verifier (QS_JWT_RS256, s_rsa_pem, claims_checked);
            s_verify (v, text);
            break;
        case 2:
            v = s_verifier (QS_JWT_ES256, s_ec_pem, claims_checked);
            s_verify (v, text);
            break;
        case 3: {
            char *token = s_mint (data, size);
            v = s_verifier (QS_JWT_HS256, S_SECRET, claims_checked);
            s_verify (v, token);
            free (token);
            break;
        }
        default: {
            const char *token = qs_jwt_from_header (text);
            if (token) {
                QS_FUZZ_CHECK (token >= text && token < text + strlen (text) && *token != ' ');
                v = s_verifier (QS_JWT_HS256, S_SECRET, claims_checked);
                s_verify (v, token);
            }
            break;
        }
    }
    qs_jwt_destroy (&v);
    free (text);
    return 0;
}
