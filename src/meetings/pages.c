/*
 * Meetings that decide, as pages.  A group's organisers (signed in
 * strongly) or an admin chair: they call a meeting with its standing
 * orders, mark who is present (members may check themselves in with the
 * code on the screen), table motions and amendments, open and close votes
 * and elections.  Members present vote by secret ballot and get a receipt;
 * results, in words with the rule and the quorum, appear once a vote
 * closes.  Amendments are voted before their motion; no vote opens
 * without a quorum.
 */
#include "meetings/pages.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/audit.h"
#include "count/report.h"
#include "events/pages.h"
#include "events/store.h"
#include "events/when.h"
#include "groups/store.h"
#include "meetings/store.h"
#include "people/people.h"
#include "util/mem.h"
#include "util/names.h"
#include "util/num.h"
#include "web/web.h"

struct place {
	struct who w;
	struct db *db;
	struct meeting m;
	int chair, member, present;
	long weight; /* as a voter at this meeting; 0: not entitled */
};

static long long now_s(void)
{
	return (long long)time(NULL);
}

static struct target meeting_target(struct db *db, long group_id, long me)
{
	int role = me ? group_role_of(db, group_id, me) : ROLE_NONE;
	struct target t = { 0, role == ROLE_ORGANISER, 0,
			    role == ROLE_MEMBER || role == ROLE_ORGANISER };
	return t;
}

/* What a route's {id} names: the meeting itself, or a thing of one. */
enum route_of { OF_MEETING, OF_MOTION, OF_VOTE, OF_ELECTION, OF_ITEM };

/*
 * Who is asking (signed in), the thing the route's id names (into *thing:
 * a struct motion, vote or meeting_election; NULL for the meeting) and its
 * meeting: members and chairs only.  With f, the form and its token too;
 * with chair, chairs only.  0 to go on.  A motion read into *thing is the
 * caller's to release, whatever the answer.
 */
static int meeting_or_answer(struct http_request *req, struct http_response *res, struct place *p,
			     enum route_of of, void *thing, struct qs *f, int chair)
{
	static const char *const names[] = { "meeting", "motion", "vote", "election",
					     "agenda item" };
	long id = route_id(&req->params, "id"), meeting_id = 0;

	if (visit_or_answer(req, res, &p->w, &p->db, VISIT_SIGNED_IN))
		return -1;
	if (id && of == OF_MEETING)
		meeting_id = id;
	else if (id && of == OF_MOTION && motion_get(p->db, id, thing) == 1)
		meeting_id = ((struct motion *)thing)->meeting_id;
	else if (id && of == OF_VOTE && vote_get(p->db, id, thing) == 1)
		meeting_id = ((struct vote *)thing)->meeting_id;
	else if (id && of == OF_ELECTION && election_get(p->db, id, thing) == 1)
		meeting_id = ((struct meeting_election *)thing)->meeting_id;
	else if (id && of == OF_ITEM && item_get(p->db, id, thing) == 1)
		meeting_id = ((struct agenda_item *)thing)->meeting_id;
	if (!meeting_id || meeting_get(p->db, meeting_id, &p->m) != 1) {
		page_message(req, res, 404, "Not found",
			     arena_printf(&req->arena, "There is no such %s.", names[of]), &p->w);
		return -1;
	}
	struct target t = meeting_target(p->db, p->m.group_id, p->w.actor.id);
	p->chair = policy_allows(&p->w.actor, ACT_MEETING_RUN, &t);
	p->member = policy_allows(&p->w.actor, ACT_MEETING_ATTEND, &t);
	p->present = p->member && meeting_is_present(p->db, p->m.id, p->w.actor.id) == 1;
	p->weight = p->member ? meeting_voter_weight(p->db, p->m.id, p->w.actor.id) : 0;
	if (!p->member && !p->chair) {
		page_message(req, res, 403, "Members only",
			     "Only the group's members and organisers see its meetings.", &p->w);
		return -1;
	}
	if (chair && !p->chair) {
		page_message(req, res, 403, "The chair only",
			     "Only the group's organisers (signed in with their password and code)"
			     " run a meeting.",
			     &p->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &p->w, f) : 0;
}

static void back(struct http_response *res, struct http_request *req, long meeting_id,
		 const char *anchor)
{
	http_redirect(res, arena_printf(&req->arena, "/meetings/%ld%s%s", meeting_id,
					anchor ? "#" : "", anchor ? anchor : ""));
}

/* ---- calling a meeting ---- */

static int group_chair(struct http_request *req, struct http_response *res, struct who *w,
		       struct db **db, long *gid, char *name, size_t cap)
{
	if (visit_or_answer(req, res, w, db, VISIT_SIGNED_IN))
		return -1;
	*gid = route_id(&req->params, "id");
	if (!*gid || group_name(*db, *gid, name, cap) != 1) {
		page_message(req, res, 404, "Not found", "There is no such group.", w);
		return -1;
	}
	struct target t = meeting_target(*db, *gid, w->actor.id);
	if (!policy_allows(&w->actor, ACT_MEETING_RUN, &t)) {
		page_message(req, res, 403, "Organisers only",
			     "Only the group's organisers (signed in with their password and code)"
			     " call its meetings.",
			     w);
		return -1;
	}
	return 0;
}

/* The group's meeting sessions still to come that hold no meeting yet:
 * a meeting may be called at one already posted. */
static json_t *free_sessions(struct db *db, long gid, const char *chosen)
{
	struct event_brief b[20];
	long n = events_of_group(db, gid, b, 20);
	json_t *out = json_array();
	for (long i = 0; i < n; i++) {
		if (strcmp(b[i].type, "meeting") || meeting_at_event(db, b[i].id) != 0)
			continue;
		char when[96], id[24];
		start_text(b[i].starts_at, when, sizeof(when));
		snprintf(id, sizeof(id), "%ld", b[i].id);
		json_array_append_new(out,
				      json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)b[i].id,
						"title", b[i].title, "when", when, "selected",
						chosen && !strcmp(chosen, id)));
	}
	return out;
}

static void new_form(struct http_request *req, struct http_response *res, struct who *w,
		     struct db *db, long gid, const char *group, int status, const char *error,
		     const char *field, const struct qs *f)
{
	json_t *ctx = json_pack("{s:s, s:I, s:s, s:s*, s:o}", "title", "Call a meeting", "group_id",
				(json_int_t)gid, "group", group, "error", error, "sessions",
				free_sessions(db, gid, f ? qs_get(f, "session") : NULL));
	static const char *const keep[] = { "name",	  "date",
					    "start",	  "end",
					    "postcode",	  "address",
					    "online_url", "capacity",
					    "quorum_pct", "quorum_min",
					    "majority",	  "body",
					    "proxies",	  "procedural_majority" };
	for (size_t i = 0; f && i < sizeof(keep) / sizeof(keep[0]); i++)
		if (qs_get(f, keep[i]))
			json_object_set_new(ctx, keep[i], json_string(qs_get(f, keep[i])));
	json_object_set_new(ctx, "private", json_boolean(f && qs_get(f, "address_private")));
	if (error)
		json_object_set_new(ctx,
				    arena_printf(&req->arena, "err_%s", field ? field : "name"),
				    json_string(error));
	enum majority pm;
	if (f && !majority_parse(qs_get(f, "procedural_majority"), &pm))
		json_object_set_new(ctx, arena_printf(&req->arena, "pm_%s", majority_name(pm)),
				    json_true());
	const char *body = f ? qs_get(f, "body") : NULL;
	json_object_set_new(ctx, "body_committee",
			    json_boolean(body && !strcmp(body, "committee")));
	json_object_set_new(ctx, "body_conference",
			    json_boolean(body && !strcmp(body, "conference")));
	page_render(req, res, status, "meeting_new", ctx, w);
}

static void meeting_new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	long gid;
	char name[128];

	if (group_chair(req, res, &w, &db, &gid, name, sizeof(name)))
		return;
	new_form(req, res, &w, db, gid, name, 200, NULL, NULL, NULL);
}

/* The session a meeting is called at: one of the group's already posted
 * (the form's session), or a new one of type meeting from the form's
 * time, place and online link.  NULL, or what is wrong, and its field. */
static const char *meeting_session(struct db *db, const struct qs *f, long gid, long me,
				   const char *title, struct event *e, const char **field)
{
	const char *sess = qs_get(f, "session");
	long id;

	if (!sess || !*sess) {
		const char *why = event_form_read(db, f, "meeting", title, e, field);
		e->group_id = gid;
		e->created_by = me;
		return why;
	}
	*field = "session";
	if (num_parse_long(sess, strlen(sess), 1, 1L << 40, &id) || event_get(db, id, e) != 1 ||
	    e->group_id != gid || strcmp(e->type, "meeting") || strcmp(e->status, "published") ||
	    e->draft || e->awaiting || e->ends_at <= time(NULL))
		return "Choose one of the group's meeting sessions still to come, or give the"
		       " details of a new one.";
	return NULL;
}

static void meeting_create_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	long gid, pct = 0, min = 0;
	char name[128];
	struct meeting m = { 0 };
	struct event *e = arena_alloc(&req->arena, sizeof(*e));

	if (group_chair(req, res, &w, &db, &gid, name, sizeof(name)) ||
	    form_or_answer(req, res, &w, &f))
		return;
	const char *title = qs_get(&f, "name"), *qp = qs_get(&f, "quorum_pct");
	const char *qm = qs_get(&f, "quorum_min"), *maj = qs_get(&f, "majority");
	const char *body = qs_get(&f, "body"), *px = qs_get(&f, "proxies");
	const char *pm = qs_get(&f, "procedural_majority"), *why = NULL, *field = NULL;
	long proxies = 0;
	m.procedural_majority = MAJ_TWO_THIRDS;
	if (!title || !*title || strlen(title) > MEETING_TITLE_MAX)
		why = "Give the meeting a name of up to 120 characters.", field = "name";
	else if ((why = meeting_session(db, &f, gid, w.actor.id, title, e, &field)))
		field = field && !strcmp(field, "title") ? "name" : field;
	else if ((field = "quorum_pct", !qp || num_parse_long(qp, strlen(qp), 0, 100, &pct)))
		why = "The quorum is a percentage of the members, 0 to 100.";
	else if ((field = "quorum_min", !qm || num_parse_long(qm, strlen(qm), 0, 100000, &min)))
		why = "The smallest quorum is a number of members, 0 or more.";
	else if ((field = "majority", majority_parse(maj, &m.majority)))
		why = "Choose the majority motions need.";
	else if ((field = "procedural_majority",
		  pm && *pm && majority_parse(pm, &m.procedural_majority)))
		why = "Choose the majority the closure and a challenge to the chair need.";
	else if ((field = "body", body && *body && meeting_body_parse(body, &m.body)))
		why = "Choose who votes: the members, a committee or a conference of delegates.";
	else if ((field = "proxies", px && *px && num_parse_long(px, strlen(px), 0, 100, &proxies)))
		why = "The proxies one member may hold are 0 to 100.";
	if (why) {
		new_form(req, res, &w, db, gid, name, 400, why, field, &f);
		return;
	}
	m.group_id = gid;
	m.created_by = w.actor.id;
	snprintf(m.title, sizeof(m.title), "%s", title);
	m.starts_at = e->starts_at;
	m.quorum.pct = (int)pct;
	m.quorum.min = (int)min;
	m.proxies_max = (int)proxies;
	/* the meeting and its new session stand or fall together */
	int rc = db_begin(db) ? -1 : e->id ? 1 : event_create(db, e) ? -1 : 1;
	m.event_id = e->id;
	if (rc == 1)
		rc = meeting_create(db, &m, now_s());
	if (rc != 1 || app_commit(req->app, db)) {
		db_rollback(db);
		if (rc == 0)
			new_form(req, res, &w, db, gid, name, 409,
				 "That session has a meeting already: choose another.", "session",
				 &f);
		else
			page_sorry(req, res, "The meeting could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "meeting.create", m.id,
		   arena_printf(&req->arena, "event %ld", m.event_id));
	back(res, req, m.id, NULL);
}

