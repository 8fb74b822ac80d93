/*
 * turnout: one binary, one subcommand per job.  See `turnout --help`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin/doctor.h"
#include "admin/store.h"
#include "app.h"
#include "auth/audit.h"
#include "count/report.h"
#include "ideas/keeper.h"
#include "opinion/mapper.h"
#include "opinion/polis.h"
#include "training/keeper.h"
#include "demo/demo.h"
#include "events/reminders.h"
#include "foodbank/keeper.h"
#include "materials/keeper.h"
#include "foodbank/rrule.h"
#include "materials/render.h"
#include "materials/template.h"
#include "people/people.h"
#include "phonebank/store.h"
#include "import/import.h"
#include "postcodes/lookup.h"
#include "postcodes/pc_json.h"
#include "routes.h"
#include "seats/nearest.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/file.h"
#include "util/progress.h"
#include "web/web.h"

#define DEFAULT_DB "var/turnout.db"
#define EXIT_USAGE 2

static const char usage_main[] =
	"usage: turnout <command> [options]\n"
	"\n"
	"commands:\n"
	"  serve      run the web server (pages and API)\n"
	"  import     load the bundled UK data into the database\n"
	"  postcode   look up one postcode\n"
	"  nearest    list the marginal seats nearest a postcode\n"
	"  admin      create or promote a national admin (the first one)\n"
	"  routes     list every HTTP route (method and path)\n"
	"  schema     print the migrations, for SQLite or translated for PostgreSQL\n"
	"  demo       add demo groups, an organiser and sessions (once)\n"
	"  contacts   import a contact list (CSV, or gzip CSV) into a phone bank\n"
	"  doctor     check the database, the disk beside it and the mail queue\n"
	"  count      count a BLT file of ranked ballots (Scottish STV or IRV)\n"
	"  needs-import read what food banks need from a feed (file or URL)\n"
	"  render       fill a leaflet template and draw it as PDF and PNG\n"
	"  rrule        expand recurring series (RFC 5545 rules) as collections are\n"
	"  opinion-map  the opinion map of a Polis-layout votes file\n"
	"\n"
	"`turnout <command> --help` describes each command.\n";

static const char usage_serve[] =
	"usage: turnout serve [--port N] [--bind ADDR] [--db PATH] [--threads N]\n"
	"                     [--access-log FILE|-|off]\n"
	"\n"
	"  --port N        TCP port (env TURNOUT_PORT; default 8080; 0 picks a free one)\n"
	"  --bind ADDR     IPv4 address to listen on (default 127.0.0.1)\n"
	"  --db PATH       database file (env TURNOUT_DB; default " DEFAULT_DB ")\n"
	"  --threads N     worker threads (default: one per core)\n"
	"  --access-log F  where request lines go: a file, - for stderr, off (default -)\n"
	"  --public-url U  base of links in emails (env TURNOUT_PUBLIC_URL;\n"
	"                  default http://ADDR:PORT)\n"
	"\n"
	"Mail goes to var/outbox/*.eml unless TURNOUT_SMTP_URL is set (see README).\n";

static const char usage_import[] =
	"usage: turnout import [--data DIR] [--db PATH]\n"
	"\n"
	"  --data DIR  the data folder (default data): boundaries/, postcodes/, results/\n"
	"  --db PATH   database file (env TURNOUT_DB; default " DEFAULT_DB ")\n"
	"\n"
	"Replaces all reference data in one transaction; on any error nothing changes.\n";

static const char usage_admin[] =
	"usage: turnout admin --email ADDRESS --name NAME [--db PATH]\n"
	"\n"
	"Creates the person (or finds them by email) and makes them a national admin.\n"
	"They sign in by link, then set a password and an authenticator app.\n";

static const char usage_routes[] = "usage: turnout routes\n";

static const char usage_schema[] =
	"usage: turnout schema [--dialect sqlite|postgresql]\n"
	"\n"
	"Prints every migration in order: as SQLite runs them, or translated for\n"
	"PostgreSQL (db/dialect.h) to load with psql -v ON_ERROR_STOP=1.\n";

static const char usage_demo[] =
	"usage: turnout demo [--db PATH]\n"
	"\n"
	"Adds local groups in the four tightest 2024 marginals, an organiser for them\n"
	"(sign-in details printed) and upcoming sessions. Does nothing if sessions exist.\n";

static const char usage_contacts[] =
	"usage: turnout contacts --phonebank ID FILE [--db PATH]\n"
	"  Streams FILE (CSV or gzip CSV with a header row naming a phone column;\n"
	"  name or first/last name, postcode and any other columns are kept) into\n"
	"  phone bank ID, showing progress on a terminal, then reports rows added,\n"
	"  merged by phone, dropped for the do-not-call ledger and refused by line.\n";

static const char usage_doctor[] =
	"usage: turnout doctor [--db PATH] [--url URL] [--quick]\n"
	"\n"
	"  --db PATH  database file (env TURNOUT_DB; default " DEFAULT_DB ")\n"
	"  --url URL  also ask a running server (its /healthz), e.g. http://127.0.0.1:8080\n"
	"  --quick    skip the integrity check (it reads the whole file)\n"
	"\n"
	"Exit status 0 when all is well, 1 when something needs attention.\n";

static const char usage_count[] =
	"usage: turnout count [--rule scottish|ers97|meek|irv|block] [--group SPEC]...\n"
	"                     [--json] FILE.blt\n"
	"  Counts the ranked ballots in FILE (BLT format) and\n"
	"  prints the stage-by-stage result sheet, or with --json the report as JSON.\n"
	"  --rule scottish (the default): STV as the Scottish Local Government Elections\n"
	"  Order 2007 counts it; ers97: the Electoral Reform Society's 1997 STV rules;\n"
	"  meek: Meek STV (the PR Foundation reference rule); irv: the instant runoff,\n"
	"  for one seat; block: each ballot's first SEATS preferences a vote each\n"
	"  (first past the post for one).\n"
	"  --group NAME:MIN[:MAX]=C,C,...  at least MIN (at most MAX) of the seats to\n"
	"  these candidates (numbered from 1), e.g. --group 'Women:2=1,4,5'; up to 4.\n";

static const char usage_postcode[] = "usage: turnout postcode PC [--db PATH] [--json]\n";

static const char usage_nearest[] =
	"usage: turnout nearest PC [--election 2017|2019|2024] [--max-majority-pct P]\n"
	"                       [--party CODE] [--limit N] [--json] [--db PATH]\n"
	"\n"
	"  --election Y          which general election (default 2024)\n"
	"  --max-majority-pct P  marginal if majority < P%% of valid votes (default 5)\n"
	"  --party CODE          only seats CODE defends or attacks (lab, con, ld, ...)\n"
	"  --limit N             how many seats (1-100, default 10)\n";

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

/* 1 when the subcommand's arguments ask for its help (--help or -h anywhere). */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },  { "bind", required_argument, NULL, 'b' },
		{ "db", required_argument, NULL, 'd' },	   { "threads", required_argument, NULL, 't' },
		{ "access-log", required_argument, NULL, 'l' },
		{ "public-url", required_argument, NULL, 'u' },	{ NULL, 0, NULL, 0 },
	};
	const char *db = env_or("TURNOUT_DB", DEFAULT_DB), *port_s = env_or("TURNOUT_PORT", "8080");
	const char *bind = "127.0.0.1", *logp = "-", *public_url = getenv("TURNOUT_PUBLIC_URL");
	long port, threads = 0;
	char err[1024], assets[1024];
	static struct app app; /* megabytes of rate-limit buckets: not on the stack */
	int c, rc = 1;
	double t0 = now_seconds();

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': port_s = optarg; break;
		case 'b': bind = optarg; break;
		case 'd': db = optarg; break;
		case 'l': logp = optarg; break;
		case 'u': public_url = optarg; break;
		case 't':
			if (num_parse_long(optarg, strlen(optarg), 1, 256, &threads)) {
				fprintf(stderr, "turnout serve: --threads takes 1 to 256\n");
				return EXIT_USAGE;
			}
			break;
		default: fputs(usage_serve, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc || num_parse_long(port_s, strlen(port_s), 0, 65535, &port)) {
		fprintf(stderr, "turnout serve: the port must be a number from 0 to 65535\n%s",
			usage_serve);
		return EXIT_USAGE;
	}
	const char *head_v = env_or("TURNOUT_HEAD_TIMEOUT_S", "10");
	const char *per_ip_v = env_or("TURNOUT_CONN_PER_IP", "256");
	long head_s, per_ip;
	if (num_parse_long(head_v, strlen(head_v), 1, 300, &head_s) ||
	    num_parse_long(per_ip_v, strlen(per_ip_v), 0, HTTP_MAX_CONNECTIONS, &per_ip)) {
		fprintf(stderr, "turnout serve: TURNOUT_HEAD_TIMEOUT_S takes 1 to 300 seconds,"
				" TURNOUT_CONN_PER_IP 0 (no cap) to %d\n",
			HTTP_MAX_CONNECTIONS);
		return EXIT_USAGE;
	}
	/* behind a load balancer every peer is the balancer: its word on the client */
	const char *proxy = env_or("TURNOUT_TRUSTED_PROXY", "");
	unsigned char bin[16];
	if (*proxy && inet_pton(AF_INET, proxy, bin) != 1 && inet_pton(AF_INET6, proxy, bin) != 1) {
		fprintf(stderr, "turnout serve: TURNOUT_TRUSTED_PROXY takes one IP address\n");
		return EXIT_USAGE;
	}
	int log_fd = -1;
	if (!strcmp(logp, "-"))
		log_fd = STDERR_FILENO;
	else if (strcmp(logp, "off") != 0) {
		log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (log_fd < 0) {
			fprintf(stderr, "turnout serve: %s: %s\n", logp, strerror(errno));
			return 1;
		}
	}
	app_default_assets(assets, sizeof(assets));
	if (app_init(&app, db, env_or("TURNOUT_ASSETS", assets), err, sizeof(err))) {
		fprintf(stderr, "turnout serve: %s\n", err);
		return 1;
	}
	/* the key every node seals search links with; a database that cannot
	 * store one yet (read-only) gets this process's own */
	unsigned char key[SECRET_BYTES];
	struct db *kdb = app_db(&app);
	if (!kdb || secret_get(kdb, "search links", key)) {
		log_error("the search-link key cannot be stored (%s): links open on this node only",
			  kdb ? db_errmsg(kdb) : "no database");
		randombytes_buf(key, sizeof(key));
	}
	recall_init(key);
	sodium_memzero(key, sizeof(key));

	/* block the stop signals in every thread; the main thread waits for them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	size_t nroutes;
	const struct http_route *routes = routes_all(&nroutes);
	struct http_config cfg = { bind, (unsigned)port, (unsigned)threads, log_fd,
				   app.auth.secure_cookies, (double)head_s, (unsigned)per_ip,
				   proxy, page_not_found, page_answered };
	struct http_server *srv = http_server_start(&cfg, routes, nroutes, &app, err, sizeof(err));
	if (!srv) {
		fprintf(stderr, "turnout serve: %s\n", err);
		goto done;
	}
	if (public_url && *public_url && strlen(public_url) < sizeof(app.auth.public_url))
		snprintf(app.auth.public_url, sizeof(app.auth.public_url), "%s", public_url);
	else
		snprintf(app.auth.public_url, sizeof(app.auth.public_url), "http://%s:%u", bind,
			 http_server_port(srv));
	struct retention_job job;
	struct reminders reminders;
	retention_start(&job, app.db_path, app.auth.retention_days);
	reminders_start(&reminders, &app);
	struct opinion_mapper mapper;
	if (opinion_mapper_start(&mapper, app.db_path))
		log_error("opinion maps will not be kept up to date: no thread");
	struct keeper keeper;
	if (ideas_keeper_start(&keeper, &app))
		log_error("ideas will not be closed when their time runs out: no thread");
	struct keeper trainer;
	if (training_keeper_start(&trainer, &app))
		log_error("no reminders before training runs out: no thread");
	struct keeper pantry;
	if (foodbank_keeper_start(&pantry, &app))
		log_error("late drop-outs and repeating collections will not be looked after: no thread");
	struct keeper library;
	if (materials_keeper_start(&library, &app))
		log_error("library files no one uses will stay on the disk: no thread");
	log_info("listening on http://%s:%u (ready in %.0f ms)", bind, http_server_port(srv),
		 (now_seconds() - t0) * 1000);
	int sig;
	sigwait(&stop, &sig);
	log_info("stopping on signal %d", sig);
	retention_stop(&job);
	reminders_stop(&reminders);
	opinion_mapper_stop(&mapper);
	keeper_stop(&keeper);
	keeper_stop(&trainer);
	foodbank_keeper_stop(&pantry);
	keeper_stop(&library);
	/* answer every queued sign-up before the connections waiting on them go */
	app_quiesce(&app);
	http_server_stop(srv);
	rc = 0;
