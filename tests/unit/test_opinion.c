/*
 * The opinion map's maths: PCA against a direct eigen-decomposition, the
 * projection, groups and their stability, what groups stand for, the
 * statement priority, the adjusted Rand index, and the real Polis
 * conversations in tests/fixtures/opinions (Polis's number of groups, and a
 * straight line through our points that splits Polis's two groups).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <math.h>

#include "opinion/map.h"
#include "opinion/polis.h"

#define FIX "tests/fixtures/opinions/"

static unsigned long long lcg = 88172645463325252ULL;
static int draw(int n)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((lcg >> 33) % (unsigned long long)n);
}

/* The eigenvectors of a symmetric m×m matrix a (overwritten) by Jacobi
 * rotations, as columns of v, eigenvalues on a's diagonal. */
static void jacobi(double *a, double *v, int m)
{
	for (int i = 0; i < m; i++)
		for (int j = 0; j < m; j++)
			v[i * m + j] = i == j;
	for (int sweep = 0; sweep < 100; sweep++) {
		double off = 0;
		for (int p = 0; p < m; p++)
			for (int q = p + 1; q < m; q++)
				off += a[p * m + q] * a[p * m + q];
		if (off < 1e-22)
			break;
		for (int p = 0; p < m; p++)
			for (int q = p + 1; q < m; q++) {
				if (fabs(a[p * m + q]) < 1e-300)
					continue;
				double th = (a[q * m + q] - a[p * m + p]) / (2 * a[p * m + q]);
				double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
				double c = 1 / sqrt(t * t + 1), s = t * c;
				for (int k = 0; k < m; k++) {
					double akp = a[k * m + p], akq = a[k * m + q];
					a[k * m + p] = c * akp - s * akq;
					a[k * m + q] = s * akp + c * akq;
				}
				for (int k = 0; k < m; k++) {
					double apk = a[p * m + k], aqk = a[q * m + k];
					a[p * m + k] = c * apk - s * aqk;
					a[q * m + k] = s * apk + c * aqk;
				}
				for (int k = 0; k < m; k++) {
					double vkp = v[k * m + p], vkq = v[k * m + q];
					v[k * m + p] = c * vkp - s * vkq;
					v[k * m + q] = s * vkp + c * vkq;
				}
			}
	}
}

/* A random vote matrix with some cells unseen: the components match the
 * top two eigenvectors of YᵀY built densely, and each point is the
 * documented projection. */
static void pca_direct(void **state)
{
	(void)state;
	enum { N = 30, M = 8 };
	for (int round = 0; round < 20; round++) {
		struct opinion_vote votes[N * M];
		int x[N][M], seen[N][M];
		size_t nv = 0;
		for (int i = 0; i < N; i++)
			for (int j = 0; j < M; j++) {
				seen[i][j] = round % 2 == 0 || draw(5) != 0 || j == 0;
				x[i][j] = draw(3) - 1;
				if (seen[i][j])
					votes[nv++] = (struct opinion_vote){ i, j, x[i][j] };
			}
		struct opinion_input in = { N, M, votes, nv };
		struct opinion_map map;
		assert_int_equal(opinion_map_compute(&in, NULL, &map), 0);

		double mu[M], y[N][M], c[M * M], v[M * M];
		int placed[N];
		for (int i = 0; i < N; i++) {
			int n = 0;
			for (int j = 0; j < M; j++)
				n += seen[i][j];
			placed[i] = n >= (M < OPINION_MIN_VOTES ? M : OPINION_MIN_VOTES);
			assert_int_equal(map.on_map[i], placed[i]);
		}
		for (int j = 0; j < M; j++) {
			double s = 0, n = 0;
			for (int i = 0; i < N; i++)
				if (placed[i] && seen[i][j])
					s += x[i][j], n++;
			mu[j] = n ? s / n : 0;
			for (int i = 0; i < N; i++)
				y[i][j] = placed[i] && seen[i][j] ? x[i][j] - mu[j] : 0;
		}
		for (int p = 0; p < M; p++)
			for (int q = 0; q < M; q++) {
				c[p * M + q] = 0;
				for (int i = 0; i < N; i++)
					c[p * M + q] += y[i][p] * y[i][q];
			}
		jacobi(c, v, M);
		int top[2] = { -1, -1 };
		for (int k = 0; k < M; k++) {
			if (top[0] < 0 || c[k * M + k] > c[top[0] * M + top[0]]) {
				top[1] = top[0];
				top[0] = k;
			} else if (top[1] < 0 || c[k * M + k] > c[top[1] * M + top[1]]) {
				top[1] = k;
			}
		}
		for (int comp = 0; comp < 2; comp++) {
			double d = 0;
			for (int j = 0; j < M; j++)
				d += v[j * M + top[comp]] * map.comp[comp][j];
			assert_true(fabs(fabs(d) - 1) < 1e-6);
		}
		for (int i = 0; i < N; i++) {
			if (!placed[i])
				continue;
			double p0 = 0, p1 = 0, n = 0;
			for (int j = 0; j < M; j++) {
				p0 += y[i][j] * map.comp[0][j];
				p1 += y[i][j] * map.comp[1][j];
				n += seen[i][j];
			}
			assert_true(fabs(map.point[i][0] - sqrt(M / n) * p0) < 1e-9);
			assert_true(fabs(map.point[i][1] - sqrt(M / n) * p1) < 1e-9);
		}
		opinion_map_release(&map);
	}
}

