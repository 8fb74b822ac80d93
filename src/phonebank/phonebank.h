/* Phone banking from home: the pages and API (phonebank/pages.c). */
#ifndef TURNOUT_PHONEBANK_H
#define TURNOUT_PHONEBANK_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route phonebank_routes[];
extern const size_t phonebank_nroutes;

#endif
