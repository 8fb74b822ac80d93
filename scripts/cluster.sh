#!/bin/sh
# Several nodes and a failover on one machine, loopback only: a PostgreSQL
# 15 primary and a synchronous streaming standby (initdb and pg_basebackup
# into DIR, no system service), CLUSTER_NODES turnout nodes, and HAProxy in
# front of them.  Debian's postgresql-15 and haproxy.
#
#   scripts/cluster.sh up DIR [DATA]  start it all, load DATA (data/) and the
#                                     demo; prints the URL
#   scripts/cluster.sh run DIR        up, then wait; Ctrl-C stops it all
#   scripts/cluster.sh down DIR       stop it all (DIR stays, for its logs)
#   scripts/cluster.sh promote DIR    the standby becomes the primary
#   scripts/cluster.sh node DIR I     start node I again (after a kill)
#   scripts/cluster.sh standby DIR stop|start   the standby alone
#
# HAProxy listens on CLUSTER_PORT (8080), node I on CLUSTER_PORT + I.  The
# nodes reach the primary through PgBouncer in transaction mode (4
# connections a core, whatever the number of nodes); promote points it at
# the new primary.  CLUSTER_POOLER=none: the nodes connect themselves,
# naming both servers and asking for the one that takes writes.  The nodes
# look postcodes up in a local copy of the reference data (TURNOUT_REFERENCE;
# CLUSTER_REFERENCE=none: in PostgreSQL).  TURNOUT (build/turnout), NO_DEMO
# (set: no demo), CLUSTER_NODES (3).
set -eu
cmd=${1:-} dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,/^set/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
PG=/usr/lib/postgresql/15/bin
BIN=${TURNOUT:-build/turnout}
PORT=${CLUSTER_PORT:-8080}
NODES=${CLUSTER_NODES:-3}
case "$PORT$NODES" in *[!0-9]*) echo "CLUSTER_PORT and CLUSTER_NODES are numbers" >&2; exit 2 ;; esac
[ "$NODES" -ge 1 ] && [ "$NODES" -le 16 ] || { echo "CLUSTER_NODES takes 1 to 16" >&2; exit 2; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# PostgreSQL will not run as root: as root its folders are the postgres
# user's, in a folder of their own it can reach (DIR's parents may be closed)
pgd=$dir/pg
[ -s "$dir/pgdir" ] && pgd=$(cat "$dir/pgdir")
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
enc() { printf %s "$1" | sed 's|/|%2F|g; s|,|%2C|g'; }
uri() {
	printf 'postgresql:///turnout?host=%s,%s&user=turnout&target_session_attrs=read-write&connect_timeout=2' \
		"$(enc "$pgd/p")" "$(enc "$pgd/s")"
}
# the nodes' way in: PgBouncer in transaction mode, at most 4 connections a
# core on the primary however many nodes there are (CLUSTER_POOLER=none:
# straight to the servers)
POOLER=${CLUSTER_POOLER:-pgbouncer}
POOLS=$((4 * $(nproc) - 2))
[ "$POOLS" -ge 2 ] || POOLS=2
node_uri() {
	if [ "$POOLER" = none ]; then
		uri
	else
		printf 'postgresql:///turnout?host=%s&port=6432&user=turnout&connect_timeout=2' "$(enc "$pgd/b")"
	fi
}
bouncer_conf() { # the server it sends to: p or s
	as_pg sh -c "cat >'$pgd/pgbouncer.ini'" <<-EOF
		[databases]
		turnout = host=$pgd/$1 port=5432 dbname=turnout user=turnout
		[pgbouncer]
		listen_addr =
		listen_port = 6432
		unix_socket_dir = $pgd/b
		auth_type = trust
		auth_file = $pgd/users.txt
		admin_users = turnout
		pool_mode = transaction
		max_client_conn = 2000
		default_pool_size = $POOLS
		max_db_connections = $POOLS
		server_reset_query =
		query_wait_timeout = 5
		server_connect_timeout = 2
		server_login_retry = 1
		ignore_startup_parameters = extra_float_digits
		logfile = $pgd/pgbouncer.log
		pidfile = $pgd/pgbouncer.pid
	EOF
}
psql_on() { psql -h "$pgd/$1" -U turnout -d postgres -qAt -c "$2"; }

pg_start() { # name data-folder socket-folder settings...
	name=$1 pgdata=$2 sock=$3
	shift 3
	as_pg "$PG/pg_ctl" -D "$pgdata" -l "$pgd/$name.log" -w \
		-o "-k $sock -c listen_addresses='' $*" start >/dev/null
}

node_start() { # i
	i=$1
	TURNOUT_NODE=node$i TURNOUT_NODES=$NODES TURNOUT_FILES=${TURNOUT_FILES:-$dir/files} \
		TURNOUT_OUTBOX=${TURNOUT_OUTBOX:-$dir/outbox} TURNOUT_TRUSTED_PROXY=127.0.0.1 \
		TURNOUT_CONN_PER_IP=0 TURNOUT_PUBLIC_URL=${TURNOUT_PUBLIC_URL:-http://127.0.0.1:$PORT} \
		TURNOUT_REFERENCE=$([ -s "$dir/reference.db" ] && echo "$dir/reference.db") \
		TURNOUT_PG_POOLER=$([ "$POOLER" = none ] && echo session || echo transaction) \
		"$BIN" serve --bind 127.0.0.1 --port $((PORT + i)) --db "$(node_uri)" \
		--access-log "$dir/node$i.access" >>"$dir/node$i.log" 2>&1 &
	echo $! >"$dir/node$i.pid"
}

wait_ready() { # url
	n=0
	until curl -fsS -o /dev/null "$1/readyz" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 300 ] && { echo "cluster: $1 never became ready" >&2; return 1; }
		sleep 0.1
	done
}

up() {
	src=${1:-data}
	mkdir -p "$dir/files" "$dir/outbox"
	if [ "$(id -u)" = 0 ]; then
		pgd=$(mktemp -d "${TMPDIR:-/tmp}/turnout-cluster-pg.XXXXXX")
		chown postgres "$pgd"
		echo "$pgd" >"$dir/pgdir"
	else
		mkdir -p "$pgd"
	fi
	as_pg mkdir -p "$pgd/p" "$pgd/s"
	as_pg "$PG/initdb" -D "$pgd/primary" -A trust -U turnout -E UTF8 --no-instructions >/dev/null
	# a commit returns once the standby has it on disk: a dead primary loses
	# nothing acknowledged
	pg_start primary "$pgd/primary" "$pgd/p" -c synchronous_standby_names=standby \
		-c synchronous_commit=on -c max_connections=60
	as_pg "$PG/pg_basebackup" -h "$pgd/p" -U turnout -D "$pgd/standby" -X stream -c fast
	as_pg sh -c "touch '$pgd/standby/standby.signal' && echo \"primary_conninfo = 'host=$pgd/p user=turnout application_name=standby'\" >>'$pgd/standby/postgresql.auto.conf'"
	pg_start standby "$pgd/standby" "$pgd/s" -c max_connections=60
	n=0
	until [ "$(psql_on p "SELECT sync_state FROM pg_stat_replication")" = sync ]; do
		n=$((n + 1))
		[ $n -gt 100 ] && { echo "cluster: the standby never caught up" >&2; return 1; }
		sleep 0.1
	done
	psql_on p "CREATE DATABASE turnout"
	uri >"$dir/db"
	"$BIN" import --data "$src" --db "$(uri)" 2>"$dir/import.txt" ||
		{ cat "$dir/import.txt" >&2; return 1; }
	# and the same data in a local file the nodes look postcodes up in
	if [ "${CLUSTER_REFERENCE:-file}" != none ]; then
		"$BIN" import --data "$src" --db "$dir/reference.db" 2>"$dir/reference.txt" ||
			{ cat "$dir/reference.txt" >&2; return 1; }
	fi
	[ -n "${NO_DEMO:-}" ] || "$BIN" demo --db "$(uri)" >"$dir/demo.txt"
	if [ "$POOLER" != none ]; then
		as_pg sh -c "mkdir -p '$pgd/b' && echo '\"turnout\" \"\"' >'$pgd/users.txt'"
		bouncer_conf p
		as_pg pgbouncer -d -q "$pgd/pgbouncer.ini"
	fi
	i=1
	while [ $i -le "$NODES" ]; do
		node_start $i
		i=$((i + 1))
	done
	busy='The service is unavailable for a moment: try again shortly'
	{
		# with no node ready (the database failing over) the balancer
		# answers as a node would: 503, Retry-After, JSON on the API
		cat <<-EOF
			global
			  maxconn 4096
			  pidfile $dir/haproxy.pid
			defaults
			  mode http
			  timeout connect 2s
			  timeout client 60s
			  timeout server 60s
			  retries 3
			  option redispatch
			  option forwardfor
			frontend web
			  bind 127.0.0.1:$PORT
			  acl down nbsrv(nodes) eq 0
			  http-request return status 503 content-type application/json hdr Retry-After 5 string "{\\"status\\":503,\\"error\\":\\"$busy\\"}" if down { path_beg /api/ }
			  http-request return status 503 content-type "text/html; charset=utf-8" hdr Retry-After 5 string "<!doctype html><title>Busy</title><h1>Busy</h1><p>$busy.</p>" if down
			  default_backend nodes
			backend nodes
			  balance roundrobin
			  option httpchk GET /readyz
			  default-server inter 500ms fall 2 rise 2
		EOF
		i=1
		while [ $i -le "$NODES" ]; do
			printf '  server node%s 127.0.0.1:%s check\n' $i $((PORT + i))
			i=$((i + 1))
		done
	} >"$dir/haproxy.cfg"
	i=1
	while [ $i -le "$NODES" ]; do
		wait_ready "http://127.0.0.1:$((PORT + i))"
		i=$((i + 1))
	done
	haproxy -q -D -f "$dir/haproxy.cfg"
	wait_ready "http://127.0.0.1:$PORT"
	echo "http://127.0.0.1:$PORT"
}

down() {
	for f in "$dir"/haproxy.pid "$dir"/node*.pid "$pgd/pgbouncer.pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
		rm -f "$f"
	done
	for d in primary standby; do
		[ -f "$pgd/$d/postmaster.pid" ] &&
			as_pg "$PG/pg_ctl" -D "$pgd/$d" -m fast -w stop >/dev/null 2>&1 || true
	done
	[ "$pgd" = "$dir/pg" ] || rm -rf "$pgd" "$dir/pgdir"
}

case "$cmd" in
up) up "${3:-}" ;;
run)
	trap 'down; exit 0' INT TERM
	up
	[ -s "$dir/demo.txt" ] && cat "$dir/demo.txt"
	echo "several nodes: HAProxy on http://127.0.0.1:$PORT, logs in $dir; Ctrl-C stops it all"
	while :; do sleep 3600; done
	;;
down) down ;;
promote)
	as_pg "$PG/pg_ctl" -D "$pgd/standby" -w promote >/dev/null
	# what a failover manager does for the pooler: send it to the new primary
	if [ -s "$pgd/pgbouncer.pid" ]; then
		bouncer_conf s
		psql -h "$pgd/b" -p 6432 -U turnout -d pgbouncer -qc RELOAD >/dev/null
	fi
	;;
standby) # stop | start: the standby alone
	case "${3:-}" in
	stop) as_pg "$PG/pg_ctl" -D "$pgd/standby" -m immediate -w stop >/dev/null ;;
	start) pg_start standby "$pgd/standby" "$pgd/s" -c max_connections=60 ;;
	*) echo "standby stop or standby start" >&2; exit 2 ;;
	esac ;;
node) node_start "${3:?which node}" && wait_ready "http://127.0.0.1:$((PORT + $3))" ;;
*) sed -n '2,/^set/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
