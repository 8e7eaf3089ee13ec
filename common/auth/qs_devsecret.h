/*  qs_devsecret - the built-in development JWT secret. Used only when
    QS_JWT_SECRET is unset, always with a loud warning, and refused by the
    gateway when it listens beyond loopback. Shared by the gateway (verify),
    the sandbox (verify) and the CLI (mint dev tokens). */
#ifndef QS_DEVSECRET_H
#define QS_DEVSECRET_H

#define QS_DEV_JWT_SECRET "quickspin-dev-secret-change-me"

#endif
