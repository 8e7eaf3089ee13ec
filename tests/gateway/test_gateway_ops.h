/*  test_gateway_ops - the checks of test_gateway_ops.c, added to the test
    case of test_gateway_http.c (which owns the fixture and main). */
#ifndef TEST_GATEWAY_OPS_H
#define TEST_GATEWAY_OPS_H

#include <check.h>

/*  Add the SSE, rate-limit, metrics, static and readiness checks to tc. */
void test_gateway_ops_add (TCase *tc);

#endif