/* ---- the meeting's page ---- */

struct page_ctx {
	struct http_request *req;
	struct place *p;
	json_t *motions, *elections, *roll, *members, *items;
};

static const char *choice_word(const char *c)
{
	return !strcmp(c, "for") ? "For" : !strcmp(c, "against") ? "Against" : "Abstain";
}

static void roll_item(const char *name, const char *choice, void *arg)
{
	json_array_append_new(arg,
			      json_pack("{s:s, s:s}", "name", name, "choice", choice_word(choice)));
}

struct proxy_forms {
	struct db *db;
	long vote_id;
	json_t *list;
};

/* A proxy not yet used in this vote: a ballot form of its own. */
static void proxy_form(long giver, const char *name, void *arg)
{
	struct proxy_forms *f = arg;
	if (vote_has_voted(f->db, f->vote_id, giver) == 0)
		json_array_append_new(f->list, json_pack("{s:I, s:s}", "for_id", (json_int_t)giver,
							 "for_name", name));
}

/* What a vote on a motion or election shows to this member. */
static json_t *vote_ctx(struct page_ctx *pc, const struct vote *v)
{
	json_t *o = json_pack("{s:I, s:b, s:s, s:b}", "vote_id", (json_int_t)v->id, "open", v->open,
			      "result", v->result, "named", v->named);
	if (v->named && !v->open) {
		json_t *roll = json_array();
		vote_roll(pc->p->db, v->id, roll_item, roll);
		json_object_set_new(o, "roll", roll);
	}
	if (v->open) {
		int voted = vote_has_voted(pc->p->db, v->id, pc->p->w.actor.id) == 1;
		json_object_set_new(o, "voted", json_boolean(voted));
		json_object_set_new(o, "can_vote",
				    json_boolean(pc->p->present && pc->p->weight > 0 && !voted));
		if (pc->p->present && pc->p->m.proxies_max > 0) {
			struct proxy_forms f = { pc->p->db, v->id, json_array() };
			proxies_held(pc->p->db, pc->p->m.id, pc->p->w.actor.id, proxy_form, &f);
			json_object_set_new(o, "proxies", f.list);
		}
	} else {
		json_object_set_new(o, "passed", json_boolean(v->passed));
	}
	return o;
}

static void diff_line(char kind, long line, const char *text, size_t n, void *arg)
{
	json_t *o = json_pack("{s:s#, s:b, s:b}", "text", text, (int)n, "added", kind == '+',
			      "removed", kind == '-');
	/* {{line}} inside the list must not fall back to anything outside it */
	json_object_set_new(o, "line", line ? json_integer(line) : json_string(""));
	json_array_append_new(arg, o);
}

static const char *const block_words[] = {
	NULL,
	"The procedural motion moved on it is decided first.",
	"Its amendments are taken first.",
	"The amendment before it is taken first.",
};

/* The row of the meeting's page a procedural motion or an amendment sits
 * under: its motion's, or the amendment's it was moved on. */
static json_t *row_of(json_t *motions, long id)
{
	json_t *last = json_array_get(motions, json_array_size(motions) - 1), *a;
	size_t i;
	if (!last || json_integer_value(json_object_get(last, "id")) == id)
		return last;
	json_array_foreach(json_object_get(last, "amendments"), i,
			   a) if (json_integer_value(json_object_get(a, "id")) == id) return a;
	return NULL;
}

static void motion_row(const struct motion *m, void *arg)
{
	struct page_ctx *pc = arg;
	struct vote v;
	int floor = m->status == MOTION_AGENDA || m->status == MOTION_DEBATE;
	int blocked = floor ? motion_blocked(pc->p->db, m) : 0;
	json_t *o = json_pack(
	    "{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:s}", "id",
	    (json_int_t)m->id, "title", m->title, "body", m->body, "status",
	    motion_status_words(m->status), "mover", m->mover, "seconder", m->seconder, "majority",
	    majority_words(m->majority), "amendment", m->amends != 0, "puttable",
	    floor && blocked == BLOCK_NONE, "submitted", m->status == MOTION_SUBMITTED, "agenda",
	    m->status == MOTION_AGENDA, "floor", floor, "procedural", m->procedure != PROC_NONE,
	    "outcome", m->outcome, "ruling", m->ruling);
	json_object_set_new(o, "blocked",
			    blocked > 0 ? json_string(block_words[blocked]) : json_null());
	json_object_set_new(o, "withdrawable",
			    json_boolean(motion_step_allowed(m->status, MOTION_WITHDRAWN) &&
					 (pc->p->chair || (m->status == MOTION_SUBMITTED &&
							   m->mover_id == pc->p->w.actor.id))));
	json_object_set_new(o, "ruled",
			    json_boolean(m->status == MOTION_FELL && *m->ruling && !m->procedure));
	json_object_set_new(o, "undecided", json_boolean(m->status == MOTION_SUBMITTED || floor));
	json_object_set_new(o, "grouped", json_boolean(m->alt_group != 0));
	json_object_set_new(o, "alt_group", json_integer(m->alt_group));
	/* "vote" and the lists are set on every row (null or empty when there is
	 * none), so a row never reads its motion's in the template */
	json_object_set_new(
	    o, "vote", vote_latest(pc->p->db, m->id, 0, &v) == 1 ? vote_ctx(pc, &v) : json_null());
	json_object_set_new(o, "procedurals", json_array());
	json_t *under = m->procedure ? row_of(pc->motions, m->target)
			: m->amends  ? row_of(pc->motions, m->amends)
				     : NULL;
	if (m->amends && under) {
		/* an amendment sits under its motion, its change shown line by line
		 * against the motion's wording */
		json_t *diff = json_null();
		if (motion_pending(m->status) || m->status == MOTION_SUBMITTED) {
			/* against the motion as it now reads, with any amendment carried
			 * since it was written */
			char *wording = NULL;
			int merges = amendment_wording(pc->p->db, m, &wording);
			diff = json_array();
			text_diff(json_string_value(json_object_get(under, "body")),
				  wording ? wording : m->body, diff_line, diff);
			free(wording);
			json_object_set_new(o, "clash", json_boolean(merges == 0));
		} else {
			json_object_set_new(o, "clash", json_false());
		}
		json_object_set_new(o, "diff", diff);
		json_array_append_new(json_object_get(under, "amendments"), o);
		return;
	}
	if (m->procedure && under) {
		json_array_append_new(json_object_get(under, "procedurals"), o);
		return;
	}
	json_object_set_new(o, "amendments", json_array());
	json_array_append_new(pc->motions, o);
}

static const char *method_words(const struct meeting_election *e)
{
	switch (e->rule) {
	case RULE_SCOTTISH: return "STV (the Scottish rule)";
	case RULE_ERS97: return "STV (the Electoral Reform Society's 1997 rules)";
	case RULE_MEEK: return "STV (Meek's method)";
	case RULE_IRV: return "IRV (alternative vote)";
	case RULE_BLOCK: break;
	}
	return e->seats == 1 ? "first past the post (the first preference counts)"
			     : "block vote (each ballot's first choices, as many as the places)";
}

static const char *method_short(const struct meeting_election *e)
{
	switch (e->rule) {
	case RULE_SCOTTISH: return "STV, Scottish rule";
	case RULE_ERS97: return "STV, ERS97 rules";
	case RULE_MEEK: return "STV, Meek";
	case RULE_IRV: return "IRV";
	case RULE_BLOCK: break;
	}
	return e->seats == 1 ? "first past the post" : "block vote";
}

/* ---- balance ---- */

struct across {
	long self;
	int won, open_seats;
};

static void across_row(const struct meeting_election *e, const char *report, void *arg)
{
	struct across *a = arg;
	if (e->id == a->self || !e->balance.on || !e->balance.across)
		return;
	if (!report) {
		a->open_seats += e->seats;
		return;
	}
	json_t *r = json_loads(report, 0, NULL), *name;
	size_t i;
	json_array_foreach(json_object_get(r, "elected"), i, name)
	{
		for (int k = 0; k < e->ncand; k++)
			if (e->balance.member[k] && !strcmp(e->cand[k], json_string_value(name)))
				a->won++;
	}
	json_decref(r);
}

/*
 * The count's rules for an election: its method, and its balance as a
 * group rule.  A post counted towards the meeting's minimum across posts
 * must give the group whatever the posts still to be decided cannot: the
 * minimum, less the places the group has won in closed elections, less
 * the places still open elsewhere (as many as it has candidates).
 */
static void election_rules(struct place *p, const struct meeting_election *e,
			   struct count_rules *rules)
{
	const struct election_balance *b = &e->balance;
	int standing = 0;

	memset(rules, 0, sizeof(*rules));
	rules->rule = e->rule;
	if (!b->on)
		return;
	struct count_group *g = &rules->group[rules->ngroups++];
	snprintf(g->name, sizeof(g->name), "%s", p->m.balance_group);
	for (int i = 0; i < e->ncand; i++) {
		g->member[i] = b->member[i];
		standing += b->member[i];
	}
	g->min = b->min;
	g->max = b->max;
	if (b->across && p->m.posts_min > 0) {
		struct across a = { .self = e->id };
		elections_each(p->db, p->m.id, across_row, &a);
		int need = p->m.posts_min - a.won - a.open_seats;
		if (need > e->seats)
			need = e->seats;
		if (need > standing)
			need = standing;
		if (need > g->min)
			g->min = need;
	}
}

static void balance_words(struct http_request *req, const struct place *p,
			  const struct meeting_election *e, json_t *o)
{
	const struct election_balance *b = &e->balance;
	char *who = "";
	int n = 0;
	for (int i = 0; i < e->ncand; i++)
		if (b->member[i])
			who = arena_printf(&req->arena, "%s%s%s", who, n++ ? ", " : "", e->cand[i]);
	char *words = arena_printf(&req->arena, "%s: %s.", p->m.balance_group, n ? who : "none");
	if (b->min)
		words = arena_printf(&req->arena, "%s At least %d of the %d place%s.", words,
				     b->min, e->seats, e->seats == 1 ? "" : "s");
	if (b->max >= 0)
		words = arena_printf(&req->arena, "%s At most %d.", words, b->max);
	if (b->across)
		words = arena_printf(&req->arena,
				     "%s Its places count towards at least %d across the posts.",
				     words, p->m.posts_min);
	json_object_set_new(o, "balance", json_string(words));
}

