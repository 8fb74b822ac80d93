/*
 * Files for the materials library: what a file is, told by its content and
 * not its name; images decoded and encoded again so that nothing but the
 * picture is kept (EXIF and XMP — a photo's GPS position, camera, author —
 * are dropped; its orientation applied first); and a thumbnail of each.
 * No I/O: bytes in, bytes out.
 */
#ifndef TURNOUT_MATERIAL_FILES_H
#define TURNOUT_MATERIAL_FILES_H

#include <stddef.h>

#define MATERIAL_MAX_BYTES (10u << 20)
#define THUMB_WIDTH	   240
#define IMAGE_MAX_PIXELS   50000000 /* width × height an image may unpack to */

enum material_type { MATERIAL_PDF, MATERIAL_PNG, MATERIAL_JPEG, MATERIAL_SVG };

struct buf;

const char *material_mime(enum material_type t);
/*
 * What the n bytes are (a PDF, a PNG, a JPEG, or an SVG safe to show: see
 * svg_safe()), checked against the name's extension: 0 and *t, or -1 with
 * why (not one of these, not what its name says, over MATERIAL_MAX_BYTES).
 */
int material_type_of(const char *data, size_t n, const char *name, enum material_type *t, char *why,
		     size_t cap);
/* An image (PNG or JPEG) decoded and written again in its own format,
 * upright, with none of its metadata: 0 and *out, or -1 with why. */
int material_clean(const char *data, size_t n, enum material_type t, struct buf *out, char *why,
		   size_t cap);
/* A THUMB_WIDTH-wide PNG of an image, an SVG or a PDF's first page:
 * 0 and *out (inited here), or -1 with why. */
int material_thumb(const char *data, size_t n, enum material_type t, struct buf *out, char *why,
		   size_t cap);

/* An image made ready to print inside a leaflet: upright, without its
 * metadata, no side over max_px; a PNG when it has see-through parts
 * (*png 1), else a JPEG.  0 and *out, or -1 with why. */
int material_fit(const char *data, size_t n, int max_px, struct buf *out, int *png, char *why,
		 size_t cap);

#endif
