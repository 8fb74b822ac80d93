/*
 * The opinion map: PCA by subspace iteration on the sparse centred vote
 * matrix, Polis's sparsity-aware projection, two-level weighted k-means
 * with the silhouette choosing k, then what each group stands for.  See
 * map.h for the method as a whole.
 */
#include "opinion/map.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define PCA_ITER_MAX	1000
#define PCA_TOL		1e-10
#define KMEANS_ITER_MAX 100
#define KMEANS_STARTS	8

/* The votes of the placed members, row by row (compressed sparse rows). */
struct rows {
	int n, m;      /* placed members, statements */
	int *member;   /* row → member index */
	size_t *start; /* n + 1 offsets into col/val */
	int *col;
	double *val; /* x_ij − mu_j */
};

/* A small deterministic generator (xorshift64*): the same votes give the
 * same map on every run and every machine. */
static double rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int input_ok(const struct opinion_input *in)
{
	if (in->members < 0 || in->statements < 0 || (in->nvotes && !in->votes))
		return 0;
	for (size_t i = 0; i < in->nvotes; i++) {
		const struct opinion_vote *v = &in->votes[i];
		if (v->member < 0 || v->member >= in->members || v->statement < 0 ||
		    v->statement >= in->statements || v->vote < -1 || v->vote > 1)
			return 0;
	}
	return 1;
}

/* Counts votes per member, places those with enough, and lays their
 * centred votes out by row. */
static void rows_build(const struct opinion_input *in, struct rows *r)
{
	int m = in->statements, need = m < OPINION_MIN_VOTES ? m : OPINION_MIN_VOTES;
	int *nvotes = xcalloc((size_t)in->members + 1, sizeof(int));
	int *row_of = xmalloc(((size_t)in->members + 1) * sizeof(int));
	double *sum = xcalloc((size_t)m + 1, sizeof(double));
	long *cnt = xcalloc((size_t)m + 1, sizeof(long));

	for (size_t i = 0; i < in->nvotes; i++)
		nvotes[in->votes[i].member]++;
	r->n = 0;
	r->m = m;
	r->member = xmalloc(((size_t)in->members + 1) * sizeof(int));
	for (int i = 0; i < in->members; i++) {
		row_of[i] = -1;
		if (need > 0 && nvotes[i] >= need) {
			row_of[i] = r->n;
			r->member[r->n++] = i;
		}
	}
	r->start = xcalloc((size_t)r->n + 1, sizeof(size_t));
	for (size_t i = 0; i < in->nvotes; i++) {
		const struct opinion_vote *v = &in->votes[i];
		if (row_of[v->member] < 0)
			continue;
		r->start[row_of[v->member] + 1]++;
		sum[v->statement] += v->vote;
		cnt[v->statement]++;
	}
	for (int i = 0; i < r->n; i++)
		r->start[i + 1] += r->start[i];
	size_t nnz = r->start[r->n], *fill = xmalloc(((size_t)r->n + 1) * sizeof(size_t));
	memcpy(fill, r->start, ((size_t)r->n + 1) * sizeof(size_t));
	r->col = xmalloc((nnz + 1) * sizeof(int));
	r->val = xmalloc((nnz + 1) * sizeof(double));
	for (size_t i = 0; i < in->nvotes; i++) {
		const struct opinion_vote *v = &in->votes[i];
		int row = row_of[v->member];
		if (row < 0)
			continue;
		size_t at = fill[row]++;
		r->col[at] = v->statement;
		r->val[at] = v->vote - sum[v->statement] / (double)cnt[v->statement];
	}
	free(fill);
	free(cnt);
	free(sum);
	free(row_of);
	free(nvotes);
}

static void rows_release(struct rows *r)
{
	free(r->member);
	free(r->start);
	free(r->col);
	free(r->val);
}

