/* Sign-up, sign-in (link; password + TOTP), sign-out, and one's own account. */
#ifndef TURNOUT_ACCOUNT_H
#define TURNOUT_ACCOUNT_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route account_routes[];
extern const size_t account_nroutes;

#endif