/*
 * Members in blocs, each bloc voting one pattern with a little noise, on
 * statements 0…m−1; statement m−1 everyone agrees with.  bloc[i] is member
 * i's bloc.
 */
static size_t blocs(struct opinion_vote *votes, int *bloc, int n, int m, int nblocs, int noise)
{
	static const int pattern[5][4] = { { 1, 1, -1, -1 },
					   { -1, -1, 1, 1 },
					   { 1, -1, 1, -1 },
					   { -1, 1, -1, 1 },
					   { 0, 1, 1, 0 } };
	size_t nv = 0;
	for (int i = 0; i < n; i++) {
		bloc[i] = i % nblocs;
		for (int j = 0; j < m; j++) {
			int v = j == m - 1 ? 1 : pattern[bloc[i]][j % 4];
			if (noise && draw(noise) == 0)
				v = draw(3) - 1;
			votes[nv++] = (struct opinion_vote){ i, j, v };
		}
	}
	return nv;
}

static void groups_and_what_they_stand_for(void **state)
{
	(void)state;
	enum { N = 90, M = 13 };
	static struct opinion_vote votes[N * M];
	int bloc[N];
	for (int nb = 2; nb <= 3; nb++) {
		size_t nv = blocs(votes, bloc, N, M, nb, 12);
		struct opinion_input in = { N, M, votes, nv };
		struct opinion_map map;
		assert_int_equal(opinion_map_compute(&in, NULL, &map), 0);
		assert_int_equal(map.k, nb);
		assert_int_equal(map.placed, N);
		assert_true(opinion_ari(map.group, bloc, N) > 0.99);
		assert_true(map.silhouette > 0.5);
		/* the statement everyone agrees with is the consensus, and no
		 * group's own */
		assert_true(map.nconsensus >= 1);
		assert_int_equal(map.consensus[0].statement, M - 1);
		assert_true(map.consensus[0].agree);
		for (int g = 0; g < map.k; g++) {
			assert_true(map.nrep[g] >= 1);
			for (int r = 0; r < map.nrep[g]; r++) {
				const struct opinion_rep *rep = &map.rep[g][r];
				assert_int_not_equal(rep->statement, M - 1);
				assert_true(rep->z > OPINION_Z90);
				assert_true(rep->ratio > 1);
				if (r)
					assert_true(rep->ratio * rep->p <=
						    map.rep[g][r - 1].ratio * map.rep[g][r - 1].p);
			}
			/* the top statement is one the group's bloc votes
			 * against the others on */
			int member = 0;
			while (map.group[member] != g)
				member++;
			int j = map.rep[g][0].statement;
			int want = (j == M - 1)
				       ? 1
				       : (int[][4]){ { 1, 1, -1, -1 },
						     { -1, -1, 1, 1 },
						     { 1, -1, 1, -1 } }[bloc[member]][j % 4];
			assert_int_equal(map.rep[g][0].agree, want == 1);
		}
		assert_true(map.spread[M - 1] < 0.2);
		assert_true(map.spread[0] > 0.6);
		opinion_map_release(&map);
	}
}

