/*
 * The SMS provider's callbacks as routes: delivery reports and replies
 * (STOP), signed by the provider.  See sms/pages.c.
 */
#ifndef TURNOUT_SMS_PAGES_H
#define TURNOUT_SMS_PAGES_H

#include "http/server.h"

extern const struct http_route sms_routes[];
extern const size_t sms_nroutes;

#endif