done:
	app_release(&app);
	if (log_fd > STDERR_FILENO)
		close(log_fd);
	return rc;
}

static int cmd_admin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *email = NULL, *name = NULL, *dbp = env_or("TURNOUT_DB", DEFAULT_DB);
	struct person p;
	struct db *db = NULL;
	char err[1024];
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'd': dbp = optarg; break;
		default: fputs(usage_admin, stderr); return EXIT_USAGE;
		}
	}
	memset(&p, 0, sizeof(p));
	const char *why = optind < argc || !email || !name ? "--email and --name are needed"
				: person_input_check(&p, name, email, NULL, NULL, NULL);
	if (why) {
		fprintf(stderr, "turnout admin: %s\n%s", why, usage_admin);
		return EXIT_USAGE;
	}
	if (!db_present(dbp)) {
		fprintf(stderr, "turnout admin: %s does not exist: run `turnout import` first\n", dbp);
		return 1;
	}
	if (db_open(&db, dbp, 0, err, sizeof(err)) || db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "turnout admin: %s\n", err);
		goto done;
	}
	p.admin = 1;
	p.created_at = (long long)time(NULL);
	int found = admin_bootstrap(db, &p);
	if (found < 0) {
		fprintf(stderr, "turnout admin: %s\n", db_errmsg(db));
		goto done;
	}
	printf("%s is a national admin (id %ld). Sign in at /signin by email link, then set a"
	       " password and an authenticator app under Account.\n",
	       found ? "the existing account" : "a new account", p.id);
	rc = 0;