static void election_row(const struct meeting_election *e, const char *report, void *arg)
{
	struct page_ctx *pc = arg;
	struct vote v;
	json_t *cands = json_array();
	for (int i = 0; i < e->ncand; i++)
		json_array_append_new(cands,
				      json_pack("{s:i, s:s, s:b}", "n", i + 1, "name", e->cand[i],
						"in_group", e->balance.member[i]));
	json_t *ranks = json_array();
	for (int i = 0; i < e->ncand; i++)
		json_array_append_new(ranks, json_pack("{s:i}", "rank", i + 1));
	json_t *o = json_pack("{s:I, s:s, s:i, s:s, s:o, s:o}", "id", (json_int_t)e->id, "post",
			      e->post, "seats", e->seats, "method", method_words(e), "candidates",
			      cands, "ranks", ranks);
	if (e->balance.on)
		balance_words(pc->req, pc->p, e, o);
	json_object_set_new(o, "bal_min", json_integer(e->balance.min));
	json_object_set_new(o, "bal_max",
			    e->balance.on && e->balance.max >= 0 ? json_integer(e->balance.max)
								 : json_string(""));
	json_object_set_new(o, "bal_across", json_boolean(e->balance.across));
	int have = vote_latest(pc->p->db, 0, e->id, &v) == 1;
	if (have)
		json_object_set_new(o, "vote", vote_ctx(pc, &v));
	else
		json_object_set_new(o, "not_opened", json_true());
	if (report && have && !v.open) {
		json_t *r = json_loads(report, 0, NULL);
		json_t *stages = json_array();
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(r, "stages"), i, s)
		{
			json_t *rows = json_array();
			for (int k = 0; k < e->ncand; k++) {
				json_t *t =
				    json_object_get(json_object_get(s, "totals"), e->cand[k]);
				json_array_append_new(
				    rows, json_pack("{s:s, s:s}", "name", e->cand[k], "total",
						    t ? json_string_value(t) : ""));
			}
			/* the sheet's words, begun as a sentence in the table */
			char *words =
			    arena_printf(&pc->req->arena, "%s",
					 json_string_value(json_object_get(s, "words"))
					     ? json_string_value(json_object_get(s, "words"))
					     : "");
			if (*words >= 'a' && *words <= 'z')
				*words = (char)(*words - 'a' + 'A');
			json_array_append_new(stages, json_pack("{s:I, s:s, s:o}", "stage",
								(json_int_t)(i + 1), "what", words,
								"rows", rows));
		}
		json_object_set_new(o, "stages", stages);
		/* the command that recounts the downloaded ballots the same way */
		char *cmd = arena_printf(&pc->req->arena, "turnout count --rule %s",
					 json_string_value(json_object_get(r, "rule")));
		json_t *g;
		json_array_foreach(json_object_get(r, "groups"), i, g)
		{
			char *list = "";
			size_t k;
			json_t *name;
			json_array_foreach(json_object_get(g, "candidates"), k, name)
			{
				for (int c = 0; c < e->ncand; c++)
					if (!strcmp(e->cand[c], json_string_value(name)))
						list = arena_printf(&pc->req->arena, "%s%s%d", list,
								    *list ? "," : "", c + 1);
			}
			json_t *max = json_object_get(g, "max");
			cmd = arena_printf(&pc->req->arena, "%s --group '%s:%lld%s%s=%s'", cmd,
					   json_string_value(json_object_get(g, "name")),
					   (long long)json_integer_value(json_object_get(g, "min")),
					   json_is_integer(max) ? ":" : "",
					   json_is_integer(max)
					       ? arena_printf(&pc->req->arena, "%lld",
							      (long long)json_integer_value(max))
					       : "",
					   list);
		}
		json_object_set_new(
		    o, "recount",
		    json_string(arena_printf(&pc->req->arena, "%s ballots.blt", cmd)));
		json_decref(r);
	}
	json_array_append_new(pc->elections, o);
}

static void roll_row(const struct roll_row *r, void *arg)
{
	struct page_ctx *pc = arg;
	/* "person", not "id": inside the list {{id}} is still the meeting's */
	json_array_append_new(pc->roll, json_pack("{s:I, s:s, s:b, s:b, s:I}", "person",
						  (json_int_t)r->person_id, "name", r->name,
						  "present", r->present, "entitled", r->weight > 0,
						  "weight", (json_int_t)r->weight));
	json_array_append_new(
	    pc->members, json_pack("{s:I, s:s}", "id", (json_int_t)r->person_id, "name", r->name));
}

static json_t *quorum_ctx(struct place *p)
{
	struct meeting_strength st = { 0 };
	meeting_strength(p->db, p->m.id, &st);
	long members = st.members, present = st.present;
	long needed = quorum_needed(&p->m.quorum, members);
	return json_pack("{s:I, s:I, s:I, s:b}", "members", (json_int_t)members, "present",
			 (json_int_t)present, "needed", (json_int_t)needed, "quorate",
			 present >= needed && present > 0);
}

/* ---- the agenda and its speakers lists ---- */

/* An item's list as it stands: everyone who asked, in order, to be
 * called in the order speakers_order() gives. */
struct speakers_state {
	struct speaker_row rows[SPEAKERS_MAX * 2];
	char names[SPEAKERS_MAX * 2][128];
	size_t n;
	long speaking; /* index into rows, or -1 */
	int last_group;
	size_t waiting[SPEAKERS_MAX], nwaiting, order[SPEAKERS_MAX];
};

static void speaker_seen(const struct speaker_row *r, void *arg)
{
	struct speakers_state *st = arg;
	if (st->n == SPEAKERS_MAX * 2)
		return;
	st->rows[st->n] = *r;
	snprintf(st->names[st->n], sizeof(st->names[0]), "%s", r->name);
	st->rows[st->n].name = st->names[st->n];
	st->n++;
}

static void speakers_state(struct db *db, const struct agenda_item *it, struct speakers_state *st)
{
	struct speaker_wait w[SPEAKERS_MAX];
	long last_called = 0;

	st->n = st->nwaiting = 0;
	st->speaking = -1;
	st->last_group = -1;
	speakers_each(db, it->id, speaker_seen, st);
	for (size_t i = 0; i < st->n; i++) {
		const struct speaker_row *r = &st->rows[i];
		if (r->called > last_called) {
			last_called = r->called;
			st->last_group = r->in_group;
		}
		if (r->started_at && !r->ended_at)
			st->speaking = (long)i;
		if (!r->started_at && st->nwaiting < SPEAKERS_MAX) {
			int spoken = 0;
			for (size_t k = 0; k < st->n; k++)
				spoken +=
				    st->rows[k].person_id == r->person_id && st->rows[k].started_at;
			w[st->nwaiting] = (struct speaker_wait){ r->in_group, spoken };
			st->waiting[st->nwaiting++] = i;
		}
	}
	speakers_order(w, st->nwaiting, it->alternation, it->first_time, st->last_group, st->order);
}

static const char *alternation_words(enum alternation a)
{
	return a == ALT_GROUP_FIRST ? "the group's members first"
	       : a == ALT_ALTERNATE ? "alternating, the group first"
				    : "in the order asked";
}

static void item_row(const struct agenda_item *it, void *arg)
{
	struct page_ctx *pc = arg;
	struct speakers_state *st = xmalloc(sizeof(*st));
	long me = pc->p->w.actor.id;
	int waiting_me = 0;

	speakers_state(pc->p->db, it, st);
	json_t *waiting = json_array();
	for (size_t k = 0; k < st->nwaiting; k++) {
		const struct speaker_row *r = &st->rows[st->waiting[st->order[k]]];
		waiting_me |= r->person_id == me;
		/* the group flag is the speaker's own word, shown to the chair only */
		json_array_append_new(waiting, json_pack("{s:s, s:b, s:b}", "name", r->name,
							 "in_group", pc->p->chair && r->in_group,
							 "me", r->person_id == me));
	}
	json_t *o =
	    json_pack("{s:I, s:i, s:s, s:o, s:s, s:s, s:b, s:b}", "item_id", (json_int_t)it->id,
		      "n", it->position, "title", it->title, "waiting", waiting, "rule",
		      alternation_words(it->alternation), "limit",
		      it->speech_s ? arena_printf(&pc->req->arena, "%d minute%s a speech",
						  it->speech_s / 60, it->speech_s == 60 ? "" : "s")
				   : "no time limit",
		      "waiting_me", waiting_me, "can_ask", pc->p->present && !waiting_me);
	json_object_set_new(o, "callable", json_boolean(st->speaking >= 0 || st->nwaiting));
	if (st->speaking >= 0) {
		const struct speaker_row *r = &st->rows[st->speaking];
		long long used = now_s() - r->started_at;
		char left[64] = "";
		if (it->speech_s && used <= it->speech_s)
			snprintf(left, sizeof(left), "%lld:%02lld left", (it->speech_s - used) / 60,
				 (it->speech_s - used) % 60);
		else if (it->speech_s)
			snprintf(left, sizeof(left), "over time by %lld:%02lld",
				 (used - it->speech_s) / 60, (used - it->speech_s) % 60);
		json_object_set_new(o, "speaking",
				    json_pack("{s:s, s:s, s:b}", "speaker", r->name, "left", left,
					      "over", it->speech_s && used > it->speech_s));
	}
	json_array_append_new(pc->items, o);
	free(st);
}

static void held_name(long giver, const char *name, void *arg)
{
	(void)giver;
	json_array_append_new(arg, json_pack("{s:s}", "held_name", name));
}

/* Each undecided amendment's choice of the others it may be grouped with. */
static void amendment_choices(json_t *motions)
{
	json_t *m, *a, *b;
	size_t i, j, k;
	json_array_foreach(motions, i, m)
	{
		json_t *list = json_object_get(m, "amendments");
		json_array_foreach(list, j, a)
		{
			json_t *others = json_array();
			json_array_foreach(
			    list, k, b) if (k != j && json_is_true(json_object_get(b, "undecided")))
			    json_array_append_new(others,
						  json_pack("{s:O, s:O}", "other_id",
							    json_object_get(b, "id"), "other_title",
							    json_object_get(b, "title")));
			json_object_set_new(a, "others",
					    json_is_true(json_object_get(a, "undecided"))
						? others
						: (json_decref(others), json_array()));
		}
	}
}

/* The session the meeting is held at, as its members see it: when and
 * where, the online link (for members: they may all attend), who is
 * coming, and one's own place; NULL when it has none. */
static json_t *session_ctx(struct http_request *req, struct place *p)
{
	struct event *e = arena_alloc(&req->arena, sizeof(*e));
	struct my_signup mine[EVENT_SLOTS_MAX];
	char when[128], where[EVENT_ADDRESS_MAX + 16];
	long going = 0;

	if (!p->m.event_id || event_get(p->db, p->m.event_id, e) != 1)
		return NULL;
	long nmine = event_my_signups(p->db, e->id, p->w.actor.id, mine, EVENT_SLOTS_MAX);
	for (size_t i = 0; i < e->nslots; i++)
		going += e->slots[i].going;
	when_text(e->starts_at, e->ends_at, when, sizeof(when));
	int mine_going = nmine > 0 && mine[0].going;
	/* a private home's address, as on the session's page: those going and the chair */
	if (e->address_private && !mine_going && !p->chair)
		event_place(e, where, sizeof(where));
	else
		place_text(e->address, e->postcode, where, sizeof(where));
	json_t *s = json_pack("{s:I, s:s, s:s, s:I, s:b, s:b, s:b, s:I}", "id", (json_int_t)e->id,
			      "when", when, "where", where, "going", (json_int_t)going, "cancelled",
			      strcmp(e->status, "cancelled") == 0, "me_going", mine_going,
			      "me_waiting", nmine > 0 && !mine[0].going, "slot",
			      (json_int_t)(e->nslots ? e->slots[0].id : 0));
	if (*e->online_url)
		json_object_set_new(s, "online_url", json_string(e->online_url));
	json_object_set_new(
	    s, "can_sign_up",
	    json_boolean(nmine == 0 && e->nslots == 1 && !strcmp(e->status, "published")));
	return s;
}

