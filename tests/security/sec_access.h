/*  The cross-user and cross-org access suite's shared fixture
    (test_sec_access.c) and its second half, the routes of contract
    sections 9 and 11 (test_sec_access_ops.c): one suite for every test. */
#ifndef SEC_ACCESS_H
#define SEC_ACCESS_H

#include <check.h>
#include <json-c/json.h>

/*  Tokens of the suite's users (minted by the fixture). */
extern char *sec_alice, *sec_bob, *sec_viewer, *sec_carol, *sec_acme_admin, *sec_globex_admin;
extern char *sec_alice_globex;

/*  HTTP to the gateway; status, *resp the parsed body (caller puts). */
long sec_http (const char *method, const char *path, const char *token, const char *body,
               json_object **resp);
/*  Expect want and, for an error, the contract's code. */
void sec_expect (const char *method, const char *path, const char *token, const char *body,
                 long want, const char *code);
/*  One chat turn that must answer 200; the reply (caller puts). */
json_object *sec_chat (const char *token, const char *message);
/*  The ids of token's services on the platform, as object keys (caller puts). */
json_object *sec_platform_ids (const char *token);

/*  Incidents, notification settings, MCP tools, applying recommendations. */
void sec_access_ops_add (TCase *tc);

#endif