done:
	db_close(db);
	return rc;
}

static int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "quick", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbp = env_or("TURNOUT_DB", DEFAULT_DB), *url = NULL;
	int c, flags = DOCTOR_INTEGRITY;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbp = optarg; break;
		case 'u': url = optarg; break;
		case 'q': flags &= ~DOCTOR_INTEGRITY; break;
		default: fputs(usage_doctor, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc || (url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))) {
		fprintf(stderr, "turnout doctor: the URL starts http:// or https://\n%s", usage_doctor);
		return EXIT_USAGE;
	}
	return doctor_run(dbp, url, flags, stdout) ? 1 : 0;
}

static int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbp = env_or("TURNOUT_DB", DEFAULT_DB);
	char err[512] = "";
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			fputs(usage_demo, stderr);
			return EXIT_USAGE;
		}
		dbp = optarg;
	}
	if (optind < argc) {
		fputs(usage_demo, stderr);
		return EXIT_USAGE;
	}
	if (!db_present(dbp)) {
		fprintf(stderr, "turnout demo: %s does not exist: run `turnout import` first\n", dbp);
		return 1;
	}
	if (demo_seed(dbp, stdout, err, sizeof(err))) {
		fprintf(stderr, "turnout demo: %s\n", err);
		return 1;
	}
	return 0;
}

