/*  test_qs_jwt - every acceptance and rejection rule of contract section 3. */
#include "../qs_test.h"
#include "qs_jwt.h"
#include "qs_util.h"
#include <jwt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SECRET "test-secret-0123456789-abcdefghijklmnop"
#define NOW 1800000000LL

static char *
s_read_key (const char *name)
{
    char path[512];
    snprintf (path, sizeof path, "%s/%s", QS_TEST_KEYS_DIR, name);
    FILE *f = fopen (path, "rb");
    ck_assert_msg (f != NULL, "cannot open %s", path);
    static char buf[8192];
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[n] = '\0';
    return strdup (buf);
}

//  Mint a token with libjwt; claims is a JSON object text.
static char *
s_mint (jwt_alg_t alg, const char *key, const char *claims)
{
    jwt_t *jwt = NULL;
    ck_assert_int_eq (jwt_new (&jwt), 0);
    ck_assert_int_eq (jwt_add_grants_json (jwt, claims), 0);
    ck_assert_int_eq (jwt_set_alg (jwt, alg, (const unsigned char *) key,
                                   key ? (int) strlen (key) : 0), 0);
    char *token = jwt_encode_str (jwt);
    ck_assert_ptr_nonnull (token);
    jwt_free (jwt);
    return token;
}

static char *
s_claims (int64_t exp)
{
    return qs_strdupf ("{\"sub\":\"u1\",\"org_id\":\"o1\",\"exp\":%lld}", (long long) exp);
}

static qs_jwt_t *
s_hs_verifier (const char *iss, const char *aud)
{
    qs_jwt_config_t cfg = { .alg = QS_JWT_HS256, .key = SECRET, .issuer = iss, .audience = aud };
    qs_err_t err;
    qs_jwt_t *v = qs_jwt_new (&cfg, &err);
    ck_assert_ptr_nonnull (v);
    return v;
}

static qs_jwt_t *
s_pem_verifier (qs_jwt_alg_t alg, const char *file)
{
    char *pem = s_read_key (file);
    qs_jwt_config_t cfg = { .alg = alg, .key = pem };
    qs_err_t err;
    qs_jwt_t *v = qs_jwt_new (&cfg, &err);
    ck_assert_ptr_nonnull (v);
    free (pem);
    return v;
}

//  Expect a 401 for token under v, and that the message leaks nothing of it.
static void
s_expect_401 (qs_jwt_t *v, const char *token, int64_t now)
{
    qs_auth_t auth;
    qs_err_t err;
    qs_err_clear (&err);
    ck_assert_int_eq (qs_jwt_verify (v, token, now, &auth, &err), -1);
    ck_assert_int_eq (err.status, 401);
    ck_assert_str_eq (err.code, "unauthorized");
    ck_assert_str_eq (auth.sub, "");
    ck_assert_str_eq (auth.token, "");
    if (token && strlen (token) > 20) {
        char head[21];
        qs_strlcpy (head, token, sizeof head);
        ck_assert_ptr_null (strstr (err.message, head));
    }
}

static void
s_expect_ok (qs_jwt_t *v, const char *token, int64_t now, qs_auth_t *auth)
{
    qs_err_t err;
    qs_err_clear (&err);
    int rc = qs_jwt_verify (v, token, now, auth, &err);
    ck_assert_msg (rc == 0, "rejected: %s", err.message);
}

START_TEST (test_hs256_valid_defaults)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    char *claims = s_claims (NOW + 600);
    char *token = s_mint (JWT_ALG_HS256, SECRET, claims);
    qs_auth_t auth;
    s_expect_ok (v, token, NOW, &auth);
    ck_assert_str_eq (auth.sub, "u1");
    ck_assert_str_eq (auth.org_id, "o1");
    ck_assert_str_eq (auth.tier, "free");
    ck_assert_uint_eq (auth.roles, QS_ROLE_VIEWER);
    ck_assert_str_eq (auth.token, token);
    free (token);
    free (claims);
    qs_jwt_destroy (&v);
    ck_assert_ptr_null (v);
}
END_TEST

