#include "seats/need.h"

#include <stdio.h>

double need_score(const struct need_input *in, char *why, size_t cap)
{
	double tight = in->max_pct > 0 ? 1 - in->majority_pct / in->max_pct : 0;
	if (tight < 0)
		tight = 0;
	double t = 0.2 + 0.8 * tight;
	double d = 1 / (1 + (in->km > 0 ? in->km : 0) / 25);
	double p = in->target ? 1 + in->priority / 5.0 : 1;
	double g;
	char gap[160];

	if (in->target && in->goal_hours > 0) {
		double left = in->goal_hours - in->pledged_hours;
		if (left < 0)
			left = 0;
		g = 0.25 + left / in->goal_hours;
		snprintf(gap, sizeof(gap), "; a target seat (priority %d) with %.0f of %.0f hours"
					   " pledged",
			 in->priority, in->pledged_hours, in->goal_hours);
	} else {
		g = 1 / (1 + (double)in->going / 20);
		snprintf(gap, sizeof(gap), "; %ld volunteer%s already going", in->going,
			 in->going == 1 ? "" : "s");
	}
	double score = t * d * p * g;
	snprintf(why, cap, "Majority %.1f%% (%s), about %.0f km by road%s.", in->majority_pct,
		 tight > 0.66 ? "very tight" : tight > 0.33 ? "tight" : "within reach", in->km, gap);
	return score;
}