/* out (m) = Yᵀ Y v, through y (n) = Y v. */
static void gram_times(const struct rows *r, const double *v, double *y, double *out)
{
	memset(out, 0, (size_t)r->m * sizeof(double));
	for (int i = 0; i < r->n; i++) {
		double s = 0;
		for (size_t k = r->start[i]; k < r->start[i + 1]; k++)
			s += r->val[k] * v[r->col[k]];
		y[i] = s;
	}
	for (int i = 0; i < r->n; i++)
		for (size_t k = r->start[i]; k < r->start[i + 1]; k++)
			out[r->col[k]] += r->val[k] * y[i];
}

static double dot(const double *a, const double *b, int m)
{
	double s = 0;
	for (int j = 0; j < m; j++)
		s += a[j] * b[j];
	return s;
}

/* Makes v unit length after removing its part along u (when given); 0, or
 * -1 when nothing is left (the votes have no second direction). */
static int orthonormal(double *v, const double *u, int m)
{
	if (u) {
		double d = dot(v, u, m);
		for (int j = 0; j < m; j++)
			v[j] -= d * u[j];
	}
	double norm = sqrt(dot(v, v, m));
	if (norm < 1e-12) {
		memset(v, 0, (size_t)m * sizeof(double));
		return -1;
	}
	for (int j = 0; j < m; j++)
		v[j] /= norm;
	return 0;
}

/*
 * The top two eigenvectors of YᵀY into comp[0], comp[1] by subspace
 * iteration, started from prev (when of the right length) or a seeded
 * guess.  A component's sign follows prev, else its largest entry is
 * positive, so the picture does not flip from one run to the next.
 */
static void pca(const struct rows *r, double *const prev[2], int prev_m, double *comp[2])
{
	int m = r->m;
	double *w[2] = { xmalloc((size_t)m * sizeof(double)), xmalloc((size_t)m * sizeof(double)) };
	double *y = xmalloc(((size_t)r->n + 1) * sizeof(double));
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	/* a warm start keeps a trace of the seeded guess: the last run's
	 * components may lie where the votes no longer vary, and iteration
	 * from there alone would never leave */
	int warm = prev_m == m && prev[0] && prev[1];
	for (int c = 0; c < 2; c++)
		for (int j = 0; j < m; j++)
			comp[c][j] =
			    (warm ? prev[c][j] : 0) + (warm ? 1e-3 : 1) * (rnd(&seed) - 0.5);
	orthonormal(comp[0], NULL, m);
	orthonormal(comp[1], comp[0], m);
	for (int it = 0; it < PCA_ITER_MAX; it++) {
		gram_times(r, comp[0], y, w[0]);
		gram_times(r, comp[1], y, w[1]);
		if (orthonormal(w[0], NULL, m) < 0)
			break;
		/* votes that vary along one direction only have no second */
		int flat = orthonormal(w[1], w[0], m) < 0;
		double moved = fabs(1 - fabs(dot(w[0], comp[0], m))) +
			       (flat ? 0 : fabs(1 - fabs(dot(w[1], comp[1], m))));
		memcpy(comp[0], w[0], (size_t)m * sizeof(double));
		memcpy(comp[1], w[1], (size_t)m * sizeof(double));
		if (moved < PCA_TOL)
			break;
	}
	for (int c = 0; c < 2; c++) {
		double s;
		if (warm) {
			s = dot(comp[c], prev[c], m);
		} else {
			int big = 0;
			for (int j = 1; j < m; j++)
				if (fabs(comp[c][j]) > fabs(comp[c][big]) + 1e-12)
					big = j;
			s = m ? comp[c][big] : 1;
		}
		if (s < 0)
			for (int j = 0; j < m; j++)
				comp[c][j] = -comp[c][j];
	}
	free(y);
	free(w[0]);
	free(w[1]);
}

static double dist2(const double a[2], const double b[2])
{
	double dx = a[0] - b[0], dy = a[1] - b[1];
	return dx * dx + dy * dy;
}

/*
 * Weighted k-means of n points from a k-means++ start drawn with seed:
 * label[] and centre[] filled, the weighted sum of squared distances
 * returned.  A cluster left empty takes the point farthest from its own.
 */
