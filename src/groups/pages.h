/*
 * Local groups as pages and API: the list, a group's page, joining and
 * leaving; the member list for the group's organisers and admins only.
 */
#ifndef TURNOUT_GROUPS_PAGES_H
#define TURNOUT_GROUPS_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route groups_routes[];
extern const size_t groups_nroutes;

#endif