/* Hand-checked: 8 members, two groups of four split on statements 0–6;
 * all agree with 7, group A alone agrees with 0. */
static void hand_checked_shares(void **state)
{
	(void)state;
	enum { N = 8, M = 8 };
	struct opinion_vote votes[N * M];
	size_t nv = 0;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < M; j++) {
			int a = i < N / 2;
			votes[nv++] = (struct opinion_vote){ i, j,
							     j == 7	     ? 1
							     : (a ^ (j % 2)) ? 1
									     : -1 };
		}
	struct opinion_input in = { N, M, votes, nv };
	struct opinion_map map;
	assert_int_equal(opinion_map_compute(&in, NULL, &map), 0);
	assert_int_equal(map.k, 2);
	int ga = map.group[0];
	assert_int_equal(map.group_size[ga], 4);
	/* group A on statement 0: 4 of 4 agree → pa = 5/6; the rest 0 of 4 →
	 * 1/6; ratio 5; z1 = 2·√6·(5/6 − ½) = 1.633 */
	const struct opinion_rep *top = NULL;
	for (int r = 0; r < map.nrep[ga]; r++)
		if (map.rep[ga][r].statement == 0)
			top = &map.rep[ga][r];
	assert_non_null(top);
	assert_true(top->agree);
	assert_true(fabs(top->p - 5.0 / 6) < 1e-12);
	assert_true(fabs(top->ratio - 5) < 1e-12);
	/* two-proportion z of 5/6 against 1/6 at n = 6 each: pooled ½ */
	assert_true(fabs(top->z - (4.0 / 6) / sqrt(0.25 * (2.0 / 6))) < 1e-9);
	assert_int_equal(map.nconsensus, 1);
	assert_int_equal(map.consensus[0].statement, 7);
	assert_true(fabs(map.consensus[0].p - 5.0 / 6) < 1e-12);
	opinion_map_release(&map);
}

/* The same votes give the same map; a new k waits OPINION_K_STREAK runs;
 * group numbers follow the last run's groups. */