static double kmeans(const double (*p)[2], const double *w, int n, int k, uint64_t seed, int *label,
		     double (*centre)[2])
{
	double *d = xmalloc((size_t)n * sizeof(double));
	double total = 0, inertia = 0;

	for (int i = 0; i < n; i++)
		total += w[i];
	double pick = rnd(&seed) * total;
	int first = n - 1;
	for (int i = 0; i < n; i++)
		if ((pick -= w[i]) <= 0) {
			first = i;
			break;
		}
	memcpy(centre[0], p[first], sizeof(centre[0]));
	for (int i = 0; i < n; i++)
		d[i] = dist2(p[i], centre[0]);
	for (int c = 1; c < k; c++) {
		double sum = 0;
		for (int i = 0; i < n; i++)
			sum += w[i] * d[i];
		int at = n - 1;
		if (sum > 0) {
			pick = rnd(&seed) * sum;
			for (int i = 0; i < n; i++)
				if ((pick -= w[i] * d[i]) <= 0 && d[i] > 0) {
					at = i;
					break;
				}
		}
		memcpy(centre[c], p[at], sizeof(centre[c]));
		for (int i = 0; i < n; i++) {
			double e = dist2(p[i], centre[c]);
			if (e < d[i])
				d[i] = e;
		}
	}
	for (int i = 0; i < n; i++)
		label[i] = -1;
	for (int it = 0; it < KMEANS_ITER_MAX; it++) {
		int changed = 0;
		double sum[OPINION_BASE][3];
		memset(sum, 0, sizeof(sum[0]) * (size_t)k);
		inertia = 0;
		for (int i = 0; i < n; i++) {
			int best = 0;
			double bd = dist2(p[i], centre[0]);
			for (int c = 1; c < k; c++) {
				double e = dist2(p[i], centre[c]);
				if (e < bd)
					bd = e, best = c;
			}
			changed |= label[i] != best;
			label[i] = best;
			d[i] = bd;
			inertia += w[i] * bd;
			sum[best][0] += w[i] * p[i][0];
			sum[best][1] += w[i] * p[i][1];
			sum[best][2] += w[i];
		}
		if (!changed)
			break;
		for (int c = 0; c < k; c++) {
			if (sum[c][2] > 0) {
				centre[c][0] = sum[c][0] / sum[c][2];
				centre[c][1] = sum[c][1] / sum[c][2];
				continue;
			}
			int far = 0;
			for (int i = 1; i < n; i++)
				if (d[i] > d[far])
					far = i;
			memcpy(centre[c], p[far], sizeof(centre[c]));
			d[far] = 0;
		}
	}
	free(d);
	return inertia;
}

/*
 * The silhouette of a labelling of weighted points, each point standing
 * for w coincident members: a = mean distance to the rest of its own group
 * (the w − 1 twins at 0), b = the least mean distance to another group,
 * s = (b − a)/max(a, b), averaged by weight.  A lone member scores 0.
 */
static double silhouette(const double (*p)[2], const double *w, int n, const int *label, int k)
{
	double size[OPINION_K_MAX] = { 0 }, total = 0, score = 0;

	for (int i = 0; i < n; i++)
		size[label[i]] += w[i], total += w[i];
	for (int i = 0; i < n; i++) {
		double to[OPINION_K_MAX] = { 0 };
		for (int j = 0; j < n; j++)
			if (j != i)
				to[label[j]] += w[j] * sqrt(dist2(p[i], p[j]));
		int own = label[i];
		if (size[own] <= 1)
			continue;
		double a = to[own] / (size[own] - 1), b = INFINITY;
		for (int c = 0; c < k; c++)
			if (c != own && size[c] > 0 && to[c] / size[c] < b)
				b = to[c] / size[c];
		double s = 0, top = a > b ? a : b;
		if (isfinite(b) && top > 0)
			s = (b - a) / top;
		score += w[i] * s;
	}
	return total > 0 ? score / total : 0;
}

/* The k-means of the base points with the least inertia over the seeded
 * starts. */
