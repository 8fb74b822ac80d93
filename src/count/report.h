/*
 * A count's report: as JSON (the shape `turnout count --json` prints and
 * the API will serve) and as a returning officer's result sheet in text.
 * Pure: writes into a buffer.
 */
#ifndef TURNOUT_COUNT_REPORT_H
#define TURNOUT_COUNT_REPORT_H

#include "count/ballots.h"
#include "count/stv.h"
#include "util/buf.h"

void count_report_json(const struct ballots *b, const struct count_result *r, struct buf *out);
void count_report_text(const struct ballots *b, const struct count_result *r, struct buf *out);

#endif