static void stable_from_run_to_run(void **state)
{
	(void)state;
	enum { N = 90, M = 13 };
	static struct opinion_vote two[N * M], three[N * M];
	int bloc[N];
	size_t n2 = blocs(two, bloc, N, M, 2, 0), n3 = blocs(three, bloc, N, M, 3, 0);
	struct opinion_state st;
	struct opinion_map a, b;

	opinion_state_init(&st);
	struct opinion_input in2 = { N, M, two, n2 }, in3 = { N, M, three, n3 };
	assert_int_equal(opinion_map_compute(&in2, &st, &a), 0);
	assert_int_equal(a.k, 2);
	for (int run = 1; run < OPINION_K_STREAK; run++) {
		assert_int_equal(opinion_map_compute(&in3, &st, &b), 0);
		assert_int_equal(b.k, 2); /* 3 is winning, not yet taken */
		opinion_map_release(&b);
	}
	assert_int_equal(opinion_map_compute(&in3, &st, &b), 0);
	assert_int_equal(b.k, 3);
	opinion_map_release(&b);
	/* and back to two blocs: once 2 has won its runs, the groups are
	 * numbered 0 and 1, whichever of the three they were nearest */
	static struct opinion_vote noisy[N * M];
	struct opinion_input inn = { N, M, noisy, blocs(noisy, bloc, N, M, 2, 12) };
	for (int run = 0; run < OPINION_K_STREAK; run++) {
		assert_int_equal(opinion_map_compute(&inn, &st, &b), 0);
		assert_int_equal(b.k, run < OPINION_K_STREAK - 1 ? 3 : 2);
		if (run < OPINION_K_STREAK - 1)
			opinion_map_release(&b);
	}
	for (int i = 0; i < N; i++)
		assert_true(b.group[i] >= 0 && b.group[i] < 2);
	assert_int_equal(b.group_size[0] + b.group_size[1], N);
	opinion_map_release(&b);
	opinion_map_release(&a);
	opinion_state_release(&st);

	/* a warm start whose components lie where the votes no longer vary
	 * (everyone agrees with statement M−1) still finds the two blocs */
	opinion_state_init(&st);
	st.statements = M;
	st.comp[0] = calloc(M, sizeof(double));
	st.comp[1] = calloc(M, sizeof(double));
	st.comp[0][M - 1] = 1;
	st.comp[1][M - 1] = 1;
	assert_int_equal(opinion_map_compute(&in2, &st, &a), 0);
	assert_int_equal(a.k, 2);
	int halves[N];
	for (int i = 0; i < N; i++)
		halves[i] = i % 2;
	assert_true(opinion_ari(a.group, halves, N) > 0.99);
	opinion_map_release(&a);
	opinion_state_release(&st);

	/* one-off runs are deterministic */
	assert_int_equal(opinion_map_compute(&in3, NULL, &a), 0);
	assert_int_equal(opinion_map_compute(&in3, NULL, &b), 0);
	assert_memory_equal(a.group, b.group, N * sizeof(int));
	assert_memory_equal(a.point, b.point, N * sizeof(a.point[0]));

	/* with a state, a re-run keeps every member's group number */
	opinion_state_init(&st);
	struct opinion_map c, d;
	assert_int_equal(opinion_map_compute(&in3, &st, &c), 0);
	assert_int_equal(opinion_map_compute(&in3, &st, &d), 0);
	assert_memory_equal(c.group, d.group, N * sizeof(int));
	opinion_map_release(&c);
	opinion_map_release(&d);
	opinion_state_release(&st);
	opinion_map_release(&a);
	opinion_map_release(&b);
}

static void light_voters_and_bad_input(void **state)
{
	(void)state;
	struct opinion_vote v[] = { { 0, 0, 1 }, { 0, 1, 1 }, { 1, 0, -1 } };
	struct opinion_input in = { 3, 10, v, 3 };
	struct opinion_map map;
	assert_int_equal(opinion_map_compute(&in, NULL, &map), 0);
	assert_int_equal(map.placed, 0); /* nobody has 7 votes */
	assert_int_equal(map.k, 0);
	opinion_map_release(&map);
	/* with 2 statements, voting on both is enough */
	in.statements = 2;
	assert_int_equal(opinion_map_compute(&in, NULL, &map), 0);
	assert_int_equal(map.placed, 1);
	opinion_map_release(&map);

	struct opinion_vote bad[] = { { 0, 0, 2 } };
	in = (struct opinion_input){ 1, 1, bad, 1 };
	assert_int_equal(opinion_map_compute(&in, NULL, &map), -1);
	opinion_map_release(&map);
	bad[0] = (struct opinion_vote){ 1, 0, 1 };
	assert_int_equal(opinion_map_compute(&in, NULL, &map), -1);
	opinion_map_release(&map);
}

static void priorities(void **state)
{
	(void)state;
	/* new before much-voted, split before agreed, passed sinks */
	assert_true(opinion_priority(0, 0, 0, 0, 0) > opinion_priority(20, 20, 0, 0, 0));
	assert_true(opinion_priority(10, 10, 0, 0, 0) > opinion_priority(20, 0, 0, 0, 0));
	assert_true(opinion_priority(10, 10, 0, 0.8, 1) > opinion_priority(10, 10, 0, 0.1, 1));
	assert_true(opinion_priority(5, 5, 0, 0, 0) > opinion_priority(1, 1, 8, 0, 0));
	/* unseen: no passes, split 1, the full boost of 9 */
	double p0 = opinion_priority(0, 0, 0, 0, 0);
	assert_true(fabs(p0 - pow(2 * 9, 2)) < 1e-12);
	/* a new statement comes before one a couple have split on */
	assert_true(opinion_priority(0, 0, 0, 0, 0) > opinion_priority(1, 1, 0, 0, 0));
}