static void group_best(const double (*p)[2], const double *w, int n, int k, int *label,
		       double (*centre)[2])
{
	int *l = xmalloc((size_t)n * sizeof(int));
	double c[OPINION_K_MAX][2], best = INFINITY;

	for (int s = 0; s < KMEANS_STARTS; s++) {
		double e = kmeans(p, w, n, k, 0x51ed270b27a4c3d1ULL + (uint64_t)s * 7919, l, c);
		if (e < best - 1e-12) {
			best = e;
			memcpy(label, l, (size_t)n * sizeof(int));
			memcpy(centre, c, sizeof(c[0]) * (size_t)k);
		}
	}
	free(l);
}

/* The k to show this run, from the best one now and what the last runs
 * said (see OPINION_K_STREAK). */
static int k_settle(struct opinion_state *st, int best, int kmax)
{
	if (!st)
		return best;
	if (st->k < OPINION_K_MIN || st->k > kmax || best == st->k) {
		st->challenger = st->streak = 0;
		return best;
	}
	if (st->challenger == best) {
		st->streak++;
	} else {
		st->challenger = best;
		st->streak = 1;
	}
	if (st->streak >= OPINION_K_STREAK) {
		st->challenger = st->streak = 0;
		return best;
	}
	return st->k;
}

/* Renames this run's groups after the last run's nearest centres (closest
 * pairs first), so a member's group number holds while the map moves;
 * numbers stay below k. */
static void labels_follow(const struct opinion_state *st, double (*centre)[2], int k, int *rename)
{
	int used_new[OPINION_K_MAX] = { 0 }, used_old[OPINION_K_MAX] = { 0 }, next = 0;
	int kold = st ? st->k : 0;

	for (int c = 0; c < k; c++)
		rename[c] = -1;
	for (int pairs = 0; pairs < k && pairs < kold; pairs++) {
		int bn = -1, bo = -1;
		double bd = INFINITY;
		for (int c = 0; c < k; c++)
			for (int o = 0; o < kold; o++)
				if (!used_new[c] && !used_old[o] &&
				    dist2(centre[c], st->centre[o]) < bd)
					bd = dist2(centre[c], st->centre[o]), bn = c, bo = o;
		used_new[bn] = used_old[bo] = 1;
		rename[bn] = bo;
	}
	/* fewer groups than last time: a number past the new k is given up */
	int taken[OPINION_K_MAX] = { 0 };
	for (int c = 0; c < k; c++) {
		if (rename[c] >= k)
			rename[c] = -1;
		if (rename[c] >= 0)
			taken[rename[c]] = 1;
	}
	for (int c = 0; c < k; c++)
		if (rename[c] < 0) {
			while (next < k && taken[next])
				next++;
			taken[next] = 1;
			rename[c] = next;
		}
}