static void meeting_page_with(struct http_request *req, struct http_response *res, struct place *p,
			      int status, const char *error, const char *notice)
{
	struct page_ctx pc = { req,	     p,		  json_array(), json_array(), json_array(),
			       json_array(), json_array() };
	char when[128], group[128] = "";

	items_each(p->db, p->m.id, item_row, &pc);
	motions_each(p->db, p->m.id, motion_row, &pc);
	amendment_choices(pc.motions);
	elections_each(p->db, p->m.id, election_row, &pc);
	if (p->chair) /* the register is the chair's: a conference's is thousands long */
		meeting_roll(p->db, &p->m, roll_row, &pc);
	group_name(p->db, p->m.group_id, group, sizeof(group));
	start_text((time_t)p->m.starts_at, when, sizeof(when));
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:s, s:I, s:o, s:b, s:b, s:b, s:o, s:o, s:s*, s:s*, s:s, s:s}",
	    "title", p->m.title, "id", (json_int_t)p->m.id, "when", when, "group", group,
	    "group_id", (json_int_t)p->m.group_id, "quorum", quorum_ctx(p), "chair", p->chair,
	    "member", p->member, "present", p->present, "motions", pc.motions, "elections",
	    pc.elections, "error", error, "notice", notice, "majority",
	    majority_words(p->m.majority), "rule",
	    arena_printf(&req->arena, "%d%% of the members, and at least %d", p->m.quorum.pct,
			 p->m.quorum.min));
	if (p->chair) {
		json_object_set_new(ctx, "roll", pc.roll);
		json_object_set_new(ctx, "members", pc.members);
		json_object_set_new(ctx, "code", json_string(p->m.checkin_code));
		json_object_set_new(ctx, "posts_min", json_integer(p->m.posts_min));
	} else {
		json_decref(pc.roll);
		json_decref(pc.members);
	}
	json_object_set_new(ctx, "balance_group", json_string(p->m.balance_group));
	json_object_set_new(ctx, "items", pc.items);
	json_t *session = session_ctx(req, p);
	if (session)
		json_object_set_new(ctx, "session", session);
	if (p->member && !p->present)
		json_object_set_new(
		    ctx, "apologies",
		    json_boolean(meeting_has_apologies(p->db, p->m.id, p->w.actor.id) == 1));
	json_object_set_new(ctx, "listed_body", json_boolean(p->m.body != BODY_MEMBERS));
	json_object_set_new(ctx, "card", json_boolean(p->m.body == BODY_CONFERENCE));
	json_object_set_new(ctx, "body_words",
			    json_string(p->m.body == BODY_COMMITTEE
					    ? "a committee: its members vote"
					: p->m.body == BODY_CONFERENCE
					    ? "a conference: delegates vote, each with a card vote"
					    : "all the group's members vote"));
	json_object_set_new(ctx, "voter", json_boolean(p->weight > 0));
	json_object_set_new(ctx, "can_move",
			    json_boolean(p->chair || (p->present && p->weight > 0)));
	json_object_set_new(ctx, "can_submit", json_boolean(p->chair || p->weight > 0));
	json_object_set_new(ctx, "my_weight", json_integer(p->weight));
	if (p->m.proxies_max > 0 && p->weight > 0) {
		char holder[128] = "";
		json_object_set_new(ctx, "proxies_max", json_integer(p->m.proxies_max));
		if (proxy_holder(p->db, p->m.id, p->w.actor.id, holder, sizeof(holder)) > 0)
			json_object_set_new(ctx, "my_proxy", json_string(holder));
		json_t *held = json_array();
		proxies_held(p->db, p->m.id, p->w.actor.id, held_name, held);
		json_object_set_new(ctx, "held", held);
	}
	page_render(req, res, status, "meeting", ctx, &p->w);
}

static void meeting_page(struct http_request *req, struct http_response *res)
{
	struct place p;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, NULL, 0))
		return;
	meeting_page_with(req, res, &p, 200, NULL, NULL);
}

/* ---- who is present ---- */

static void checkin(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	char ip[64];

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 0))
		return;
	const char *code = qs_get(&f, "code");
	if (!p.member) {
		meeting_page_with(req, res, &p, 403, "Only members check in.", NULL);
		return;
	}
	http_client_ip(req, ip, sizeof(ip));
	if (rate_limit(req, res, "meeting-code", ip, &((struct app *)req->app)->auth.rates.token_ip,
		       0))
		return;
	if (!code || strcasecmp(code, p.m.checkin_code)) {
		meeting_page_with(req, res, &p, 400,
				  "That is not the code on the screen: check it and try again.",
				  NULL);
		return;
	}
	if (meeting_set_present(p.db, p.m.id, p.w.actor.id, 1, p.w.actor.id, now_s()) < 0) {
		page_sorry(req, res, "Your check-in could not be saved.", &p.w);
		return;
	}
	back(res, req, p.m.id, NULL);
}

/* A member who cannot come says so before (or after) the meeting: the
 * minutes list their apologies apart from those simply absent. */
static void apologies(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 0))
		return;
	const char *sent = qs_get(&f, "sent");
	int on = sent && !strcmp(sent, "1");
	if (!p.member) {
		meeting_page_with(req, res, &p, 403, "Only members send apologies.", NULL);
		return;
	}
	if (!sent || (!on && strcmp(sent, "0"))) {
		meeting_page_with(req, res, &p, 400,
				  "Say whether you send apologies or take them back.", NULL);
		return;
	}
	if (p.present) {
		meeting_page_with(req, res, &p, 409, "You are checked in: you are here.", NULL);
		return;
	}
	int rc = meeting_apologies_set(p.db, p.m.id, p.w.actor.id, on, now_s());
	if (rc < 0) {
		page_sorry(req, res, "Your apologies could not be saved.", &p.w);
		return;
	}
	if (rc)
		audit_note(p.db, p.w.actor.id, on ? "meeting.apologies" : "meeting.apologies_back",
			   p.m.id, NULL);
	back(res, req, p.m.id, NULL);
}

static void presence(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	long who = 0;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1))
		return;
	const char *person = qs_get(&f, "person"), *present = qs_get(&f, "present");
	if (!person || num_parse_long(person, strlen(person), 1, 1L << 40, &who) ||
	    group_role_of(p.db, p.m.group_id, who) <= ROLE_NONE) {
		meeting_page_with(req, res, &p, 400, "That person is not a member.", NULL);
		return;
	}
	int here = present && !strcmp(present, "1");
	if (meeting_set_present(p.db, p.m.id, who, here, p.w.actor.id, now_s()) < 0) {
		page_sorry(req, res, "The register could not be saved.", &p.w);
		return;
	}
	back(res, req, p.m.id, "register");
}

/* ---- motions and amendments ---- */

static long member_id(struct place *p, const char *s)
{
	long id = 0;
	if (!s || !*s || num_parse_long(s, strlen(s), 1, 1L << 40, &id) ||
	    group_role_of(p->db, p->m.group_id, id) <= ROLE_NONE)
		return -1;
	return id;
}

/*
 * A motion or an amendment: the chair tables it on the agenda for its
 * mover; a member entitled to vote submits their own, for the chair to put
 * on the agenda (or rule out of order).
 */