static void rand_index(void **state)
{
	(void)state;
	int a[] = { 0, 0, 1, 1, 2, 2 }, b[] = { 5, 5, 3, 3, 4, 4 };
	assert_true(fabs(opinion_ari(a, b, 6) - 1) < 1e-12);
	int c[] = { 0, 0, 1, 1 }, d[] = { 0, 1, 0, 1 };
	assert_true(fabs(opinion_ari(c, d, 4) + 0.5) < 1e-12);
	int e[] = { 0, 0, 1, 1, 1 }, f[] = { 0, 0, 1, 1, -1 }; /* the −1 is left out */
	assert_true(fabs(opinion_ari(e, f, 5) - 1) < 1e-12);
}

/* Polis's group per voter from participants-votes.csv (−1 unplaced). */
static void polis_groups(const char *path, const struct polis_votes *pv, int *group)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 16];
	int gcol = -1, col = 0;
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	for (char *t = strtok(line, ",\n"); t; t = strtok(NULL, ",\n"), col++)
		if (!strcmp(t, "group-id"))
			gcol = col;
	assert_true(gcol > 0);
	for (int i = 0; i < pv->in.members; i++)
		group[i] = -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *field[8];
		for (int c = 0; c <= gcol; c++) {
			field[c] = p;
			p += strcspn(p, ",\n");
			if (*p)
				*p++ = 0;
		}
		int i = opinion_index(pv->member_id, pv->in.members, atol(field[0]));
		if (i >= 0 && *field[gcol])
			group[i] = atoi(field[gcol]);
	}
	fclose(f);
}

/* The best agreement with Polis's groups of any straight line through our
 * points (every direction to 0.1°, every cut between two points). */
static double best_line(const struct opinion_map *m, const int *polis)
{
	int n = m->members, *side = malloc((size_t)n * sizeof(int));
	double best = -1;
	for (int a = 0; a < 1800; a++) {
		double cx = cos(a * M_PI / 1800), cy = sin(a * M_PI / 1800);
		for (int t = 0; t < n; t++) {
			if (!m->on_map[t])
				continue;
			double cut = m->point[t][0] * cx + m->point[t][1] * cy;
			for (int i = 0; i < n; i++)
				side[i] = m->on_map[i]
					      ? m->point[i][0] * cx + m->point[i][1] * cy > cut
					      : -1;
			double ari = opinion_ari(side, polis, n);
			if (ari > best)
				best = ari;
		}
	}
	free(side);
	return best;
}

static void real_conversations(void **state)
{
	(void)state;
	static const struct {
		const char *dir;
		int groups;
	} conv[] = { { "brexit-consensus", 2 },
		     { "15-per-hour-seattle", 2 },
		     { "canadian-electoral-reform", 2 },
		     { "london.youth.policing", 3 } };
	int same_k = 0;
	for (size_t c = 0; c < sizeof(conv) / sizeof(conv[0]); c++) {
		char path[256], err[256];
		struct polis_votes pv;
		struct opinion_map m;
		snprintf(path, sizeof(path), FIX "%s/votes.csv", conv[c].dir);
		assert_int_equal(polis_votes_read(path, &pv, err, sizeof(err)), 0);
		assert_int_equal(opinion_map_compute(&pv.in, NULL, &m), 0);
		int *polis = malloc((size_t)pv.in.members * sizeof(int));
		snprintf(path, sizeof(path), FIX "%s/participants-votes.csv", conv[c].dir);
		polis_groups(path, &pv, polis);
		double line = conv[c].groups == 2 ? best_line(&m, polis) : NAN;
		double ari = opinion_ari(m.group, polis, pv.in.members);
		printf("%-26s %3d voters %3d placed  k %d (Polis %d)  line ARI %.3f  groups ARI "
		       "%.3f\n",
		       conv[c].dir, pv.in.members, m.placed, m.k, conv[c].groups, line, ari);
		if (conv[c].groups == 2)
			assert_true(line >= 0.9);
		same_k += m.k == conv[c].groups;
		free(polis);
		opinion_map_release(&m);
		polis_votes_release(&pv);
	}
	assert_true(same_k >= 3);
}