/* Places the members into groups: base clusters, then groups of those. */
static void groups_find(struct opinion_map *out, const struct rows *r, struct opinion_state *st)
{
	int n = r->n, nb;
	double(*pts)[2] = xmalloc(((size_t)n + 1) * sizeof(*pts));
	int *base_of = xmalloc(((size_t)n + 1) * sizeof(int));
	double(*bp)[2], *bw;

	for (int i = 0; i < n; i++)
		memcpy(pts[i], out->point[r->member[i]], sizeof(pts[i]));
	if (n <= OPINION_BASE) {
		nb = n;
		bp = xmalloc(((size_t)n + 1) * sizeof(*bp));
		bw = xmalloc(((size_t)n + 1) * sizeof(double));
		for (int i = 0; i < n; i++) {
			memcpy(bp[i], pts[i], sizeof(bp[i]));
			bw[i] = 1;
			base_of[i] = i;
		}
	} else {
		double(*c)[2] = xmalloc(OPINION_BASE * sizeof(*c)),
		*one = xmalloc((size_t)n * sizeof(double));
		int at[OPINION_BASE];
		for (int i = 0; i < n; i++)
			one[i] = 1;
		kmeans((const double(*)[2])pts, one, n, OPINION_BASE, 0x2545f4914f6cdd1dULL,
		       base_of, c);
		bp = xmalloc(OPINION_BASE * sizeof(*bp));
		bw = xcalloc(OPINION_BASE, sizeof(double));
		nb = 0;
		for (int b = 0; b < OPINION_BASE; b++)
			at[b] = -1;
		for (int i = 0; i < n; i++) {
			int b = base_of[i];
			if (at[b] < 0) {
				at[b] = nb;
				memcpy(bp[nb], c[b], sizeof(bp[nb]));
				nb++;
			}
			base_of[i] = at[b];
			bw[base_of[i]] += 1;
		}
		free(one);
		free(c);
	}

	int distinct = 0;
	for (int i = 0; i < nb && distinct < OPINION_K_MAX + 1; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = dist2(bp[i], bp[j]) < 1e-18;
		distinct += !seen;
	}
	/* k coincident bunches are k fair groups; k must leave a member over */
	int kmax = distinct < OPINION_K_MAX ? distinct : OPINION_K_MAX;
	if (kmax > n - 1)
		kmax = n - 1;
	if (n >= 2 * OPINION_K_MIN && kmax >= OPINION_K_MIN) {
		int *label[OPINION_K_MAX + 1] = { 0 };
		double centre[OPINION_K_MAX + 1][OPINION_K_MAX][2], sil[OPINION_K_MAX + 1];
		int best = OPINION_K_MIN, top = OPINION_K_MIN;
		for (int k = OPINION_K_MIN; k <= kmax; k++) {
			label[k] = xmalloc((size_t)nb * sizeof(int));
			group_best((const double(*)[2])bp, bw, nb, k, label[k], centre[k]);
			sil[k] = silhouette((const double(*)[2])bp, bw, nb, label[k], k);
			if (sil[k] > sil[top])
				top = k;
		}
		while (sil[best] < sil[top] - OPINION_K_MARGIN)
			best++;
		int k = k_settle(st, best, kmax), rename[OPINION_K_MAX];
		labels_follow(st, centre[k], k, rename);
		out->k = k;
		out->silhouette = sil[k];
		for (int i = 0; i < n; i++) {
			int g = rename[label[k][base_of[i]]];
			out->group[r->member[i]] = g;
			out->group_size[g]++;
		}
		if (st) {
			st->k = k;
			for (int c = 0; c < k; c++)
				memcpy(st->centre[rename[c]], centre[k][c], sizeof(st->centre[0]));
		}
		for (int c = OPINION_K_MIN; c <= kmax; c++)
			free(label[c]);
	}
	free(bp);
	free(bw);
	free(base_of);
	free(pts);
}

static double two_prop(double s1, double n1, double s2, double n2)
{
	double p1 = s1 / n1, p2 = s2 / n2, p = (s1 + s2) / (n1 + n2);
	double se = sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
	return se > 0 ? (p1 - p2) / se : 0;
}

static void rep_insert(struct opinion_rep *list, int *n, int cap, const struct opinion_rep *r,
		       double (*score)(const struct opinion_rep *))
{
	int at = *n;
	while (at > 0 && score(&list[at - 1]) < score(r))
		at--;
	if (at >= cap)
		return;
	int last = *n < cap ? *n : cap - 1;
	memmove(&list[at + 1], &list[at], (size_t)(last - at) * sizeof(*list));
	list[at] = *r;
	if (*n < cap)
		(*n)++;
}

static double rep_score(const struct opinion_rep *r)
{
	return r->ratio * r->p;
}

static double consensus_score(const struct opinion_rep *r)
{
	return r->p;
}

/*
 * What each group stands for, with Laplace-smoothed shares: for group g
 * and statement j, with a agrees, d disagrees of s who saw it in g,
 *     pa = (a + 1)/(s + 2), likewise pd, and the same for everyone else;
 *     ratio = pa / pa_rest; z1 = 2·sqrt(s + 2)·(pa − ½) (is the group's
 *     majority real?), z2 = the two-proportion z of pa against pa_rest.
 * A statement represents g (agreeing, or disagreeing alike) when z1 and z2
 * both pass the one-sided 90% test; the OPINION_REP_MAX with the highest
 * ratio·p are kept.  A consensus statement is one every group agrees with
 * (or every group rejects) past z1's test; ranked by the least share.
 */