static void motion_create(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct motion m = { 0 }, parent;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 0))
		return;
	const char *title = qs_get(&f, "title"), *body = qs_get(&f, "body");
	const char *amends = qs_get(&f, "amends"), *why = NULL;
	long mover = p.chair ? member_id(&p, qs_get(&f, "mover")) : p.w.actor.id, seconder = 0;
	if (p.chair && qs_get(&f, "seconder") && *qs_get(&f, "seconder"))
		seconder = member_id(&p, qs_get(&f, "seconder"));
	if (!p.chair && p.weight <= 0) {
		meeting_page_with(req, res, &p, 403,
				  "Only those entitled to vote at this meeting submit motions.",
				  NULL);
		return;
	}
	if (amends && *amends) {
		long a = 0;
		if (num_parse_long(amends, strlen(amends), 1, 1L << 40, &a) ||
		    motion_get(p.db, a, &parent) != 1 || parent.meeting_id != p.m.id ||
		    parent.amends || parent.procedure) {
			why = "An amendment amends a motion of this meeting.";
		} else {
			if (parent.status != MOTION_AGENDA && parent.status != MOTION_DEBATE)
				why = "Only a motion on the agenda and not yet put can be amended.";
			m.amends = a;
			m.majority = parent.majority;
			motion_release(&parent);
		}
	} else if (majority_parse(qs_get(&f, "majority"), &m.majority)) {
		m.majority = p.m.majority;
	}
	if (why)
		;
	else if (!title || !*title || strlen(title) > MOTION_TITLE_MAX)
		why = "Give the motion a title of up to 160 characters.";
	else if (!body || !*body || strlen(body) > MOTION_BODY_MAX)
		why = "Give the motion's wording (up to 8,000 characters).";
	else if (mover < 0 || seconder < 0 || (seconder && seconder == mover))
		why = "The mover and the seconder are two members of the group.";
	if (why) {
		meeting_page_with(req, res, &p, 400, why, NULL);
		return;
	}
	m.meeting_id = p.m.id;
	m.mover_id = mover;
	m.seconder_id = seconder;
	m.status = p.chair ? MOTION_AGENDA : MOTION_SUBMITTED;
	snprintf(m.title, sizeof(m.title), "%s", title);
	m.body = arena_strdup(&req->arena, body);
	if (motion_add(p.db, &m, now_s()) != 1) {
		page_sorry(req, res, "The motion could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id,
		   !p.chair   ? "motion.submit"
		   : m.amends ? "motion.amend"
			      : "motion.table",
		   m.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", m.amends ? m.amends : m.id));
}

/* The chair takes a motion on: a submitted one onto the agenda (with its
 * seconder), or ruled out of order with the ruling in words; one on the
 * agenda into debate. */
static void motion_state(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct motion m = { 0 };
	enum motion_status to;
	long id = route_id(&req->params, "id"), seconder = 0;

	int rc = meeting_or_answer(req, res, &p, OF_MOTION, &m, &f, 1);
	enum motion_status from = m.status;
	long mover = m.mover_id;
	motion_release(&m);
	if (rc)
		return;
	const char *want = qs_get(&f, "to"), *ruling = qs_get(&f, "ruling");
	const char *sec = qs_get(&f, "seconder"), *why = NULL;
	int status = 400;
	if (motion_status_parse(want, &to) ||
	    (to != MOTION_AGENDA && to != MOTION_DEBATE && to != MOTION_FELL))
		why = "Choose what happens to the motion: on the agenda, debate, or out of order.";
	else if (to == MOTION_FELL && (!ruling || !*ruling || strlen(ruling) > RULING_MAX))
		why = "Give the ruling in words (up to 300 characters): the meeting may challenge "
		      "it.";
	else if (to == MOTION_AGENDA && sec && *sec &&
		 ((seconder = member_id(&p, sec)) < 0 || seconder == mover))
		why = "The seconder is a member of the group other than the mover.";
	else if ((to == MOTION_FELL && from != MOTION_SUBMITTED) || !motion_step_allowed(from, to))
		status = 409, why = arena_printf(&req->arena, "That motion is %s: it cannot be %s.",
						 motion_status_words(from),
						 to == MOTION_AGENDA   ? "put on the agenda"
						 : to == MOTION_DEBATE ? "debated"
								       : "ruled out of order");
	if (why) {
		meeting_page_with(req, res, &p, status, why, NULL);
		return;
	}
	char *outcome =
	    to == MOTION_FELL
		? arena_printf(&req->arena, "Ruled out of order by the chair: %s", ruling)
		: NULL;
	rc = to == MOTION_AGENDA
		 ? motion_accept(p.db, id, seconder)
		 : motion_move(p.db, id, from, to, outcome, to == MOTION_FELL ? ruling : NULL);
	if (rc < 0) {
		page_sorry(req, res, "The motion could not be saved.", &p.w);
		return;
	}
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409, "Someone changed that motion meanwhile.",
				  NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id,
		   to == MOTION_AGENDA	 ? "motion.accept"
		   : to == MOTION_DEBATE ? "motion.debate"
					 : "motion.rule_out",
		   id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", id));
}

/*
 * A procedural motion from the floor, on a motion or an amendment on the
 * agenda or in debate (a challenge on the chair's ruling, with the
 * motion it ruled out of order if any).  The chair enters it for its
 * mover; a member present and entitled to vote moves their own.
 */
static void procedural_create(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct motion m = { 0 }, on = { 0 };
	enum procedure kind = PROC_NONE;
	int have_on = 0;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 0))
		return;
	const char *k = qs_get(&f, "kind"), *o = qs_get(&f, "on"), *to = qs_get(&f, "to");
	const char *ruling = qs_get(&f, "ruling"), *why = NULL;
	long mover = p.chair ? member_id(&p, qs_get(&f, "mover")) : p.w.actor.id, oid = 0;
	if (!p.chair && !(p.present && p.weight > 0)) {
		meeting_page_with(req, res, &p, 403,
				  "Check in to the meeting to move a procedural motion.", NULL);
		return;
	}
	if (o && *o &&
	    (num_parse_long(o, strlen(o), 1, 1L << 40, &oid) || motion_get(p.db, oid, &on) != 1 ||
	     on.meeting_id != p.m.id || on.procedure))
		why = "A procedural motion is moved on a motion or an amendment of this meeting.";
	else
		have_on = oid > 0;
	if (why)
		;
	else if (procedure_parse(k, &kind))
		why = "Choose the procedural motion.";
	else if (mover < 0)
		why = "The mover is a member of the group.";
	else if (kind != PROC_CHALLENGE && !have_on)
		why = "Choose the motion or amendment it is moved on.";
	else if (kind != PROC_CHALLENGE && on.status != MOTION_AGENDA && on.status != MOTION_DEBATE)
		why = "It is moved on a motion or amendment on the agenda and not yet put.";
	else if (kind == PROC_CHALLENGE && have_on && !*on.ruling)
		why = "The chair made no ruling on that motion.";
	else if (kind == PROC_CHALLENGE && !have_on &&
		 (!ruling || !*ruling || strlen(ruling) > RULING_MAX))
		why = "Give the ruling challenged, in words (up to 300 characters).";
	else if (kind == PROC_REFER && (!to || !*to || strlen(to) > 120))
		why = "Name the body it is referred to (up to 120 characters).";
	if (why) {
		motion_release(&on);
		meeting_page_with(req, res, &p, 400, why, NULL);
		return;
	}
	char text[MOTION_TITLE_MAX + RULING_MAX + 200];
	procedure_text(kind, on.title,
		       kind == PROC_REFER ? to
		       : have_on	  ? on.ruling
					  : ruling,
		       text, sizeof(text));
	motion_release(&on);
	static const char *const titles[] = { "", "Closure", "Next business", "Refer",
					      "Challenge to the chair" };
	m.meeting_id = p.m.id;
	m.mover_id = mover;
	m.procedure = kind;
	m.target = oid;
	m.majority = procedure_majority(kind, p.m.procedural_majority);
	m.status = MOTION_AGENDA;
	snprintf(m.title, sizeof(m.title), "%s", titles[kind]);
	m.body = text;
	if (motion_add(p.db, &m, now_s()) != 1) {
		page_sorry(req, res, "The procedural motion could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, "motion.procedural", m.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", m.id));
}

/* The chair groups incompatible amendments: when one is carried, the
 * others fall. */
static void amendment_group_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct motion m = { 0 };
	long id = route_id(&req->params, "id"), with = 0;

	int rc = meeting_or_answer(req, res, &p, OF_MOTION, &m, &f, 1);
	motion_release(&m);
	if (rc)
		return;
	const char *w = qs_get(&f, "with");
	if (w && *w && num_parse_long(w, strlen(w), 1, 1L << 40, &with)) {
		meeting_page_with(req, res, &p, 400, "Choose an amendment to group it with.", NULL);
		return;
	}
	rc = amendment_group(p.db, id, with);
	if (rc < 0) {
		page_sorry(req, res, "The amendments could not be grouped.", &p.w);
		return;
	}
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409,
				  "Only undecided amendments to the same motion are grouped.",
				  NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id, with ? "motion.group" : "motion.ungroup", id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", id));
}

/* 0 and the vote opened, or an answer: no vote without a quorum. */
static int open_vote(struct http_request *req, struct http_response *res, struct place *p,
		     struct vote *v)
{
	struct meeting_strength st = { 0 };
	v->meeting_id = p->m.id;
	if (meeting_strength(p->db, p->m.id, &st) != 1) {
		page_sorry(req, res, "The vote could not be opened.", &p->w);
		return -1;
	}
	v->members = st.members;
	v->present = st.present;
	v->weight_members = st.weight_members;
	v->weight_present = st.weight_present;
	v->quorum = quorum_needed(&p->m.quorum, v->members);
	if (v->present < v->quorum || v->present == 0) {
		meeting_page_with(
		    req, res, p, 409,
		    arena_printf(&req->arena,
				 "The meeting is not quorate (%ld present, %ld needed):"
				 " no vote can be taken.",
				 v->present, v->quorum),
		    NULL);
		return -1;
	}
	int rc = vote_open(p->db, v, now_s());
	if (rc == 0)
		meeting_page_with(req, res, p, 409,
				  "That motion has been put or decided meanwhile.", NULL);
	else if (rc != 1)
		page_sorry(req, res, "The vote could not be opened.", &p->w);
	return rc == 1 ? 0 : -1;
}

static void motion_vote(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct vote v = { 0 };
	struct motion m = { 0 };
	long id = route_id(&req->params, "id");

	int rc = meeting_or_answer(req, res, &p, OF_MOTION, &m, &f, 1);
	int blocked = rc ? 0 : motion_blocked(p.db, &m);
	enum motion_status st = m.status;
	/* an amendment that clashes with one carried since is not put */
	char *wording = NULL;
	int merges = rc || !m.amends ? 1 : amendment_wording(p.db, &m, &wording);
	free(wording);
	motion_release(&m);
	if (rc)
		return;
	if (!motion_step_allowed(st, MOTION_VOTING)) {
		meeting_page_with(req, res, &p, 409,
				  arena_printf(&req->arena, "That motion is %s: it cannot be put.",
					       motion_status_words(st)),
				  NULL);
		return;
	}
	if (blocked || merges != 1) {
		meeting_page_with(req, res, &p, 409,
				  blocked > 0 ? block_words[blocked]
				  : merges == 0
				      ? "That amendment changes lines an amendment carried"
					" since has changed: it may be withdrawn and submitted"
					" anew against the motion as it now reads."
				      : "The vote could not be opened.",
				  NULL);
		return;
	}
	v.motion_id = id;
	v.named = qs_get(&f, "named") && !strcmp(qs_get(&f, "named"), "1");
	if (open_vote(req, res, &p, &v))
		return;
	audit_note(p.db, p.w.actor.id, "vote.open", v.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", id));
}

/* ---- elections ---- */

static void election_create(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct meeting_election *e = xcalloc(1, sizeof(*e));
	long seats = 0;

	if (!e || meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1)) {
		free(e);
		return;
	}
	const char *post = qs_get(&f, "post"), *s = qs_get(&f, "seats");
	const char *method = qs_get(&f, "method"), *list = qs_get(&f, "candidates");
	const char *why = NULL;
	if (!post || !*post || strlen(post) > ELECTION_POST_MAX)
		why = "Name the post (up to 120 characters).";
	else if (!s || num_parse_long(s, strlen(s), 1, 20, &seats))
		why = "The number of places is 1 to 20.";
	else if (count_rule_parse(method, &e->rule))
		why = "Choose IRV, STV or a block vote.";
	else if (e->rule == RULE_IRV && seats != 1)
		why = "IRV fills one place: choose STV for more.";
	/* one candidate a line; the same name twice is refused */
	for (const char *c = list; !why && c && *c;) {
		const char *nl = strchr(c, '\n');
		size_t n = nl ? (size_t)(nl - c) : strlen(c);
		while (n && (c[n - 1] == '\r' || c[n - 1] == ' '))
			n--;
		while (n && *c == ' ')
			c++, n--;
		if (n) {
			if (n > CANDIDATE_NAME_MAX || e->ncand == ELECTION_CANDIDATES_MAX ||
			    memchr(c, '"', n))
				why = "Up to 30 candidates, one a line, each name up to 100 "
				      "characters"
				      " (no quotation marks).";
			else {
				memcpy(e->cand[e->ncand], c, n);
				e->cand[e->ncand][n] = '\0';
				for (int k = 0; k < e->ncand; k++)
					if (!strcmp(e->cand[k], e->cand[e->ncand]))
						why = "A candidate is listed twice.";
				e->ncand++;
			}
		}
		c = nl ? nl + 1 : c + strlen(c);
	}
	/* "re-open nominations": a candidate the meeting can prefer to all */
	const char *ron = qs_get(&f, "ron");
	if (!why && ron && !strcmp(ron, "1")) {
		if (e->ncand == ELECTION_CANDIDATES_MAX)
			why = "Up to 30 candidates, with re-open nominations among them.";
		else
			snprintf(e->cand[e->ncand++], sizeof(e->cand[0]),
				 "Re-open nominations (RON)");
	}
	if (!why && e->ncand < seats)
		why = "There are fewer candidates than places.";
	if (why) {
		meeting_page_with(req, res, &p, 400, why, NULL);
		free(e);
		return;
	}
	e->meeting_id = p.m.id;
	snprintf(e->post, sizeof(e->post), "%s", post);
	e->seats = (int)seats;
	if (election_add(p.db, e, now_s()) != 1) {
		page_sorry(req, res, "The election could not be saved.", &p.w);
		free(e);
		return;
	}
	audit_note(p.db, p.w.actor.id, "election.create", e->id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "election-%ld", e->id));
	free(e);
}

