/*
 * Mustache-style templates, compiled once at start-up, rendered against a
 * jansson value.  {{name}} is HTML-escaped; {{{name}}} is not, and is meant
 * only for markup the server built itself (the SVG map).  Sections
 * {{#x}}..{{/x}} repeat over arrays, enter objects and test truth;
 * {{^x}}..{{/x}} renders when x is missing, false, null, "" or [].
 * {{> name}} includes another template of the set; {{! ... }} is a comment.
 */
#ifndef TURNOUT_TMPL_H
#define TURNOUT_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

struct tmpl;
struct tmpl_set {
	size_t n;
	struct tmpl *t;
};

/* Compiles source (len bytes) as template `name`; 0 or -1 with err. */
int tmpl_add(struct tmpl_set *set, const char *name, const char *src, size_t len, char *err,
	     size_t errlen);
/* Compiles every *.mustache file in dir, named without the extension. */
int tmpl_load_dir(struct tmpl_set *set, const char *dir, char *err, size_t errlen);
/* Renders template name with ctx into out; 0, or -1 (unknown template,
 * output over out's cap, includes nested too deep). */
int tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx,
		struct buf *out);
void tmpl_set_release(struct tmpl_set *set);

/* Appends s (n bytes) to out with & < > " ' escaped. */
void html_escape(struct buf *out, const char *s, size_t n);

#endif