/* Ctrl-C or TERM stops a contact load after the batch in hand, so its
 * record says exactly what is live; a second one kills at once. */
static atomic_int interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	atomic_store(&interrupted, 1);
}

static int cmd_contacts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phonebank", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbp = env_or("TURNOUT_DB", DEFAULT_DB), *bank_arg = NULL;
	static struct phonebank pb;
	static struct contacts_report rep;
	struct db *db = NULL;
	struct progress pg;
	char err[512];
	long bank;
	int c, fd = -1, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': bank_arg = optarg; break;
		case 'd': dbp = optarg; break;
		default: fputs(usage_contacts, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !bank_arg ||
	    num_parse_long(bank_arg, strlen(bank_arg), 1, 1L << 40, &bank)) {
		fputs(usage_contacts, stderr);
		return EXIT_USAGE;
	}
	if ((fd = open(argv[optind], O_RDONLY)) < 0) {
		fprintf(stderr, "turnout contacts: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (!db_present(dbp) || db_open(&db, dbp, 0, err, sizeof(err)) ||
	    db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "turnout contacts: cannot open %s\n",
			db_path_postgresql(dbp) ? "the PostgreSQL database" : dbp);
		goto done;
	}
	if (phonebank_get(db, bank, &pb) != 1) {
		fprintf(stderr, "turnout contacts: there is no phone bank %ld\n", bank);
		goto done;
	}
	struct sigaction sa = { .sa_handler = on_interrupt, .sa_flags = SA_RESETHAND };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	progress_begin(&pg, "contacts", 0);
	double t0 = now_seconds();
	const char *base = strrchr(argv[optind], '/');
	int failed = contacts_import(db, &pb, fd, base ? base + 1 : argv[optind], &interrupted,
				     &rep, &pg);
	progress_end(&pg);
	if (failed) {
		fprintf(stderr, "turnout contacts: %s\n", rep.fatal);
		goto done;
	}
	double dt = now_seconds() - t0;
	if (rep.resumed_after)
		printf("carried on after row %ld, where an earlier load of this file stopped\n",
		       rep.resumed_after);
	printf("%ld rows in %.1f s (%.0f rows/s): %ld added, %ld merged by phone, %ld on the"
	       " do-not-call ledger, %ld refused\n",
	       rep.rows, dt, dt > 0 ? rep.rows / dt : 0.0, rep.added, rep.merged, rep.opted_out,
	       rep.invalid);
	for (size_t i = 0; i < rep.nerrors; i++)
		printf("  line %ld: %s\n", rep.errors[i].line, rep.errors[i].why);
	if (rep.invalid > (long)rep.nerrors)
		printf("  ... and %ld more\n", rep.invalid - (long)rep.nerrors);
	audit_note(db, 0, "contacts.import", 0, NULL);
	rc = 0;
done:
	close(fd);
	db_close(db);
	return rc;
}