START_TEST (test_roles_and_tier)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    qs_auth_t auth;
    char *c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,\"tier\":\"pro\","
                          "\"roles\":[\"admin\",\"bogus\",7]}", NOW + 60);
    char *t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);
    ck_assert_str_eq (auth.tier, "pro");
    ck_assert_uint_eq (auth.roles, QS_ROLE_ADMIN);
    free (t);
    free (c);

    //  only unknown roles: viewer; unknown tier: the least, free
    c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,\"tier\":\"platinum\","
                    "\"roles\":[\"root\"]}", NOW + 60);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);
    ck_assert_str_eq (auth.tier, "free");
    ck_assert_uint_eq (auth.roles, QS_ROLE_VIEWER);
    free (t);
    free (c);

    c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,"
                    "\"roles\":[\"member\",\"viewer\"]}", NOW + 60);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);
    ck_assert_uint_eq (auth.roles, QS_ROLE_MEMBER | QS_ROLE_VIEWER);
    free (t);
    free (c);
    qs_jwt_destroy (&v);
}
END_TEST

START_TEST (test_bad_signature)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    char *claims = s_claims (NOW + 600);
    char *token = s_mint (JWT_ALG_HS256, "another-secret-of-reasonable-length!!", claims);
    s_expect_401 (v, token, NOW);

    //  flip a payload character of a correctly signed token
    char *good = s_mint (JWT_ALG_HS256, SECRET, claims);
    char *dot = strchr (good, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    s_expect_401 (v, good, NOW);
    //  drop the signature
    char *last = strrchr (good, '.');
    last[1] = '\0';
    s_expect_401 (v, good, NOW);
    free (good);
    free (token);
    free (claims);
    qs_jwt_destroy (&v);
}
END_TEST

static char *
s_b64url (const char *text)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen (text);
    char *out = calloc (1, n * 2 + 4);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char) text[i] << 16;
        if (i + 1 < n) v |= (unsigned char) text[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char) text[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        if (i + 1 < n) out[o++] = tab[(v >> 6) & 63];
        if (i + 2 < n) out[o++] = tab[v & 63];
    }
    return out;
}

START_TEST (test_alg_none)
{
    char *claims = s_claims (NOW + 600);
    char *h = s_b64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    char *p = s_b64url (claims);
    char *none1 = qs_strdupf ("%s.%s.", h, p);
    char *none2 = qs_strdupf ("%s.%s", h, p);
    qs_jwt_t *hs = s_hs_verifier (NULL, NULL);
    qs_jwt_t *rs = s_pem_verifier (QS_JWT_RS256, "rsa_public.pem");
    s_expect_401 (hs, none1, NOW);
    s_expect_401 (hs, none2, NOW);
    s_expect_401 (rs, none1, NOW);
    s_expect_401 (rs, none2, NOW);
    //  also "None" and a libjwt-minted none token
    char *h2 = s_b64url ("{\"alg\":\"None\"}");
    char *none3 = qs_strdupf ("%s.%s.", h2, p);
    s_expect_401 (hs, none3, NOW);
    char *none4 = s_mint (JWT_ALG_NONE, NULL, claims);
    s_expect_401 (hs, none4, NOW);
    s_expect_401 (rs, none4, NOW);
    free (none4);
    free (none3);
    free (h2);
    free (none1);
    free (none2);
    free (h);
    free (p);
    free (claims);
    qs_jwt_destroy (&hs);
    qs_jwt_destroy (&rs);
}
END_TEST

