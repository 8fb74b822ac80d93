/*
 * Ideas that rise, as pages: putting an idea to a scope (with the ideas
 * it resembles shown first), supporting or opposing it, following it
 * through deliberation, a motion and its outcome, and the organisers'
 * steps: to a meeting, the outcome, promoting, merging.  See ideas/pages.c.
 */
#ifndef TURNOUT_IDEAS_PAGES_H
#define TURNOUT_IDEAS_PAGES_H

#include "http/server.h"

extern const struct http_route ideas_routes[];
extern const size_t ideas_nroutes;

#endif
