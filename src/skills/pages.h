/*
 * Skills as pages: one's own on /account/skills, a group's requests for
 * help, and the requests put to oneself.  See skills/pages.c.
 */
#ifndef TURNOUT_SKILLS_PAGES_H
#define TURNOUT_SKILLS_PAGES_H

#include "http/server.h"

extern const struct http_route skills_routes[];
extern const size_t skills_nroutes;

#endif