START_TEST (test_alg_mismatch)
{
    char *claims = s_claims (NOW + 600);
    char *rs_priv = s_read_key ("rsa_private.pem");
    char *ec_priv = s_read_key ("ec_private.pem");
    char *rs_token = s_mint (JWT_ALG_RS256, rs_priv, claims);
    char *ec_token = s_mint (JWT_ALG_ES256, ec_priv, claims);
    char *hs384 = s_mint (JWT_ALG_HS384, SECRET, claims);
    char *hs512 = s_mint (JWT_ALG_HS512, SECRET, claims);
    char *rs512 = s_mint (JWT_ALG_RS512, rs_priv, claims);

    qs_jwt_t *hs = s_hs_verifier (NULL, NULL);
    s_expect_401 (hs, rs_token, NOW);
    s_expect_401 (hs, ec_token, NOW);
    s_expect_401 (hs, hs384, NOW);
    s_expect_401 (hs, hs512, NOW);

    qs_jwt_t *rs = s_pem_verifier (QS_JWT_RS256, "rsa_public.pem");
    qs_auth_t auth;
    s_expect_ok (rs, rs_token, NOW, &auth);
    ck_assert_str_eq (auth.sub, "u1");
    s_expect_401 (rs, ec_token, NOW);
    s_expect_401 (rs, rs512, NOW);

    qs_jwt_t *es = s_pem_verifier (QS_JWT_ES256, "ec_public.pem");
    s_expect_ok (es, ec_token, NOW, &auth);
    ck_assert_str_eq (auth.org_id, "o1");
    s_expect_401 (es, rs_token, NOW);

    //  RS256 signed by another key
    char *other_priv = s_read_key ("rsa_other_private.pem");
    char *other = s_mint (JWT_ALG_RS256, other_priv, claims);
    s_expect_401 (rs, other, NOW);

    free (other);
    free (other_priv);
    free (rs_token);
    free (ec_token);
    free (hs384);
    free (hs512);
    free (rs512);
    free (rs_priv);
    free (ec_priv);
    free (claims);
    qs_jwt_destroy (&hs);
    qs_jwt_destroy (&rs);
    qs_jwt_destroy (&es);
}
END_TEST

START_TEST (test_key_confusion)
{
    //  The attacker signs HS256 with the public key's PEM text as the secret
    char *pub = s_read_key ("rsa_public.pem");
    char *claims = s_claims (NOW + 600);
    char *forged = s_mint (JWT_ALG_HS256, pub, claims);

    //  The attack is real: bare libjwt accepts the forged token with the key
    jwt_t *raw = NULL;
    ck_assert_int_eq (jwt_decode (&raw, forged, (const unsigned char *) pub, (int) strlen (pub)), 0);
    ck_assert_int_eq (jwt_get_alg (raw), JWT_ALG_HS256);
    jwt_free (raw);

    qs_jwt_t *rs = s_pem_verifier (QS_JWT_RS256, "rsa_public.pem");
    s_expect_401 (rs, forged, NOW);
    free (forged);

    char *ec_pub = s_read_key ("ec_public.pem");
    forged = s_mint (JWT_ALG_HS256, ec_pub, claims);
    qs_jwt_t *es = s_pem_verifier (QS_JWT_ES256, "ec_public.pem");
    s_expect_401 (es, forged, NOW);
    free (forged);
    free (ec_pub);
    free (pub);
    free (claims);
    qs_jwt_destroy (&rs);
    qs_jwt_destroy (&es);
}
END_TEST

START_TEST (test_exp_rules)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    qs_auth_t auth;
    //  missing exp
    char *t = s_mint (JWT_ALG_HS256, SECRET, "{\"sub\":\"u\",\"org_id\":\"o\"}");
    s_expect_401 (v, t, NOW);
    free (t);
    //  exp of the wrong type
    t = s_mint (JWT_ALG_HS256, SECRET, "{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":\"1900000000\"}");
    s_expect_401 (v, t, NOW);
    free (t);
    //  expired 30 s ago: inside the leeway
    char *c = s_claims (NOW - 30);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);
    //  exactly at the leeway edge, then one second beyond
    s_expect_ok (v, t, NOW - 30 + QS_JWT_LEEWAY_S, &auth);
    s_expect_401 (v, t, NOW - 30 + QS_JWT_LEEWAY_S + 1);
    free (t);
    free (c);
    //  long expired
    c = s_claims (NOW - 3600);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_401 (v, t, NOW);
    free (t);
    free (c);
    //  fractional exp is a number too
    c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld.5}", NOW + 10);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);
    free (t);
    free (c);
    qs_jwt_destroy (&v);
}
END_TEST

