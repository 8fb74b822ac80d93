/*
 * The server-rendered map: seats around the volunteer as SVG paths, the
 * listed marginals filled with the winning party's colour and numbered as
 * in the list, the volunteer's own seat outlined and their position marked.
 * No tiles, no script; each seat carries a <title> for screen readers.
 */
#ifndef TURNOUT_MAP_SVG_H
#define TURNOUT_MAP_SVG_H

#include "seats/nearest.h"
#include "util/buf.h"

#define MAP_WIDTH 640

void map_svg_write(struct buf *out, const struct seats *seats, const struct nearest_answer *a);

#endif
