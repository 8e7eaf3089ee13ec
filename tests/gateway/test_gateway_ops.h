/*  test_gateway_ops - the checks of test_gateway_ops.c, added to the test
    case of test_gateway_http.c (which owns the fixture and main). */
#ifndef TEST_GATEWAY_OPS_H
#define TEST_GATEWAY_OPS_H

#include <check.h>
#include "qs_harness.h"

/*  The running gateway and its suite, owned by test_gateway_http.c (lent). */
qs_harness_t *test_gateway_suite (void);
/*  Start one more test worker for service (lent; stopped with the suite). */
qs_proc_t *test_gateway_worker (const char *service);
/*  The same with its arguments and extra environment (both lent, NULL-ended;
    they must outlive the worker: a restart reuses them). */
qs_proc_t *test_gateway_worker_env (const char *service, const char *const *args,
                                    const char *const *env);

/*  Add the SSE, rate-limit, metrics, static and readiness checks to tc. */
void test_gateway_ops_add (TCase *tc);

#endif
