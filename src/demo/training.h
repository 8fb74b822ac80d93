/*
 * The national training modules `turnout demo` seeds (demo/training.c).
 */
#ifndef TURNOUT_DEMO_TRAINING_H
#define TURNOUT_DEMO_TRAINING_H

struct db;

/* Puts the modules: the phone-banking module's id, or -1. */
long demo_training(struct db *db);

#endif
