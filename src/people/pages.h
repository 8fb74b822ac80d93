/* Sign-up, sign-in (link; password + TOTP), sign-out, and one's own account. */
#ifndef TURNOUT_PEOPLE_PAGES_H
#define TURNOUT_PEOPLE_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route account_routes[];
extern const size_t account_nroutes;

#endif
