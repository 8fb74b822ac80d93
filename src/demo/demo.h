/*
 * `turnout demo`: a living app for a first look — local groups in four of
 * the tightest 2024 marginals, an organiser for them (password and TOTP
 * secret printed), upcoming sessions with places to sign up for, a phone
 * bank, and a real Polis conversation (data/opinions) with its map drawn.
 */
#ifndef TURNOUT_DEMO_H
#define TURNOUT_DEMO_H

#include <stdio.h>

/* Seeds db_path unless it already has sessions; writes the sign-in details
 * to out.  0, or -1 with err. */
int demo_seed(const char *db_path, FILE *out, char *err, size_t errlen);

#endif