static int cmd_routes(int argc, char **argv)
{
	size_t n;
	const struct http_route *r = routes_all(&n);

	(void)argv;
	if (argc > 1) {
		fputs(usage_routes, stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %s\n", r[i].method, r[i].pattern);
	return 0;
}

static int cmd_schema(int argc, char **argv)
{
	char err[256];
	int pg = 0;
	if (argc == 3 && !strcmp(argv[1], "--dialect") &&
	    (!strcmp(argv[2], "postgresql") || !strcmp(argv[2], "sqlite")))
		pg = !strcmp(argv[2], "postgresql");
	else if (argc != 1) {
		fputs(usage_schema, stderr);
		return EXIT_USAGE;
	}
	if (db_schema_write(stdout, pg, err, sizeof(err))) {
		fprintf(stderr, "turnout schema: %s\n", err);
		return 1;
	}
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'a' },
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = "data", *db = env_or("TURNOUT_DB", DEFAULT_DB);
	struct import_stats st;
	char err[1024];
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': data = optarg; break;
		case 'd': db = optarg; break;
		default: fputs(usage_import, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs(usage_import, stderr);
		return EXIT_USAGE;
	}
	if (import_run(data, db, &st, err, sizeof(err))) {
		fprintf(stderr, "turnout import: %s\n", err);
		return 1;
	}
	fprintf(stderr,
		"turnout import: %ld postcodes (%ld placed; %ld matched to the nearest 2010 seat"
		" edge, %ld unplaced), %ld districts, %ld + %ld seats, %ld results, travel over"
		" %ld land cells for %ld seats (%ld islands joined by boat) in %.1f s\n",
		st.postcodes, st.positioned, st.pcon2010_nearest, st.pcon2010_missing,
		st.districts, st.seats2010, st.seats2024, st.results, st.travel_cells,
		st.travel_fields, st.travel_joined, st.seconds);
	return 0;
}

/* Shared by the lookup commands: parse PC and the common flags. */
struct cli {
	const char *pc, *db, *election, *pct, *party, *limit;
	int json;
};

static int parse_cli(int argc, char **argv, struct cli *cl, const char *usage)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "election", required_argument, NULL, 'e' },
		{ "max-majority-pct", required_argument, NULL, 'm' },
		{ "party", required_argument, NULL, 'p' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(cl, 0, sizeof(*cl));
	cl->db = env_or("TURNOUT_DB", DEFAULT_DB);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cl->db = optarg; break;
		case 'j': cl->json = 1; break;
		case 'e': cl->election = optarg; break;
		case 'm': cl->pct = optarg; break;
		case 'p': cl->party = optarg; break;
		case 'l': cl->limit = optarg; break;
		default: fputs(usage, stderr); return -1;
		}
	}
	/* a postcode may be given as two words: "SW1A 1AA" or SW1A 1AA */
	static char joined[64];
	joined[0] = '\0';
	for (int i = optind; i < argc; i++) {
		size_t used = strlen(joined);
		if (snprintf(joined + used, sizeof(joined) - used, "%s%s", used ? " " : "",
			     argv[i]) >= (int)(sizeof(joined) - used)) {
			fputs(usage, stderr);
			return -1;
		}
	}
	if (!*joined) {
		fputs(usage, stderr);
		return -1;
	}
	cl->pc = joined;
	return 0;
}

static int open_ro(const char *path, struct db **db, struct seats *seats)
{
	char err[1024];

	if (!db_present(path)) {
		fprintf(stderr, "turnout: %s does not exist: run `turnout import` first\n", path);
		return -1;
	}
	if (db_open(db, path, DB_OPEN_READONLY, err, sizeof(err)) ||
	    seats_load(seats, *db, err, sizeof(err))) {
		fprintf(stderr, "turnout: %s\n", err);
		db_close(*db);
		return -1;
	}
	return 0;
}

static void print_buf(struct buf *b)
{
	fwrite(b->p ? b->p : "", 1, b->len, stdout);
	putchar('\n');
}

static int cmd_postcode(int argc, char **argv)
{
	struct cli cl;
	struct db *db = NULL;
	struct seats seats;
	struct postcode pc;
	struct pc_record r;
	int rc = 1;

	if (parse_cli(argc, argv, &cl, usage_postcode))
		return EXIT_USAGE;
	if (postcode_parse(cl.pc, strlen(cl.pc), &pc)) {
		fprintf(stderr, "turnout postcode: invalid postcode\n");
		return 1;
	}
	if (open_ro(cl.db, &db, &seats))
		return 1;
	int found = lookup_postcode_or_district(db, &pc, &r);
	if (found != 1) {
		fprintf(stderr, "turnout postcode: %s\n", found ? "lookup failed" : "postcode not found");
		goto done;
	}
	if (cl.json) {
		struct buf b;
		struct jw w;
		buf_init(&b, 1 << 20);
		jw_init(&w, &b);
		pc_json_write(&w, &r, &seats, 0);
		print_buf(&b);
		buf_release(&b);
	} else {
		const struct seat *s10 = seats_find(&seats, 2010, r.pcon2010);
		const struct seat *s24 = seats_find(&seats, 2024, r.pcon2024);
		const char *country = country_name(&r);
		printf("%s%s\n", r.pc.display,
		       r.precision == PRECISION_DISTRICT ? " (placed at its district)" : "");
		if (r.positioned)
			printf("  position      %.6f, %.6f\n", r.lat, r.lon);
		else
			printf("  position      not published\n");
		printf("  country       %s\n", country ? country : "unknown");
		printf("  seat (2024)   %s%s%s\n", s24 ? s24->name : "unknown", s24 ? " " : "",
		       s24 ? s24->code : "");
		printf("  seat (2010)   %s%s%s\n", s10 ? s10->name : "unknown", s10 ? " " : "",
		       s10 ? s10->code : "");
	}
	rc = 0;
done:
	seats_release(&seats);
	db_close(db);
	return rc;
}