static void election_vote(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct meeting_election *e = xmalloc(sizeof(*e));
	struct vote v = { 0 };
	long id = route_id(&req->params, "id");

	if (meeting_or_answer(req, res, &p, OF_ELECTION, e, &f, 1))
		goto done;
	if (vote_latest(p.db, 0, id, &v) == 1) {
		meeting_page_with(req, res, &p, 409,
				  "That election's ballot has been opened already.", NULL);
		goto done;
	}
	memset(&v, 0, sizeof(v));
	v.election_id = id;
	if (open_vote(req, res, &p, &v))
		goto done;
	audit_note(p.db, p.w.actor.id, "vote.open", v.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "election-%ld", id));
done:
	free(e);
}

/* A balance rule for an election whose ballot has not opened: the
 * candidates ticked as the meeting's group, at least min and at most max
 * of the places, and whether they count towards the minimum across posts. */
static void election_balance(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct meeting_election *e = xmalloc(sizeof(*e));
	struct election_balance b = { .max = -1 };
	const char *why = NULL;
	int ticked = 0;
	long min = 0, max = -1;

	if (meeting_or_answer(req, res, &p, OF_ELECTION, e, &f, 1))
		goto done;
	for (int i = 0; i < e->ncand; i++) {
		const char *v = qs_get(&f, arena_printf(&req->arena, "member_%d", i + 1));
		b.member[i] = v && !strcmp(v, "1");
		ticked += b.member[i];
	}
	const char *smin = qs_get(&f, "min"), *smax = qs_get(&f, "max"),
		   *across = qs_get(&f, "across");
	if (smin && *smin && num_parse_long(smin, strlen(smin), 0, e->seats, &min))
		why = "The minimum is a number of places, 0 to the places to fill.";
	else if (smax && *smax && num_parse_long(smax, strlen(smax), min, e->seats, &max))
		why = "The maximum is a number of places, from the minimum to the places to fill.";
	else if (min > ticked)
		why = "Tick at least as many candidates as the minimum.";
	if (why) {
		meeting_page_with(req, res, &p, 400, why, NULL);
		goto done;
	}
	b.min = (int)min;
	b.max = (int)max;
	b.across = across && !strcmp(across, "1");
	b.on = ticked || b.min || b.max >= 0 || b.across;
	int rc = election_set_balance(p.db, e->id, &b);
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409,
				  "That election's ballot has opened: its rules are fixed.", NULL);
		goto done;
	}
	if (rc < 0) {
		page_sorry(req, res, "The rule could not be saved.", &p.w);
		goto done;
	}
	audit_note(p.db, p.w.actor.id, "election.balance", e->id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "election-%ld", e->id));
done:
	free(e);
}

/* The meeting's balance group, and how many places across the posts
 * marked for it the group must hold. */
static void meeting_balance(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	long min = 0;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1))
		return;
	const char *group = qs_get(&f, "group"), *smin = qs_get(&f, "posts_min");
	size_t n = group ? strlen(group) : 0;
	int printable = n > 0;
	for (size_t i = 0; i < n; i++)
		printable &= (unsigned char)group[i] >= 0x20 && group[i] != 0x7f;
	if (!printable || n >= COUNT_GROUP_NAME) {
		meeting_page_with(req, res, &p, 400, "Name the group in up to 39 characters.",
				  NULL);
		return;
	}
	if (smin && *smin && num_parse_long(smin, strlen(smin), 0, 100, &min)) {
		meeting_page_with(req, res, &p, 400, "The places across posts are 0 to 100.", NULL);
		return;
	}
	if (meeting_set_balance(p.db, p.m.id, group, (int)min) != 1) {
		page_sorry(req, res, "The rule could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, "meeting.balance", p.m.id, NULL);
	back(res, req, p.m.id, "balance");
}

static void item_create(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct agenda_item it = { 0 };
	long minutes = 0;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1))
		return;
	const char *title = qs_get(&f, "title"), *mins = qs_get(&f, "minutes");
	const char *alt = qs_get(&f, "alternation"), *first = qs_get(&f, "first_time");
	const char *why = NULL;
	if (!title || !*title || strlen(title) > ITEM_TITLE_MAX)
		why = "Give the item a title of up to 160 characters.";
	else if (mins && *mins && num_parse_long(mins, strlen(mins), 0, 60, &minutes))
		why = "The time for each speech is 0 (no limit) to 60 minutes.";
	else if (alternation_parse(alt && *alt ? alt : "none", &it.alternation))
		why = "Choose the order speakers are called in.";
	if (why) {
		meeting_page_with(req, res, &p, 400, why, NULL);
		return;
	}
	it.meeting_id = p.m.id;
	snprintf(it.title, sizeof(it.title), "%s", title);
	it.speech_s = (int)minutes * 60;
	it.first_time = first && !strcmp(first, "1");
	int rc = item_add(p.db, &it, now_s());
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409, "The agenda is full (60 items).", NULL);
		return;
	}
	if (rc < 0) {
		page_sorry(req, res, "The item could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, "agenda.item", it.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "item-%ld", it.id));
}

/* A member present asks to speak on an item (saying, if they like, that
 * they count for the balance group), or takes the request back. */
static void item_speak(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct agenda_item it;

	if (meeting_or_answer(req, res, &p, OF_ITEM, &it, &f, 0))
		return;
	if (!p.present) {
		meeting_page_with(req, res, &p, 403, "Check in to the meeting to ask to speak.",
				  NULL);
		return;
	}
	const char *w = qs_get(&f, "withdraw"), *g = qs_get(&f, "in_group");
	int withdraw = w && !strcmp(w, "1");
	int rc = withdraw ? speaker_withdraw(p.db, it.id, p.w.actor.id)
			  : speaker_ask(p.db, it.id, p.w.actor.id, g && !strcmp(g, "1"), now_s());
	if (rc < 0) {
		page_sorry(req, res, "Your request could not be saved.", &p.w);
		return;
	}
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409,
				  withdraw ? "You are not waiting to speak on that item."
					   : "You are on that list already (or it is full).",
				  NULL);
		return;
	}
	back(res, req, p.m.id, arena_printf(&req->arena, "item-%ld", it.id));
}

/* The chair calls the next speaker by the item's rule, ending the speech
 * before; with no one waiting, just ends it. */
static void item_next(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct agenda_item it;

	if (meeting_or_answer(req, res, &p, OF_ITEM, &it, &f, 1))
		return;
	struct speakers_state *st = xmalloc(sizeof(*st));
	speakers_state(p.db, &it, st);
	long next = st->nwaiting ? st->rows[st->waiting[st->order[0]]].id : 0;
	int rc = speaker_next(p.db, it.id, next, now_s());
	free(st);
	if (rc <= 0) {
		if (rc == 0)
			meeting_page_with(req, res, &p, 409,
					  "The list changed as you called: look again.", NULL);
		else
			page_sorry(req, res, "The list could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, "agenda.next_speaker", it.id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "item-%ld", it.id));
}

/* ---- who votes: a committee's members, a conference's card votes ---- */

static void voter_set(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	long person = 0, weight = 0;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1))
		return;
	const char *ps = qs_get(&f, "person"), *ws = qs_get(&f, "weight");
	long max = p.m.body == BODY_CONFERENCE ? CARD_WEIGHT_MAX : 1;
	const char *why = NULL;
	if (p.m.body == BODY_MEMBERS)
		why = "Every member votes at a meeting of the whole group.";
	else if (!ps || num_parse_long(ps, strlen(ps), 1, LONG_MAX, &person) ||
		 group_role_of(p.db, p.m.group_id, person) == ROLE_NONE)
		why = "Choose one of the group's members.";
	else if (!ws || num_parse_long(ws, strlen(ws), 0, max, &weight))
		why = p.m.body == BODY_CONFERENCE
			  ? "A delegate's card vote is 1 to 1,000,000 (0 to take the vote away)."
			  : "Tick who sits on the committee.";
	if (why) {
		meeting_page_with(req, res, &p, 400, why, NULL);
		return;
	}
	if (meeting_set_voter(p.db, p.m.id, person, weight) != 1) {
		page_sorry(req, res, "The register could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, weight ? "meeting.voter" : "meeting.voter_removed", p.m.id,
		   arena_printf(&req->arena, "person %ld, weight %ld", person, weight));
	back(res, req, p.m.id, "register");
}

/* A voter gives their proxy to another, named by email address (members
 * do not see each other's names listed), or takes it back. */
static void proxy_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct person holder;
	char email[EMAIL_MAX_LEN + 1], ip[64];

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 0))
		return;
	if (p.m.proxies_max <= 0 || p.weight <= 0) {
		meeting_page_with(req, res, &p, 403,
				  p.m.proxies_max <= 0 ? "This meeting's rules allow no proxies."
						       : "Only the meeting's voters give proxies.",
				  NULL);
		return;
	}
	const char *back_s = qs_get(&f, "take_back");
	if (back_s && !strcmp(back_s, "1")) {
		if (proxy_take_back(p.db, p.m.id, p.w.actor.id) < 0) {
			page_sorry(req, res, "Your proxy could not be taken back.", &p.w);
			return;
		}
		audit_note(p.db, p.w.actor.id, "proxy.take_back", p.m.id, NULL);
		back(res, req, p.m.id, "proxy");
		return;
	}
	/* each try tells whether an address is a voter's: limited like a code */
	http_client_ip(req, ip, sizeof(ip));
	if (rate_limit(req, res, "meeting-proxy", ip,
		       &((struct app *)req->app)->auth.rates.token_ip, 0))
		return;
	const char *raw = qs_get(&f, "email");
	int found =
	    raw && !email_normalise(raw, email) && person_by_email(p.db, email, &holder) == 1;
	int rc = found ? proxy_give(p.db, &p.m, p.w.actor.id, holder.id, now_s()) : 0;
	if (rc < 0) {
		page_sorry(req, res, "Your proxy could not be saved.", &p.w);
		return;
	}
	if (rc == 0) {
		meeting_page_with(req, res, &p, 400,
				  found && holder.id == p.w.actor.id
				      ? "Give your proxy to someone else."
				      : "No other voter at this meeting has that address free to"
					" hold a proxy (each may hold a limited number).",
				  NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id, "proxy.give", p.m.id,
		   arena_printf(&req->arena, "to person %ld", holder.id));
	back(res, req, p.m.id, "proxy");
}

/* ---- ballots and results ---- */

/* A ranking from the form (rank_<candidate> = 1, 2, …): the candidates'
 * numbers in order of preference, or an error to show. */