START_TEST (test_nbf_rules)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    qs_auth_t auth;
    char *c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,\"nbf\":%lld}",
                          NOW + 3600, NOW + 30);
    char *t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_ok (v, t, NOW, &auth);                 /* 30 s early: leeway */
    free (t);
    free (c);
    c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,\"nbf\":%lld}",
                    NOW + 3600, NOW + 61);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_401 (v, t, NOW);                       /* beyond the leeway */
    s_expect_ok (v, t, NOW + 1, &auth);
    free (t);
    free (c);
    c = qs_strdupf ("{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld,\"nbf\":\"soon\"}", NOW + 3600);
    t = s_mint (JWT_ALG_HS256, SECRET, c);
    s_expect_401 (v, t, NOW);                       /* malformed */
    free (t);
    free (c);
    qs_jwt_destroy (&v);
}
END_TEST

START_TEST (test_issuer_audience)
{
    qs_jwt_t *v = s_hs_verifier ("https://auth.quickspin.io", "quickspin-ai");
    qs_jwt_t *open = s_hs_verifier (NULL, NULL);
    qs_auth_t auth;
    const char *base = "{\"sub\":\"u\",\"org_id\":\"o\",\"exp\":%lld%s}";
    struct { const char *extra; bool ok; } cases[] = {
        { ",\"iss\":\"https://auth.quickspin.io\",\"aud\":\"quickspin-ai\"", true },
        { ",\"iss\":\"https://auth.quickspin.io\",\"aud\":[\"x\",\"quickspin-ai\"]", true },
        { ",\"aud\":\"quickspin-ai\"", false },
        { ",\"iss\":\"https://evil.example\",\"aud\":\"quickspin-ai\"", false },
        { ",\"iss\":\"https://auth.quickspin.io\"", false },
        { ",\"iss\":\"https://auth.quickspin.io\",\"aud\":\"other\"", false },
        { ",\"iss\":\"https://auth.quickspin.io\",\"aud\":[\"other\"]", false },
        { ",\"iss\":7,\"aud\":\"quickspin-ai\"", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *c = qs_strdupf (base, NOW + 60, cases[i].extra);
        char *t = s_mint (JWT_ALG_HS256, SECRET, c);
        if (cases[i].ok)
            s_expect_ok (v, t, NOW, &auth);
        else
            s_expect_401 (v, t, NOW);
        //  Without iss/aud configured, nothing about them is checked
        s_expect_ok (open, t, NOW, &auth);
        free (t);
        free (c);
    }
    qs_jwt_destroy (&v);
    qs_jwt_destroy (&open);
}
END_TEST

START_TEST (test_required_claims)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    char longsub[300];
    memset (longsub, 'a', sizeof longsub - 1);
    longsub[sizeof longsub - 1] = '\0';
    char *cases[] = {
        qs_strdupf ("{\"org_id\":\"o\",\"exp\":%lld}", NOW + 60),
        qs_strdupf ("{\"sub\":\"\",\"org_id\":\"o\",\"exp\":%lld}", NOW + 60),
        qs_strdupf ("{\"sub\":42,\"org_id\":\"o\",\"exp\":%lld}", NOW + 60),
        qs_strdupf ("{\"sub\":\"u\",\"exp\":%lld}", NOW + 60),
        qs_strdupf ("{\"sub\":\"u\",\"org_id\":null,\"exp\":%lld}", NOW + 60),
        qs_strdupf ("{\"sub\":\"%s\",\"org_id\":\"o\",\"exp\":%lld}", longsub, NOW + 60),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = s_mint (JWT_ALG_HS256, SECRET, cases[i]);
        s_expect_401 (v, t, NOW);
        free (t);
        free (cases[i]);
    }
    qs_jwt_destroy (&v);
}
END_TEST