static int cmd_nearest(int argc, char **argv)
{
	struct cli cl;
	struct db *db = NULL;
	struct seats seats;
	struct nearest_params p;
	static struct nearest_answer a;
	const char *err;
	int rc = 1;

	if (parse_cli(argc, argv, &cl, usage_nearest))
		return EXIT_USAGE;
	if (nearest_params_parse(&p, cl.pc, cl.election, cl.pct, cl.party, cl.limit, &err)) {
		fprintf(stderr, "turnout nearest: %s\n", err);
		return EXIT_USAGE;
	}
	if (open_ro(cl.db, &db, &seats))
		return 1;
	if (nearest_run(db, db, &seats, &p, &a, &err) != 200) {
		fprintf(stderr, "turnout nearest: %s\n", err);
		goto done;
	}
	if (cl.json) {
		struct buf b;
		struct jw w;
		buf_init(&b, 1 << 20);
		jw_init(&w, &b);
		nearest_json_write(&w, &p, &a);
		print_buf(&b);
		buf_release(&b);
	} else {
		printf("Marginals nearest %s (%d election, majority under %g%%)%s\n",
		       a.where.pc.display, p.election, p.max_pct,
		       a.where.precision == PRECISION_DISTRICT ? ", from its district centre" : "");
		if (a.own)
			printf("Your seat: %s\n", a.own->name);
		for (size_t i = 0; i < a.n; i++) {
			const struct marginal_hit *h = &a.hits[i];
			const struct seat_result *r = h->r;
			/* ranked by road: the road estimate is the figure shown, as on the page */
			printf("%2zu. %-40s %5.0f km%s  %s over %s by %ld (%.2f%%)%s%s%s\n", i + 1,
			       r->seat->name, h->road_km >= 0 ? h->road_km : h->km,
			       h->road_km >= 0 ? " by road" : "        ",
			       result_party_name(r->first, r->first_label),
			       result_party_name(r->second, r->second_label), r->majority,
			       r->majority_pct, h->own ? "  [your seat]" : "",
			       h->stance ? "  " : "", h->stance ? stance_name(h->stance) : "");
		}
		if (a.n == 0)
			printf("No seats match.\n");
	}
	rc = 0;
done:
	seats_release(&seats);
	db_close(db);
	return rc;
}

static int cmd_count(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rule", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	struct count_rules rules = { .rule = RULE_SCOTTISH };
	const char *groups[COUNT_MAX_GROUPS];
	int c, json = 0, rc = 1, ngroups = 0;
	char err[256];
	struct buf text, out;
	struct ballots b;
	struct count_result r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (count_rule_parse(optarg, &rules.rule)) {
				fprintf(stderr, "turnout count: the rules are scottish, ers97, meek,"
						" irv and block\n");
				return EXIT_USAGE;
			}
			break;
		case 'j': json = 1; break;
		case 'g':
			if (ngroups == COUNT_MAX_GROUPS) {
				fprintf(stderr, "turnout count: up to %d groups\n", COUNT_MAX_GROUPS);
				return EXIT_USAGE;
			}
			groups[ngroups++] = optarg;
			break;
		default: fputs(usage_count, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_count, stderr);
		return EXIT_USAGE;
	}
	buf_init(&text, 256u << 20);
	buf_init(&out, 1u << 30);
	const char *path = argv[optind];
	if (file_read_all(path, &text, err, sizeof(err))) {
		fprintf(stderr, "turnout count: %s\n", err);
		goto done;
	}
	if (blt_parse(text.p ? text.p : "", text.len, &b, err, sizeof(err))) {
		fprintf(stderr, "turnout count: %s: %s\n", path, err);
		goto done;
	}
	for (int g = 0; g < ngroups; g++)
		if (count_group_parse(groups[g], b.ncand, &rules.group[rules.ngroups++], err,
				      sizeof(err))) {
			fprintf(stderr, "turnout count: %s\n", err);
			ballots_release(&b);
			rc = EXIT_USAGE;
			goto done;
		}
	if (count_run(&b, &rules, &r, err, sizeof(err)) == 0) {
		if (json)
			count_report_json(&b, &r, &out);
		else
			count_report_text(&b, &r, &out);
		if (json)
			buf_putc(&out, '\n');
		fwrite(out.p, 1, out.len, stdout);
		count_release(&r);
		rc = 0;
	} else {
		fprintf(stderr, "turnout count: %s: %s\n", path, err);
	}
	ballots_release(&b);
done:
	buf_release(&text);
	buf_release(&out);
	return rc;
}

static const char usage_opinion_map[] =
	"usage: turnout opinion-map [--json] VOTES.csv\n"
	"\n"
	"The opinion map (groups, points, representative and consensus statements)\n"
	"of a conversation in Polis's open-data layout: a votes.csv with columns\n"
	"timestamp, comment-id, voter-id, vote (1 agree, -1 disagree, 0 pass).\n"
	"  --json   print the map as JSON (see README, \"Policy conversations\")\n";

