/* Phone banking from home: the pages and API; the rows are in phonebank/store.h. */
#ifndef TURNOUT_PHONEBANK_PAGES_H
#define TURNOUT_PHONEBANK_PAGES_H

#include <stddef.h>

#include "http/server.h"

extern const struct http_route phonebank_routes[];
extern const size_t phonebank_nroutes;

#endif
