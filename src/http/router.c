#include "http/router.h"

#include "util/num.h"

#include <string.h>

int route_match(const char *pattern, const char *path, struct route_params *params)
{
	const char *p = pattern, *s = path;

	params->n = 0;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(s, '/');
			size_t nlen, vlen;

			if (!close)
				return 0;
			if (!seg_end)
				seg_end = s + strlen(s);
			nlen = (size_t)(close - p - 1);
			vlen = (size_t)(seg_end - s);
			if (vlen == 0 || vlen > ROUTE_PARAM_MAX || params->n == ROUTE_MAX_PARAMS ||
			    nlen >= sizeof(params->p[0].name))
				return 0;
			memcpy(params->p[params->n].name, p + 1, nlen);
			params->p[params->n].name[nlen] = '\0';
			memcpy(params->p[params->n].value, s, vlen);
			params->p[params->n].value[vlen] = '\0';
			params->n++;
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

const char *route_param(const struct route_params *params, const char *name)
{
	for (size_t i = 0; i < params->n; i++)
		if (strcmp(params->p[i].name, name) == 0)
			return params->p[i].value;
	return NULL;
}

long route_id(const struct route_params *params, const char *name)
{
	const char *s = route_param(params, name);
	long v;
	return s && num_parse_long(s, strlen(s), 1, 1L << 40, &v) == 0 ? v : 0;
}
