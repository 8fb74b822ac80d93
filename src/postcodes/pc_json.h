/*
 * A postcode as postcodes.io writes it, so its clients work unchanged:
 * the same keys, null where turnout holds no such data, names at the top
 * level and codes under "codes", plus turnout's "precision".
 */
#ifndef TURNOUT_PC_JSON_H
#define TURNOUT_PC_JSON_H

#include "postcodes/lookup.h"
#include "seats/seats.h"
#include "util/jsonw.h"

void pc_json_write(struct jw *w, const struct pc_record *r, const struct seats *seats,
		   int with_distance);
void district_json_write(struct jw *w, const struct district *d, const struct seats *seats);

#endif
