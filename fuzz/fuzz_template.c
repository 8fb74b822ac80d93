/* libFuzzer: any bytes as a leaflet template are parsed and checked or
 * refused with a reason; one that passes fills with a fixed imprint
 * without crashing, and its output parses again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "materials/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_doc *t = NULL;
	struct template_info info;
	char why[256], *svg = NULL;
	size_t n;
	if (template_parse((const char *)data, size, &t, &info, why, sizeof(why))) {
		if (!*why)
			abort();
		return 0;
	}
	struct slot_value v[TEMPLATE_SLOTS_MAX];
	size_t nv = 0;
	for (int i = 0; i < info.nslots; i++)
		v[nv++] =
		    (struct slot_value){ info.slots[i].name,
					 info.slots[i].kind == SLOT_QR ? "https://e.org/x" : "A" };
	if (!template_fill(t, v, nv, "Promoted by A, 1 High St", &svg, &n, why, sizeof(why))) {
		struct tmpl_doc *again = NULL;
		struct template_info info2;
		if (template_parse(svg, n, &again, &info2, why, sizeof(why)) == 0 &&
		    info2.npages != info.npages)
			abort();
		template_free(again);
	}
	free(svg);
	template_free(t);
	return 0;
}
