/*
 * National admins' pages and API: people and their roles, local groups,
 * API tokens, the retention period and the audit log.  Every handler needs
 * a strong admin session (auth/policy.c); every view of people's data is
 * audited before it is shown.
 */
#ifndef TURNOUT_ADMIN_PAGES_H
#define TURNOUT_ADMIN_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route admin_routes[];
extern const size_t admin_nroutes;

#endif