static void stands_for(struct opinion_map *out, const struct opinion_input *in)
{
	int k = out->k, m = in->statements;
	long *cnt = xcalloc(((size_t)k + 1) * (size_t)m * 3 + 1, sizeof(long));
#define CNT(g, j, x) cnt[((size_t)(g) * (size_t)m + (size_t)(j)) * 3 + (x)]

	for (size_t i = 0; i < in->nvotes; i++) {
		const struct opinion_vote *v = &in->votes[i];
		int g = out->group[v->member];
		if (g < 0)
			continue;
		int x = v->vote == 1 ? 0 : v->vote == -1 ? 1 : 2;
		CNT(g, v->statement, x)++;
		CNT(k, v->statement, x)++;
	}
	for (int j = 0; j < m; j++) {
		double lo = 1, hi = 0, least[2] = { 1, 1 };
		int all[2] = { 1, 1 };
		for (int g = 0; g < k; g++) {
			double s = (double)(CNT(g, j, 0) + CNT(g, j, 1) + CNT(g, j, 2));
			double st = (double)(CNT(k, j, 0) + CNT(k, j, 1) + CNT(k, j, 2));
			for (int dir = 0; dir < 2; dir++) {
				double a = (double)CNT(g, j, dir), ar = (double)CNT(k, j, dir) - a;
				double p = (a + 1) / (s + 2), pr = (ar + 1) / (st - s + 2);
				double z1 = 2 * sqrt(s + 2) * (p - 0.5);
				double z2 = two_prop(a + 1, s + 2, ar + 1, st - s + 2);
				if (dir == 0) {
					lo = p < lo ? p : lo;
					hi = p > hi ? p : hi;
				}
				if (z1 > OPINION_Z90 && z2 > OPINION_Z90) {
					struct opinion_rep r = { j, dir == 0, p, p / pr, z2 };
					int dup = 0;
					for (int e = 0; e < out->nrep[g]; e++)
						dup |= out->rep[g][e].statement == j;
					if (!dup)
						rep_insert(out->rep[g], &out->nrep[g],
							   OPINION_REP_MAX, &r, rep_score);
				}
				if (!(z1 > OPINION_Z90))
					all[dir] = 0;
				else if (p < least[dir])
					least[dir] = p;
			}
		}
		out->spread[j] = k ? hi - lo : 0;
		for (int dir = 0; dir < 2 && k; dir++)
			if (all[dir]) {
				struct opinion_rep r = { j, dir == 0, least[dir], 0, 0 };
				rep_insert(out->consensus, &out->nconsensus, OPINION_CONSENSUS_MAX,
					   &r, consensus_score);
			}
	}
#undef CNT
	free(cnt);
}

void opinion_state_init(struct opinion_state *st)
{
	memset(st, 0, sizeof(*st));
}

void opinion_state_release(struct opinion_state *st)
{
	free(st->comp[0]);
	free(st->comp[1]);
	opinion_state_init(st);
}

int opinion_map_compute(const struct opinion_input *in, struct opinion_state *st,
			struct opinion_map *out)
{
	int m = in->statements > 0 ? in->statements : 0, n = in->members > 0 ? in->members : 0;
	struct rows r;

	memset(out, 0, sizeof(*out));
	out->members = n;
	out->statements = m;
	out->group = xmalloc(((size_t)n + 1) * sizeof(int));
	out->point = xcalloc((size_t)n + 1, sizeof(*out->point));
	out->on_map = xcalloc((size_t)n + 1, 1);
	out->comp[0] = xcalloc((size_t)m + 1, sizeof(double));
	out->comp[1] = xcalloc((size_t)m + 1, sizeof(double));
	out->spread = xcalloc((size_t)m + 1, sizeof(double));
	for (int i = 0; i < n; i++)
		out->group[i] = -1;
	if (!input_ok(in))
		return -1;