START_TEST (test_garbage_tokens)
{
    qs_jwt_t *v = s_hs_verifier (NULL, NULL);
    const char *junk[] = { "", "abc", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9.e30.",
                           "eyJhbGciOiJIUzI1NiJ9.!!!.xyz" };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        s_expect_401 (v, junk[i], NOW);
    s_expect_401 (v, NULL, NOW);
    //  oversized token
    char *big = malloc (5000);
    memset (big, 'a', 4999);
    big[4999] = '\0';
    s_expect_401 (v, big, NOW);
    free (big);
    qs_jwt_destroy (&v);
}
END_TEST

START_TEST (test_new_refuses_no_key)
{
    qs_err_t err;
    qs_jwt_config_t cfg = { .alg = QS_JWT_HS256, .key = NULL };
    ck_assert_ptr_null (qs_jwt_new (&cfg, &err));
    cfg.key = "";
    ck_assert_ptr_null (qs_jwt_new (&cfg, &err));
    cfg.key = SECRET;
    cfg.alg = 0;
    ck_assert_ptr_null (qs_jwt_new (&cfg, &err));
    qs_jwt_destroy (NULL);
}
END_TEST

START_TEST (test_from_header)
{
    ck_assert_str_eq (qs_jwt_from_header ("Bearer abc.def.ghi"), "abc.def.ghi");
    ck_assert_str_eq (qs_jwt_from_header ("bearer   tok"), "tok");
    ck_assert_ptr_null (qs_jwt_from_header ("Basic dXNlcjpwYXNz"));
    ck_assert_ptr_null (qs_jwt_from_header ("Bearer"));
    ck_assert_ptr_null (qs_jwt_from_header ("Bearer "));
    ck_assert_ptr_null (qs_jwt_from_header ("Bearertok"));
    ck_assert_ptr_null (qs_jwt_from_header (NULL));
}
END_TEST

START_TEST (test_alg_for_pem)
{
    qs_err_t err;
    char *rsa = s_read_key ("rsa_public.pem");
    char *ec = s_read_key ("ec_public.pem");
    char *weak = s_read_key ("rsa1024_public.pem");
    ck_assert_int_eq (qs_jwt_alg_for_pem (rsa, strlen (rsa), &err), QS_JWT_RS256);
    ck_assert_int_eq (qs_jwt_alg_for_pem (ec, strlen (ec), &err), QS_JWT_ES256);
    ck_assert_int_eq (qs_jwt_alg_for_pem (weak, strlen (weak), &err), 0);
    ck_assert_int_eq (qs_jwt_alg_for_pem ("not a key", 9, &err), 0);
    ck_assert_int_eq (qs_jwt_alg_parse ("RS256"), QS_JWT_RS256);
    ck_assert_int_eq (qs_jwt_alg_parse ("none"), 0);
    ck_assert_str_eq (qs_jwt_alg_name (QS_JWT_ES256), "ES256");
    free (rsa);
    free (ec);
    free (weak);
}
END_TEST

static Suite *
s_suite (void)
{
    Suite *s = suite_create ("qs_jwt");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_hs256_valid_defaults);
    tcase_add_test (tc, test_roles_and_tier);
    tcase_add_test (tc, test_bad_signature);
    tcase_add_test (tc, test_alg_none);
    tcase_add_test (tc, test_alg_mismatch);
    tcase_add_test (tc, test_key_confusion);
    tcase_add_test (tc, test_exp_rules);
    tcase_add_test (tc, test_nbf_rules);
    tcase_add_test (tc, test_issuer_audience);
    tcase_add_test (tc, test_required_claims);
    tcase_add_test (tc, test_garbage_tokens);
    tcase_add_test (tc, test_new_refuses_no_key);
    tcase_add_test (tc, test_from_header);
    tcase_add_test (tc, test_alg_for_pem);
    suite_add_tcase (s, tc);
    return s;
}

QS_TEST_MAIN (s_suite)
