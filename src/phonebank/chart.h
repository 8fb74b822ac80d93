/* Calls per hour as an SVG bar chart, drawn on the server.  Pure. */
#ifndef TURNOUT_CHART_H
#define TURNOUT_CHART_H

#include "util/buf.h"

#define CHART_HOURS 12

/* counts[i]: calls in the hour starting at local hour (first_hour + i) % 24. */
void chart_hours_svg(struct buf *out, const long counts[CHART_HOURS], int first_hour);

#endif
