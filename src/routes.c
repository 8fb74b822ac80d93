#include "routes.h"

#include <stdio.h>
#include <stdlib.h>

#include "admin/pages.h"
#include "alerts/pages.h"
#include "campaigns/pages.h"
#include "events/pages.h"
#include "foodbank/pages.h"
#include "groups/pages.h"
#include "home/pages.h"
#include "ideas/pages.h"
#include "materials/pages.h"
#include "meetings/pages.h"
#include "opinion/pages.h"
#include "training/pages.h"
#include "people/pages.h"
#include "phonebank/pages.h"
#include "postcodes/api.h"
#include "rides/pages.h"
#include "seats/api.h"
#include "skills/pages.h"
#include "sms/pages.h"

const struct http_route *routes_all(size_t *n)
{
	static struct http_route all[ROUTES_MAX];
	static size_t count;
	const struct {
		const struct http_route *r;
		size_t n;
	} features[] = {
		{ home_routes, home_nroutes },	   { postcodes_routes, postcodes_nroutes },
		{ seats_routes, seats_nroutes },   { account_routes, account_nroutes },
		{ groups_routes, groups_nroutes }, { admin_routes, admin_nroutes },
		{ events_routes, events_nroutes }, { campaigns_routes, campaigns_nroutes },
		{ rides_routes, rides_nroutes },   { phonebank_routes, phonebank_nroutes },
		{ alerts_routes, alerts_nroutes }, { sms_routes, sms_nroutes },
		{ meetings_routes, meetings_nroutes },
		{ opinion_routes, opinion_nroutes },
		{ ideas_routes, ideas_nroutes },
		{ training_routes, training_nroutes },
		{ foodbank_routes, foodbank_nroutes },
		{ skills_routes, skills_nroutes },
		{ materials_routes, materials_nroutes },
	};

	if (!count)
		for (size_t f = 0; f < sizeof(features) / sizeof(features[0]); f++)
			for (size_t i = 0; i < features[f].n; i++) {
				/* a route left out would answer 404 unnoticed: stop instead */
				if (count == ROUTES_MAX) {
					fprintf(stderr, "turnout: more than %d routes: raise ROUTES_MAX\n",
						ROUTES_MAX);
					abort();
				}
				all[count++] = features[f].r[i];
			}
	*n = count;
	return all;
}
