#include "phonebank/chart.h"

#define W   480
#define H   160
#define PAD 24

void chart_hours_svg(struct buf *out, const long counts[CHART_HOURS], int first_hour)
{
	long max = 1;
	for (int i = 0; i < CHART_HOURS; i++)
		if (counts[i] > max)
			max = counts[i];
	int bw = (W - 2 * PAD) / CHART_HOURS;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"chart\""
		   " role=\"img\" aria-label=\"Calls per hour, the last %d hours\">",
		   W, H, CHART_HOURS);
	for (int i = 0; i < CHART_HOURS; i++) {
		int h = (int)((H - 2 * PAD) * counts[i] / max);
		int x = PAD + i * bw, y = H - PAD - h;
		buf_printf(out,
			   "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%02d:00: %ld"
			   " calls</title></rect>",
			   x + 2, y, bw - 4, h, (first_hour + i) % 24, counts[i]);
		if (counts[i])
			buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%ld</text>",
				   x + bw / 2, y - 4, counts[i]);
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%02d</text>",
			   x + bw / 2, H - 6, (first_hour + i) % 24);
	}
	buf_puts(out, "</svg>");
}