static int cmd_opinion_map(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct polis_votes pv;
	struct opinion_map m;
	char err[256];
	int c, as_json = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j') {
			fputs(usage_opinion_map, stderr);
			return EXIT_USAGE;
		}
		as_json = 1;
	}
	if (optind != argc - 1) {
		fputs(usage_opinion_map, stderr);
		return EXIT_USAGE;
	}
	if (polis_votes_read(argv[optind], &pv, err, sizeof(err))) {
		fprintf(stderr, "turnout opinion-map: %s: %s\n", argv[optind], err);
		return 1;
	}
	opinion_map_compute(&pv.in, NULL, &m);
	if (as_json) {
		json_t *j = polis_map_json(&pv, &m);
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	} else {
		printf("%d voters, %d statements, %zu votes; %d placed in %d groups"
		       " (silhouette %.3f)\n",
		       pv.in.members, pv.in.statements, pv.in.nvotes, m.placed, m.k, m.silhouette);
		for (int g = 0; g < m.k; g++) {
			printf("group %d: %d members; stands for", g, m.group_size[g]);
			for (int r = 0; r < m.nrep[g]; r++)
				printf(" %s%ld", m.rep[g][r].agree ? "+" : "-",
				       pv.statement_id[m.rep[g][r].statement]);
			putchar('\n');
		}
		printf("consensus:");
		for (int r = 0; r < m.nconsensus; r++)
			printf(" %s%ld", m.consensus[r].agree ? "+" : "-",
			       pv.statement_id[m.consensus[r].statement]);
		putchar('\n');
	}
	opinion_map_release(&m);
	polis_votes_release(&pv);
	return 0;
}

static const char usage_rrule[] =
	"usage: turnout rrule < RULES\n"
	"\n"
	"Expands recurring series as collections are: each line of standard input\n"
	"is a first time in London and an RFC 5545 rule, e.g.\n"
	"  2026-12-05T10:00 FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=10\n"
	"and gets back its occurrences as UTC instants, one a line, then an empty\n"
	"line; or \"error: why\" when the rule is not one a series may have.\n";

static int cmd_rrule(int argc, char **argv)
{
	char line[RRULE_TEXT_MAX + 64], why[256];
	size_t cap = RRULE_YEARS_MAX * 366 + 2;
	time_t *t = xmalloc(cap * sizeof(*t));

	(void)argv;
	if (argc != 1) {
		free(t);
		fputs(usage_rrule, stderr);
		return EXIT_USAGE;
	}
	while (fgets(line, sizeof(line), stdin)) {
		struct wall w;
		struct rrule r;
		char *sp = strchr(line, ' ');
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		if (!sp || (*sp = '\0', wall_parse(line, &w))) {
			puts("error: a line is a first time (2026-12-05T10:00) and a rule\n");
			continue;
		}
		if (rrule_parse(sp + 1, &r, why, sizeof(why)) || rrule_check(&r, &w, why, sizeof(why))) {
			printf("error: %s\n\n", why);
			continue;
		}
		size_t n = rrule_expand(&r, &w, 0, (time_t)1 << 40, t, cap);
		for (size_t i = 0; i < n; i++) {
			struct tm tm;
			gmtime_r(&t[i], &tm);
			printf("%04d-%02d-%02dT%02d:%02dZ\n", tm.tm_year + 1900, tm.tm_mon + 1,
			       tm.tm_mday, tm.tm_hour, tm.tm_min);
		}
		putchar('\n');
	}
	free(t);
	return 0;
}

static const char usage_needs_import[] =
	"usage: turnout needs-import [--db PATH] FEED\n"
	"\n"
	"Reads what food banks need from FEED (a file, or an http/https address) in\n"
	"the layout of Give Food's needs data: CSV with columns foodbank_slug, needs\n"
	"and excess (one item a line), or JSON.  Food banks here are matched by the\n"
	"slug their organisers gave; a bad row is reported by its line and left out,\n"
	"the rest applied in one transaction.  The server reads TURNOUT_NEEDS_FEED\n"
	"itself every TURNOUT_NEEDS_FEED_HOURS (24).\n";

static int cmd_needs_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = env_or("TURNOUT_DB", DEFAULT_DB);
	struct needs_report rep;
	struct db *db = NULL;
	struct buf b;
	char err[512];
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			fputs(usage_needs_import, stderr);
			return EXIT_USAGE;
		}
		path = optarg;
	}
	if (optind != argc - 1) {
		fputs(usage_needs_import, stderr);
		return EXIT_USAGE;
	}
	if (db_open(&db, path, 0, err, sizeof(err)) || db_migrate(db, err, sizeof(err))) {
		fprintf(stderr, "turnout needs-import: %s\n", err);
		db_close(db);
		return 1;
	}
	if (needs_fetch(argv[optind], &b, err, sizeof(err))) {
		fprintf(stderr, "turnout needs-import: %s: %s\n", argv[optind], err);
	} else if (needs_import(db, b.p ? b.p : "", b.len, (long long)time(NULL), &rep, err,
				sizeof(err))) {
		fprintf(stderr, "turnout needs-import: %s: %s\n", argv[optind], err);
		buf_release(&b);
	} else {
		printf("%ld rows: %ld food banks updated, %ld not known here, %ld refused\n", rep.rows,
		       rep.applied, rep.unknown, rep.bad);
		if (rep.bad)
			fprintf(stderr, "turnout needs-import: refused: %s\n", rep.first_bad);
		buf_release(&b);
		rc = rep.bad ? 3 : 0;
	}
	db_close(db);
	return rc;
}

