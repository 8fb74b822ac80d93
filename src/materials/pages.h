/*
 * Leaflets as pages: national templates, filled by a group's organisers
 * into print-ready PDFs and web PNGs.  See materials/pages.c.
 */
#ifndef TURNOUT_MATERIALS_PAGES_H
#define TURNOUT_MATERIALS_PAGES_H

#include "http/server.h"

extern const struct http_route materials_routes[];
extern const size_t materials_nroutes;

#endif
