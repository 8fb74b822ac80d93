/*
 * Every route of every feature, collected for the server: the one place
 * that knows all the features, used only by main.c (the authz test checks
 * that none is dropped).
 */
#ifndef TURNOUT_ROUTES_H
#define TURNOUT_ROUTES_H

#include <stddef.h>

#include "http/server.h"

#define ROUTES_MAX 256
const struct http_route *routes_all(size_t *n);

#endif
