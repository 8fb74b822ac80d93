/*
 * Operational logging to stderr.  Never pass personal data, tokens or full
 * postcodes here: these lines end up in files that outlive any consent.
 */
#ifndef TURNOUT_LOG_H
#define TURNOUT_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