static const char *ranking(struct http_request *req, const struct qs *f,
			   const struct meeting_election *e, char **out)
{
	int order[ELECTION_CANDIDATES_MAX] = { 0 }, used = 0;

	for (int c = 0; c < e->ncand; c++) {
		const char *v = qs_get(f, arena_printf(&req->arena, "rank_%d", c + 1));
		long r;
		if (!v || !*v)
			continue;
		if (num_parse_long(v, strlen(v), 1, e->ncand, &r))
			return "A preference is a number from 1 to the number of candidates.";
		if (order[r - 1])
			return "Each preference (1, 2, 3…) goes to one candidate only.";
		order[r - 1] = c + 1;
		used++;
	}
	if (!used)
		return "Put 1 against the candidate you want most.";
	char *s = arena_alloc(&req->arena, (size_t)used * 4 + 1);
	size_t n = 0;
	for (int r = 0; r < used; r++) {
		if (!order[r])
			return "Number your preferences 1, 2, 3… without a gap.";
		n += (size_t)sprintf(s + n, "%s%d", r ? " " : "", order[r]);
	}
	*out = s;
	return NULL;
}

/* A ballot on its way through the group-commit writer (db/writer.h): a
 * conference's delegates all vote in the same minute. */
struct ballot_job {
	struct web_write w; /* first: the writer's view */
	long vote_id, person_id, by_proxy, weight;
	char for_name[128]; /* a proxy's giver, for the answer */
	char choice[ELECTION_CANDIDATES_MAX * 3 + 1];
	const char *said; /* "For", "Against", "Abstain"; NULL for a ranking */
	char receipt[RECEIPT_LEN + 1];
	int cast; /* 1 cast, 0 already voted, -1 the vote closed first */
};

static int ballot_apply(struct db *db, struct db_job *job)
{
	struct ballot_job *b = (struct ballot_job *)job;
	struct ballot_in in = { b->vote_id, b->person_id, b->by_proxy, b->weight, b->choice };
	return ballot_put(db, &in, b->receipt, &b->cast);
}

static void ballot_answer(struct http_request *req, struct http_response *res, struct ballot_job *b)
{
	struct place p;
	struct vote v;

	if (meeting_or_answer(req, res, &p, OF_VOTE, &v, NULL, 0))
		return;
	if (!b->w.ok) {
		page_sorry(req, res, "Your ballot could not be saved: please vote again.", &p.w);
		return;
	}
	if (b->cast <= 0) {
		meeting_page_with(req, res, &p, 409,
				  b->cast != 0	? "That vote has closed."
				  : b->by_proxy ? "That proxy has been used in this ballot already."
						: "You have voted in this ballot already.",
				  NULL);
		return;
	}
	meeting_page_with(
	    req, res, &p, 200, NULL,
	    *b->receipt
		? arena_printf(&req->arena,
			       "Your vote%s%s%s is recorded%s%s. Your receipt is %s: once the"
			       " vote closes, it is in the list of ballots counted.",
			       b->by_proxy ? " for " : "", b->by_proxy ? b->for_name : "",
			       b->by_proxy ? " (by proxy)" : "", b->said ? ": " : "",
			       b->said ? b->said : "", b->receipt)
		: arena_printf(&req->arena,
			       "Your vote is recorded: %s. This is a named vote: the record"
			       " shows how each member voted.",
			       b->said ? b->said : ""));
}

static void ballot(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct vote v;
	struct meeting_election *e = NULL;

	if (req->pending) {
		ballot_answer(req, res, req->pending);
		return;
	}
	if (meeting_or_answer(req, res, &p, OF_VOTE, &v, &f, 0))
		return;
	/* for oneself, entitled and present; or for an absent member whose
	 * proxy one holds (and is present to use) */
	const char *for_s = qs_get(&f, "for");
	long giver = 0, weight = p.weight;
	char giver_name[128] = "";
	if (for_s && *for_s &&
	    (num_parse_long(for_s, strlen(for_s), 1, LONG_MAX, &giver) ||
	     proxy_valid(p.db, p.m.id, giver, p.w.actor.id, &weight, giver_name,
			 sizeof(giver_name)) != 1))
		giver = -1;
	const char *why = !v.open      ? "That vote has closed."
			  : !p.member  ? "Only members of the group vote."
			  : giver < 0  ? "You hold no proxy for that member in this vote."
			  : !p.present ? "Check in to the meeting to vote."
			  : !weight    ? "Only the meeting's voting members vote."
				       : NULL;
	const char *choice = qs_get(&f, "choice");
	char *ranked = NULL;
	if (!why && v.motion_id &&
	    (!choice ||
	     (strcmp(choice, "for") && strcmp(choice, "against") && strcmp(choice, "abstain"))))
		why = "Choose for, against or abstain.";
	if (!why && v.election_id) {
		e = xmalloc(sizeof(*e));
		why = election_get(p.db, v.election_id, e) != 1 ? "There is no such election."
								: ranking(req, &f, e, &ranked);
		free(e);
	}
	if (why) {
		/* not entitled, or not here: refused as such; a closed vote is a conflict */
		int status = !v.open						 ? 409
			     : (!p.member || !p.present || giver < 0 || !weight) ? 403
										 : 400;
		meeting_page_with(req, res, &p, status, why, NULL);
		return;
	}
	struct ballot_job *b = arena_alloc(&req->arena, sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->vote_id = v.id;
	b->person_id = giver > 0 ? giver : p.w.actor.id;
	b->by_proxy = giver > 0 ? p.w.actor.id : 0;
	b->weight = weight;
	snprintf(b->for_name, sizeof(b->for_name), "%s", giver_name);
	snprintf(b->choice, sizeof(b->choice), "%s", v.motion_id ? choice : ranked);
	b->said = v.motion_id ? choice_word(choice) : NULL;
	web_write_suspend(req, res, &b->w, ballot_apply);
}

/* a card vote's ballot is as many identical papers as its weight */
static void blt_line(const char *receipt, const char *choice, long weight, void *arg)
{
	(void)receipt;
	buf_printf(arg, "%ld %s 0\n", weight, choice);
}

/* The election's ballots as a BLT file: the form anyone can recount. */
static void election_blt(struct db *db, const struct meeting_election *e, long vote_id,
			 struct buf *b)
{
	buf_printf(b, "%d %d\n", e->ncand, e->seats);
	vote_ballots(db, vote_id, blt_line, b);
	buf_puts(b, "0\n");
	for (int i = 0; i < e->ncand; i++)
		buf_printf(b, "\"%s\"\n", e->cand[i]);
	buf_printf(b, "\"%s\"\n", e->post);
}

static int count_election(struct http_request *req, struct place *p,
			  const struct meeting_election *e, const struct vote *v)
{
	struct buf blt, json;
	struct ballots b;
	struct count_result r;
	char err[256];
	int rc = -1;

	buf_init(&blt, 64u << 20);
	buf_init(&json, 16u << 20);
	election_blt(p->db, e, v->id, &blt);
	buf_putc(&blt, '\0');
	if (blt_parse(blt.p, blt.len - 1, &b, err, sizeof(err)) == 0) {
		struct count_rules rules;
		election_rules(p, e, &rules);
		if (count_run(&b, &rules, &r, err, sizeof(err)) == 0) {
			count_report_json(&b, &r, &json);
			char *words = arena_printf(&req->arena, "Elected: ");
			for (int i = 0; i < r.nelected; i++)
				words = arena_printf(&req->arena, "%s%s%s", words, i ? ", " : "",
						     b.names[r.elected[i]]);
			words = arena_printf(
			    &req->arena,
			    "%s (%s, %lld ballot%s, %d stage%s; %ld of %ld members"
			    " present, quorum %ld).",
			    words, method_short(e), b.papers, b.papers == 1 ? "" : "s", r.nstages,
			    r.nstages == 1 ? "" : "s", v->present, v->members, v->quorum);
			rc = json.overflow
				 ? -1
				 : vote_close_election(p->db, v->id, json.p, words, now_s());
			count_release(&r);
		}
		ballots_release(&b);
	}
	buf_release(&blt);
	buf_release(&json);
	return rc;
}

/* The closure carried: the question it was moved on is put at once, with
 * the quorum as it stands.  1 when answered here. */
static int closure_carried(struct http_request *req, struct http_response *res, struct place *p,
			   long motion_id)
{
	struct motion m = { 0 }, on = { 0 };
	struct vote v = { 0 };
	int rc = motion_get(p->db, motion_id, &m);
	int put = rc == 1 && m.procedure == PROC_CLOSURE && m.status == MOTION_CARRIED &&
		  motion_get(p->db, m.target, &on) == 1 &&
		  motion_step_allowed(on.status, MOTION_VOTING) &&
		  motion_blocked(p->db, &on) == BLOCK_NONE;
	motion_release(&m);
	motion_release(&on);
	if (!put)
		return 0;
	v.motion_id = on.id;
	if (open_vote(req, res, p, &v))
		return 1;
	audit_note(p->db, p->w.actor.id, "vote.open", v.id, NULL);
	back(res, req, p->m.id, arena_printf(&req->arena, "motion-%ld", on.id));
	return 1;
}

static void vote_close_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct vote v;
	long id = route_id(&req->params, "id");
	struct meeting_election *e = NULL;
	int rc;

	if (meeting_or_answer(req, res, &p, OF_VOTE, &v, &f, 1))
		return;
	if (!v.open) {
		meeting_page_with(req, res, &p, 409, "That vote has closed already.", NULL);
		return;
	}
	if (v.motion_id) {
		/* a show of hands: the chair's count, instead of ballots */
		struct tally hands = { 0 };
		const char *h = qs_get(&f, "hands");
		if (h && !strcmp(h, "1")) {
			static const char *const keys[] = { "yes", "no", "abstain" };
			long n[3];
			for (int k = 0; k < 3; k++) {
				const char *x = qs_get(&f, keys[k]);
				if (!x ||
				    num_parse_long(x, strlen(x), 0, v.weight_present, &n[k])) {
					meeting_page_with(
					    req, res, &p, 400,
					    "Enter the hands for, against and abstaining:"
					    " numbers from 0 to those present.",
					    NULL);
					return;
				}
			}
			if (n[0] + n[1] + n[2] > v.weight_present) {
				meeting_page_with(
				    req, res, &p, 400,
				    p.m.body == BODY_CONFERENCE
					? "More card votes than the delegates present hold."
					: "More hands than members present.",
				    NULL);
				return;
			}
			hands = (struct tally){ n[0],
						n[1],
						n[2],
						v.weight_present,
						v.weight_members,
						p.m.body == BODY_CONFERENCE };
		}
		rc = vote_close_motion(p.db, id, h && !strcmp(h, "1") ? &hands : NULL, now_s());
		if (rc == 0) {
			meeting_page_with(req, res, &p, 409,
					  "Ballots have been cast: the vote is counted from them.",
					  NULL);
			return;
		}
	} else {
		e = xmalloc(sizeof(*e));
		rc = e && election_get(p.db, v.election_id, e) == 1 ? count_election(req, &p, e, &v)
								    : -1;
		free(e);
	}
	if (rc != 1) {
		page_sorry(req, res, "The vote could not be closed and counted.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, "vote.close", id, NULL);
	if (v.motion_id && closure_carried(req, res, &p, v.motion_id))
		return;
	back(res, req, p.m.id,
	     v.motion_id ? arena_printf(&req->arena, "motion-%ld", v.motion_id)
			 : arena_printf(&req->arena, "election-%ld", v.election_id));
}

static void receipt_item(const char *receipt, const char *choice, long weight, void *arg)
{
	(void)choice;
	(void)weight;
	json_array_append_new(arg, json_string(receipt));
}

/* Every receipt of a closed vote: a voter finds theirs among the counted. */
static void receipts_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct vote v;
	long id = route_id(&req->params, "id");

	if (meeting_or_answer(req, res, &p, OF_VOTE, &v, NULL, 0))
		return;
	if (v.open) {
		page_message(req, res, 409, "Still open",
			     "The receipts are published when the vote closes.", &p.w);
		return;
	}
	json_t *list = json_array();
	vote_ballots(p.db, id, receipt_item, list);
	page_render(req, res, 200, "receipts",
		    json_pack("{s:s, s:I, s:s, s:o, s:I}", "title", "Ballots counted", "meeting_id",
			      (json_int_t)p.m.id, "result", v.result, "receipts", list, "n",
			      (json_int_t)json_array_size(list)),
		    &p.w);
}

static void ballots_blt(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct vote v;
	struct meeting_election *e = xmalloc(sizeof(*e));
	long id = route_id(&req->params, "id");

	if (meeting_or_answer(req, res, &p, OF_ELECTION, e, NULL, 0))
		goto done;
	if (vote_latest(p.db, 0, id, &v) != 1 || v.open) {
		page_message(req, res, 409, "Not counted yet",
			     "The ballots are published when the election closes.", &p.w);
		goto done;
	}
	election_blt(p.db, e, v.id, &res->body);
	res->status = 200;
	res->content_type = "text/plain; charset=utf-8";
	http_set_header(res, "Content-Disposition",
			arena_printf(&req->arena, "attachment; filename=\"election-%ld.blt\"", id));
done:
	free(e);
}

/* The chair withdraws a motion for its mover; a member their own motion
 * while it is only submitted. */
static void motion_withdraw_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;
	struct motion m = { 0 };
	long id = route_id(&req->params, "id");

	int rc = meeting_or_answer(req, res, &p, OF_MOTION, &m, &f, 0);
	enum motion_status from = m.status;
	long mover = m.mover_id;
	motion_release(&m);
	if (rc)
		return;
	if (!p.chair && !(from == MOTION_SUBMITTED && mover == p.w.actor.id)) {
		meeting_page_with(req, res, &p, 403,
				  "The chair withdraws a motion on the agenda, for its mover.",
				  NULL);
		return;
	}
	rc = motion_step_allowed(from, MOTION_WITHDRAWN)
		 ? motion_move(p.db, id, from, MOTION_WITHDRAWN, NULL, NULL)
		 : 0;
	if (rc < 0) {
		page_sorry(req, res, "The motion could not be withdrawn.", &p.w);
		return;
	}
	if (rc == 0) {
		meeting_page_with(req, res, &p, 409, "Only a motion not yet put can be withdrawn.",
				  NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id, "motion.withdraw", id, NULL);
	back(res, req, p.m.id, arena_printf(&req->arena, "motion-%ld", id));
}

/* The draft minutes, from the meeting's own record. */
struct minutes {
	struct http_request *req;
	struct db *db;
	struct buf *b;
	int item;
	long present, absent;
	char *present_names, *absent_names, *attending_names, *apologies_names;
};

/* voters present and absent; members with no vote who came, apart */
static void minutes_roll(const struct roll_row *r, void *arg)
{
	struct minutes *mn = arg;
	if (!r->weight && !r->present)
		return;
	char **list = !r->weight     ? &mn->attending_names
		      : r->present   ? &mn->present_names
		      : r->apologies ? &mn->apologies_names
				     : &mn->absent_names;
	*list = arena_printf(&mn->req->arena, "%s%s%s", *list, **list ? ", " : "", r->name);
	if (r->weight && r->present)
		mn->present++;
	else if (r->weight)
		mn->absent++;
}

static void minutes_motion(const struct motion *m, void *arg)
{
	struct minutes *mn = arg;
	struct vote v;
	if (m->procedure)
		buf_printf(mn->b, "   Procedural motion (%s)", m->title);
	else if (m->amends)
		buf_printf(mn->b, "   Amendment \"%s\"", m->title);
	else
		buf_printf(mn->b, "\n%d. Motion: %s", ++mn->item, m->title);
	if (m->mover)
		buf_printf(mn->b, " (moved by %s%s%s)", m->mover,
			   m->seconder ? ", seconded by " : "", m->seconder ? m->seconder : "");
	buf_puts(mn->b, m->procedure ? ": " : m->amends ? ", to read: " : "\n   ");
	buf_printf(mn->b, "\"%s\"\n", m->body);
	if (vote_latest(mn->db, m->id, 0, &v) == 1 && !v.open)
		buf_printf(mn->b, "   %s\n", v.result);
	else if (*m->outcome)
		buf_printf(mn->b, "   %s\n", m->outcome);
	else if (m->status == MOTION_WITHDRAWN)
		buf_puts(mn->b, "   Withdrawn.\n");
	else if (m->status == MOTION_SUBMITTED)
		buf_puts(mn->b, "   Submitted; not taken.\n");
	else
		buf_puts(mn->b, "   Not put to the vote.\n");
}

static void minutes_election(const struct meeting_election *e, const char *report, void *arg)
{
	struct minutes *mn = arg;
	struct vote v;
	(void)report;
	buf_printf(mn->b, "\n%d. Election: %s (%d to elect; candidates:", ++mn->item, e->post,
		   e->seats);
	for (int i = 0; i < e->ncand; i++)
		buf_printf(mn->b, "%s %s", i ? "," : "", e->cand[i]);
	buf_puts(mn->b, ")\n");
	if (vote_latest(mn->db, 0, e->id, &v) == 1 && !v.open)
		buf_printf(mn->b, "   %s\n", v.result);
	else
		buf_puts(mn->b, "   Not held.\n");
}

static void minutes_draft(struct http_request *req, struct place *p, struct buf *b)
{
	struct minutes mn = { req, p->db, b, 0, 0, 0, "", "", "", "" };
	struct tm tm;
	char day[64], group[128] = "";

	london_tm((time_t)p->m.starts_at, &tm);
	london_day((time_t)p->m.starts_at, DAY_LONG_YEAR, day, sizeof(day));
	group_name(p->db, p->m.group_id, group, sizeof(group));
	meeting_roll(p->db, &p->m, minutes_roll, &mn);
	buf_printf(b, "Minutes of %s, a meeting of %s, %s at %02d:%02d.\n\n", p->m.title, group,
		   day, tm.tm_hour, tm.tm_min);
	buf_printf(b, "Present (%ld of %ld members): %s.\n", mn.present, mn.present + mn.absent,
		   mn.present ? mn.present_names : "none");
	if (*mn.apologies_names)
		buf_printf(b, "Apologies: %s.\n", mn.apologies_names);
	if (*mn.absent_names)
		buf_printf(b, "Absent: %s.\n", mn.absent_names);
	if (*mn.attending_names)
		buf_printf(b, "Also present (not voting): %s.\n", mn.attending_names);
	buf_printf(b, "Quorum: %ld (%d%% of the members, and at least %d).\n",
		   quorum_needed(&p->m.quorum, mn.present + mn.absent), p->m.quorum.pct,
		   p->m.quorum.min);
	motions_each(p->db, p->m.id, minutes_motion, &mn);
	elections_each(p->db, p->m.id, minutes_election, &mn);
}

static void minutes_page(struct http_request *req, struct http_response *res)
{
	struct place p;
	char *text = NULL;
	int published = 0;
	struct buf draft;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, NULL, 0))
		return;
	int have = meeting_minutes_get(p.db, p.m.id, &text, &published);
	if (!p.chair && (have != 1 || !published)) {
		free(text);
		page_message(req, res, 404, "Not published yet",
			     "The secretary has not published the minutes of this meeting yet.",
			     &p.w);
		return;
	}
	buf_init(&draft, 1u << 20);
	if (have != 1)
		minutes_draft(req, &p, &draft);
	page_render(req, res, 200, "minutes",
		    json_pack("{s:s, s:I, s:s, s:b, s:b}", "title", p.m.title, "id",
			      (json_int_t)p.m.id, "text",
			      have == 1 ? text
			      : draft.p ? draft.p
					: "",
			      "chair", p.chair, "published", published),
		    &p.w);
	buf_release(&draft);
	free(text);
}