	rows_build(in, &r);
	out->placed = r.n;
	if (r.n >= 2) {
		pca(&r, st ? st->comp : (double *[2]){ 0 }, st ? st->statements : 0, out->comp);
		for (int i = 0; i < r.n; i++) {
			double p0 = 0, p1 = 0;
			for (size_t e = r.start[i]; e < r.start[i + 1]; e++) {
				p0 += r.val[e] * out->comp[0][r.col[e]];
				p1 += r.val[e] * out->comp[1][r.col[e]];
			}
			double scale = sqrt((double)m / (double)(r.start[i + 1] - r.start[i]));
			out->point[r.member[i]][0] = scale * p0;
			out->point[r.member[i]][1] = scale * p1;
			out->on_map[r.member[i]] = 1;
		}
		groups_find(out, &r, st);
		stands_for(out, in);
		if (st) {
			for (int c = 0; c < 2; c++) {
				free(st->comp[c]);
				st->comp[c] = xmalloc((size_t)m * sizeof(double) + 1);
				memcpy(st->comp[c], out->comp[c], (size_t)m * sizeof(double));
			}
			st->statements = m;
		}
	}
	rows_release(&r);
	return 0;
}

void opinion_map_release(struct opinion_map *m)
{
	free(m->group);
	free(m->point);
	free(m->on_map);
	free(m->comp[0]);
	free(m->comp[1]);
	free(m->spread);
	memset(m, 0, sizeof(*m));
}

double opinion_priority(long agrees, long disagrees, long passes, double spread, int mapped)
{
	double seen = (double)(agrees + disagrees + passes);
	double pass = passes / (seen + 1);
	double split =
	    mapped ? spread
		   : 1 - fabs((double)(agrees - disagrees)) / (double)(agrees + disagrees + 1);
	double p = (1 - pass) * (1 + split) * (1 + 8 * pow(2, -seen / 5));
	return p * p;
}

int opinion_index(const long *ids, int n, long id)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (ids[mid] == id)
			return mid;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static double pairs(double x)
{
	return x * (x - 1) / 2;
}

double opinion_ari(const int *a, const int *b, int n)
{
	int *ua = xmalloc(((size_t)n + 1) * sizeof(int)),
	    *ub = xmalloc(((size_t)n + 1) * sizeof(int));
	int *ia = xmalloc(((size_t)n + 1) * sizeof(int)),
	    *ib = xmalloc(((size_t)n + 1) * sizeof(int));
	int na = 0, nb = 0, kept = 0;
	double ari = 0;

	for (int i = 0; i < n; i++) {
		if (a[i] < 0 || b[i] < 0) {
			ia[i] = ib[i] = -1;
			continue;
		}
		int x = 0, y = 0;
		while (x < na && ua[x] != a[i])
			x++;
		if (x == na)
			ua[na++] = a[i];
		while (y < nb && ub[y] != b[i])
			y++;
		if (y == nb)
			ub[nb++] = b[i];
		ia[i] = x, ib[i] = y;
		kept++;
	}
	long *t = xcalloc((size_t)na * (size_t)nb + 1, sizeof(long));
	long *ra = xcalloc((size_t)na + 1, sizeof(long)),
	     *rb = xcalloc((size_t)nb + 1, sizeof(long));
	for (int i = 0; i < n; i++)
		if (ia[i] >= 0) {
			t[(size_t)ia[i] * (size_t)nb + (size_t)ib[i]]++;
			ra[ia[i]]++;
			rb[ib[i]]++;
		}
	double sum = 0, sa = 0, sb = 0;
	for (size_t c = 0; c < (size_t)na * (size_t)nb; c++)
		sum += pairs((double)t[c]);
	for (int x = 0; x < na; x++)
		sa += pairs((double)ra[x]);
	for (int y = 0; y < nb; y++)
		sb += pairs((double)rb[y]);
	double expect = kept > 1 ? sa * sb / pairs(kept) : 0, top = (sa + sb) / 2;
	if (top - expect != 0)
		ari = (sum - expect) / (top - expect);
	else
		ari = 1;
	free(t);
	free(ra);
	free(rb);
	free(ua);
	free(ub);
	free(ia);
	free(ib);
	return ari;
}