static const char usage_render[] =
	"usage: turnout render TEMPLATE.svg --imprint TEXT [--slot NAME=VALUE]...\n"
	"                      [--pdf OUT.pdf] [--png OUT.png] [--bleed]\n"
	"\n"
	"Fills a leaflet template (an SVG with data-slot elements and one\n"
	"data-imprint text; see docs/operations.md, \"Leaflet templates\") and draws\n"
	"it as a print-ready PDF (every page; --bleed adds 3 mm and crop marks) and a\n"
	"PNG of the first page at 150 dpi.  A bad template or value is refused\n"
	"with a reason and nothing is written.\n";

static int cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "imprint", required_argument, NULL, 'i' }, { "slot", required_argument, NULL, 's' },
		{ "pdf", required_argument, NULL, 'p' },     { "png", required_argument, NULL, 'g' },
		{ "bleed", no_argument, NULL, 'b' },	     { NULL, 0, NULL, 0 },
	};
	struct slot_value v[TEMPLATE_SLOTS_MAX];
	const char *imprint = NULL, *pdf = NULL, *png = NULL;
	size_t nv = 0;
	int c, bleed = 0, rc = 1;
	char why[512];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *eq;
		switch (c) {
		case 'i': imprint = optarg; break;
		case 'p': pdf = optarg; break;
		case 'g': png = optarg; break;
		case 'b': bleed = 1; break;
		case 's':
			eq = strchr(optarg, '=');
			if (!eq || nv == TEMPLATE_SLOTS_MAX) {
				fputs(usage_render, stderr);
				return EXIT_USAGE;
			}
			*eq = '\0';
			v[nv++] = (struct slot_value){ optarg, eq + 1 };
			break;
		default: fputs(usage_render, stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (!pdf && !png)) {
		fputs(usage_render, stderr);
		return EXIT_USAGE;
	}
	struct buf in, filled_pdf, filled_png;
	struct tmpl_doc *t = NULL;
	struct template_info info;
	char *svg = NULL;
	size_t n = 0;
	buf_init(&in, TEMPLATE_MAX_BYTES);
	buf_init(&filled_pdf, 0);
	buf_init(&filled_png, 0);
	if (file_read_all(argv[optind], &in, why, sizeof(why)) ||
	    template_parse(in.p ? in.p : "", in.len, &t, &info, why, sizeof(why)) ||
	    template_fill(t, v, nv, imprint, &svg, &n, why, sizeof(why)) ||
	    (pdf && render_pdf(svg, n, &info, bleed, &filled_pdf, why, sizeof(why))) ||
	    (png && render_png(svg, n, &info, 150, &filled_png, why, sizeof(why)))) {
		fprintf(stderr, "turnout render: %s: %s\n", argv[optind], why);
	} else if ((pdf && file_write_all(pdf, filled_pdf.p, filled_pdf.len, why, sizeof(why))) ||
		   (png && file_write_all(png, filled_png.p, filled_png.len, why, sizeof(why)))) {
		fprintf(stderr, "turnout render: %s\n", why);
	} else {
		printf("%d page%s, %d slots%s%s\n", info.npages, info.npages == 1 ? "" : "s",
		       info.nslots, pdf ? ", PDF written" : "", png ? ", PNG written" : "");
		rc = 0;
	}
	free(svg);
	template_free(t);
	buf_release(&in);
	buf_release(&filled_pdf);
	buf_release(&filled_png);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *usage;
		int (*run)(int, char **);
	} cmds[] = {
		{ "serve", usage_serve, cmd_serve },
		{ "import", usage_import, cmd_import },
		{ "postcode", usage_postcode, cmd_postcode },
		{ "nearest", usage_nearest, cmd_nearest },
		{ "admin", usage_admin, cmd_admin },
		{ "routes", usage_routes, cmd_routes },
		{ "schema", usage_schema, cmd_schema },
		{ "demo", usage_demo, cmd_demo },
		{ "contacts", usage_contacts, cmd_contacts },
		{ "doctor", usage_doctor, cmd_doctor },
		{ "count", usage_count, cmd_count },
		{ "opinion-map", usage_opinion_map, cmd_opinion_map },
		{ "rrule", usage_rrule, cmd_rrule },
		{ "render", usage_render, cmd_render },
		{ "needs-import", usage_needs_import, cmd_needs_import },
	};

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		if (wants_help(argc - 1, argv + 1)) {
			fputs(cmds[i].usage, stdout);
			return 0;
		}
		return cmds[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "turnout: unknown command '%s'\n%s", argv[1], usage_main);
	return EXIT_USAGE;
}