static void minutes_save(struct http_request *req, struct http_response *res)
{
	struct place p;
	struct qs f;

	if (meeting_or_answer(req, res, &p, OF_MEETING, NULL, &f, 1))
		return;
	const char *text = qs_get(&f, "text"), *pub = qs_get(&f, "publish");
	if (!text || !*text || strlen(text) > 60000) {
		meeting_page_with(req, res, &p, 400,
				  "The minutes are some text, up to 60,000 characters.", NULL);
		return;
	}
	int publish = pub && !strcmp(pub, "1");
	if (meeting_minutes_set(p.db, p.m.id, text, publish) != 1) {
		page_sorry(req, res, "The minutes could not be saved.", &p.w);
		return;
	}
	audit_note(p.db, p.w.actor.id, publish ? "minutes.publish" : "minutes.save", p.m.id, NULL);
	http_redirect(res, arena_printf(&req->arena, "/meetings/%ld/minutes", p.m.id));
}

const struct http_route meetings_routes[] = {
	{ "GET", "/groups/{id}/meetings/new", meeting_new_page, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/meetings", meeting_create_page, ROUTE_PAGE, NULL },
	{ "GET", "/meetings/{id}", meeting_page, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/checkin", checkin, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/apologies", apologies, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/present", presence, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/motions", motion_create, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/elections", election_create, ROUTE_PAGE, NULL },
	{ "GET", "/meetings/{id}/minutes", minutes_page, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/minutes", minutes_save, ROUTE_PAGE, NULL },
	{ "POST", "/motions/{id}/vote", motion_vote, ROUTE_PAGE, NULL },
	{ "POST", "/motions/{id}/withdraw", motion_withdraw_page, ROUTE_PAGE, NULL },
	{ "POST", "/motions/{id}/state", motion_state, ROUTE_PAGE, NULL },
	{ "POST", "/motions/{id}/group", amendment_group_page, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/procedural", procedural_create, ROUTE_PAGE, NULL },
	{ "POST", "/elections/{id}/vote", election_vote, ROUTE_PAGE, NULL },
	{ "POST", "/elections/{id}/balance", election_balance, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/balance", meeting_balance, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/voters", voter_set, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/items", item_create, ROUTE_PAGE, NULL },
	{ "POST", "/items/{id}/speak", item_speak, ROUTE_PAGE, NULL },
	{ "POST", "/items/{id}/next", item_next, ROUTE_PAGE, NULL },
	{ "POST", "/meetings/{id}/proxy", proxy_page, ROUTE_PAGE, NULL },
	{ "GET", "/elections/{id}/ballots.blt", ballots_blt, ROUTE_PAGE, NULL },
	{ "POST", "/votes/{id}/ballot", ballot, ROUTE_PAGE, NULL },
	{ "POST", "/votes/{id}/close", vote_close_page, ROUTE_PAGE, NULL },
	{ "GET", "/votes/{id}/receipts", receipts_page, ROUTE_PAGE, NULL },
};
const size_t meetings_nroutes = sizeof(meetings_routes) / sizeof(meetings_routes[0]);