/* The command line's JSON: every placed voter has a point, groups are
 * numbered 0…k−1, ids are Polis's. */
static void map_json(void **state)
{
	(void)state;
	struct polis_votes pv;
	struct opinion_map m;
	char err[256];
	assert_int_equal(
	    polis_votes_read(FIX "london.youth.policing/votes.csv", &pv, err, sizeof(err)), 0);
	opinion_map_compute(&pv.in, NULL, &m);
	json_t *j = polis_map_json(&pv, &m);
	assert_int_equal(json_integer_value(json_object_get(j, "groups")), m.k);
	assert_int_equal(json_object_size(json_object_get(j, "points")), m.placed);
	assert_int_equal(json_object_size(json_object_get(j, "members")), m.placed);
	assert_int_equal(json_object_size(json_object_get(j, "representative")), m.k);
	const char *id;
	json_t *g;
	json_object_foreach(json_object_get(j, "members"), id, g)
	{
		assert_true(json_integer_value(g) >= 0 && json_integer_value(g) < m.k);
		assert_true(opinion_index(pv.member_id, pv.in.members, atol(id)) >= 0);
	}
	json_decref(j);
	opinion_map_release(&m);
	polis_votes_release(&pv);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A later vote replaces an earlier one; bad files say which line. */
static void polis_reader(void **state)
{
	(void)state;
	char dir[] = "/tmp/turnout-opinion-XXXXXX", path[64], err[256];
	struct polis_votes pv;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/votes.csv", dir);

	write_file(path, "timestamp,datetime,comment-id,voter-id,vote\n"
			 "20,x,3,7,-1\n10,x,3,7,1\n5,x,1,2,0\n");
	assert_int_equal(polis_votes_read(path, &pv, err, sizeof(err)), 0);
	assert_int_equal(pv.in.members, 2);
	assert_int_equal(pv.in.statements, 2);
	assert_int_equal(pv.in.nvotes, 2);
	int seven = opinion_index(pv.member_id, 2, 7), three = opinion_index(pv.statement_id, 2, 3);
	int found = 0;
	for (size_t i = 0; i < pv.in.nvotes; i++)
		if (pv.votes[i].member == seven && pv.votes[i].statement == three)
			found = 1, assert_int_equal(pv.votes[i].vote, -1); /* the later one */
	assert_true(found);
	polis_votes_release(&pv);

	write_file(path, "timestamp,datetime,comment-id,voter-id,vote\n1,x,3,7,1\n2,x,3,7,2\n");
	assert_int_equal(polis_votes_read(path, &pv, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 3"));
	write_file(path, "time,comment,voter\n1,2,3\n");
	assert_int_equal(polis_votes_read(path, &pv, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "header"));
	write_file(path, "timestamp,datetime,comment-id,voter-id,vote\n1,x,abc,7,1\n");
	assert_int_equal(polis_votes_read(path, &pv, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2"));
	remove(path);
	remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pca_direct),
		cmocka_unit_test(groups_and_what_they_stand_for),
		cmocka_unit_test(hand_checked_shares),
		cmocka_unit_test(stable_from_run_to_run),
		cmocka_unit_test(light_voters_and_bad_input),
		cmocka_unit_test(priorities),
		cmocka_unit_test(rand_index),
		cmocka_unit_test(real_conversations),
		cmocka_unit_test(map_json),
		cmocka_unit_test(polis_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
