/*
 * "Needs me most": which seat an hour of this volunteer's time helps most.
 * Pure.  A seat's score multiplies four factors, each explained in words:
 *
 *   tightness   0.2 + 0.8 × (1 − majority% / margin%)   (1 for a dead heat)
 *   distance    1 / (1 + km / 25)                      (half at 25 km)
 *   priority    1 + priority / 5 for a target seat      (1 otherwise)
 *   gap         target: 0.25 + (hours still needed / goal), at most 1.25;
 *               otherwise 1 / (1 + volunteers already going / 20)
 *
 * so a tight, near, high-priority target that few have pledged to comes
 * first, and a seat everyone is already going to drops down.
 */
#ifndef TURNOUT_NEED_H
#define TURNOUT_NEED_H

#include <stddef.h>

struct need_input {
	double majority_pct, max_pct; /* the seat's, and the question's margin */
	double km;
	int target;                   /* in a target campaign */
	int priority;                 /* 1..5 when target */
	double goal_hours, pledged_hours; /* target campaigns' totals */
	long going;                   /* volunteers signed up for its upcoming sessions */
};

/* The score (> 0), and a sentence explaining it into why (cap bytes). */
double need_score(const struct need_input *in, char *why, size_t cap);

#endif
