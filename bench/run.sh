#!/bin/sh
# make bench: throughput, latency, memory and start-up of `turnout serve`
# over the full bundled data, with wrk on the same machine.  Prints a
# Markdown report and keeps it in bench/out/latest.md.
set -eu
BIN=${1:-build/turnout}
DB=${BENCH_DB:-var/turnout.db}
SECONDS_EACH=${BENCH_SECONDS:-15}
CONNS=${BENCH_CONNECTIONS:-64}
OUT=bench/out
mkdir -p "$OUT" "$(dirname "$DB")"

if [ ! -s "$DB" ]; then
	echo "importing the full data into $DB" >&2
	/usr/bin/time -f '%e s, %M KiB peak' "$BIN" import --data data --db "$DB" 2>"$OUT/import.txt"
fi

# 20,000 real postcodes, spread over every area file (compact form)
if [ ! -s "$OUT/pclist.txt" ]; then
	for f in data/postcodes/codepo_gb/Data/CSV/*.csv.gz; do
		zcat "$f" | awk -F, 'NR % 87 == 0 { gsub(/[" ]/, "", $1); print $1 }'
	done | head -n 20000 >"$OUT/pclist.txt"
fi

port=$((20000 + $$ % 20000))
start_server() {
	"$BIN" serve --port "$port" --db "$DB" --access-log /dev/null 2>"$OUT/serve.log" &
	pid=$!
	i=0
	until grep -q 'listening on' "$OUT/serve.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { cat "$OUT/serve.log" >&2; exit 1; }
		sleep 0.05
	done
}

# start-up: the server's own "ready in" figure, five times
startup=""
for _ in 1 2 3 4 5; do
	start_server
	startup="$startup $(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$OUT/serve.log")"
	kill "$pid"; wait "$pid" 2>/dev/null || true
done

start_server
trap 'kill $pid 2>/dev/null || true' EXIT
rss_idle=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
# warm the page cache and each thread's connection
wrk -t1 -c"$CONNS" -d3s -s bench/postcodes.lua "http://127.0.0.1:$port" -- "$OUT/pclist.txt" >/dev/null

run() { # name path-template
	wrk -t1 -c"$CONNS" -d"${SECONDS_EACH}s" --latency -s bench/postcodes.lua \
		"http://127.0.0.1:$port" -- "$OUT/pclist.txt" "$2" >"$OUT/$1.txt"
}
run postcodes "/postcodes/%s"
run marginals "/api/v1/marginals?postcode=%s"
run validate "/postcodes/%s/validate"
rss_peak=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
rss_now=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)

row() { # name
	rps=$(awk '/Requests\/sec/ { print $2 }' "$OUT/$1.txt")
	p50=$(awk '$1 == "50%" { print $2 }' "$OUT/$1.txt")
	p99=$(awk '$1 == "99%" { print $2 }' "$OUT/$1.txt")
	errs=$(awk '/Non-2xx|Socket errors/ { print }' "$OUT/$1.txt" | tr '\n' ' ')
	echo "| $2 | $rps | $p50 | $p99 | ${errs:-none} |"
}
{
	echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
	echo
	echo "\`make bench\` — wrk -t1 -c$CONNS -d${SECONDS_EACH}s on the same machine, random postcodes from"
	echo "a list of 20,000 real ones, keep-alive, access log to /dev/null. One wrk thread: with"
	echo "two, the load generator takes a whole core from the server it measures."
	echo
	echo "| endpoint | req/s | p50 | p99 | errors |"
	echo "|---|---|---|---|---|"
	row postcodes 'GET /postcodes/{pc}'
	row marginals 'GET /api/v1/marginals?postcode={pc}'
	row validate 'GET /postcodes/{pc}/validate'
	echo
	echo "- resident memory: ${rss_idle} KiB after start-up, ${rss_now} KiB after the runs, peak ${rss_peak} KiB"
	echo "- start-up with an imported database (ms, five runs):$startup"
	[ -s "$OUT/import.txt" ] && echo "- full import: $(tail -n 1 "$OUT/import.txt")"
} | tee "$OUT/latest.md"

# part two: sign-in and sessions (node, with the fixture database)
if make -s build/test/fixture.db >/dev/null; then
	{
		echo
		echo "| sign-in | rate | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/auth.mjs
		TURNOUT_BIN="$BIN" node bench/signin_timing.mjs
	} | tee -a "$OUT/latest.md"
	# part three: deadline-night sign-ups through the group-commit writer
	{
		echo
		echo "| deadline night | rate | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/signups.mjs
	} | tee -a "$OUT/latest.md"
	# part four: phone banking, the contact import and 1,000 callers at once
	{
		echo
		echo "| phone banking | time or rate | latency or result | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/calls.mjs
	} | tee -a "$OUT/latest.md"
	# part six: a delegate conference's ballots
	{
		echo
		echo "| meeting | ballots | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/ballots.mjs
	} | tee -a "$OUT/latest.md"
	# part seven: policy — votes on a conversation, idea lists
	{
		echo
		echo "| policy | rate | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/opinion.mjs
	} | tee -a "$OUT/latest.md"
	# part eight: training — quiz answers from 10,000 volunteers
	{
		echo
		echo "| training | answers | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" BENCH_IN_FLIGHT=100 node bench/training.mjs
		TURNOUT_BIN="$BIN" BENCH_IN_FLIGHT=200 node bench/training.mjs
	} | tee -a "$OUT/latest.md"
	# part nine: food banks — a late drop-out reaching the standby list
	{
		echo
		echo "| food banks | times | worst | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/dropout.mjs
	} | tee -a "$OUT/latest.md"
	# part ten: PostgreSQL, PgBouncer and three nodes behind HAProxy (issue 11)
	{
		echo
		echo "| several nodes on PostgreSQL | rate or time | latency | notes |"
		echo "|---|---|---|---|"
		TURNOUT_BIN="$BIN" node bench/cluster.mjs
	} | tee -a "$OUT/latest.md"
fi
