#!/bin/sh
# make sqlmap: Debian's sqlmap against a loopback server on a copy of the
# fixture database, over every kind of input: path segments, query
# strings, and CSRF-protected forms.  Fails if sqlmap finds any injection.
set -eu
BIN=${1:-build/turnout}
OUT=build/sqlmap
mkdir -p "$OUT"
rm -f "$OUT"/test.db*
cp build/test/fixture.db "$OUT/test.db"
port=$((30000 + $$ % 20000))
base="http://127.0.0.1:$port"
# (forms fetch a fresh CSRF token per request, which sqlmap runs unthreaded)
# generous limits: sqlmap sends thousands of requests
TURNOUT_RATE_SIGNIN_IP=100000/100000 TURNOUT_RATE_SIGNIN_ACCOUNT=100000/100000 \
TURNOUT_RATE_SIGNUP_IP=100000/100000 TURNOUT_RATE_PASSWORD_IP=100000/100000 \
TURNOUT_RATE_PASSWORD_ACCOUNT=100000/100000 TURNOUT_OUTBOX="$OUT/outbox" \
	"$BIN" serve --port "$port" --db "$OUT/test.db" --access-log off 2>"$OUT/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0
until grep -q 'listening on' "$OUT/serve.log"; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$OUT/serve.log"; exit 1; }; sleep 0.1
done

found=0
scan() { # description, then sqlmap arguments
	what=$1; shift
	log="$OUT/$(echo "$what" | tr -c 'a-z0-9' '_').log"
	sqlmap --batch --flush-session --level=2 --risk=1 --time-sec=2 \
		--output-dir="$OUT/sessions" --disable-coloring "$@" >"$log" 2>&1 || true
	if grep -qiE 'identified the following injection point|is vulnerable' "$log"; then
		echo "sqlmap: INJECTION FOUND in $what (see $log)"; found=1
	elif grep -qE 'all tested parameters do not appear to be injectable|does not seem to be injectable' "$log"; then
		echo "sqlmap: $what: nothing found"
	else
		echo "sqlmap: $what: scan did not complete (see $log)"; found=1
	fi
}
scan "marginals query" --threads=2 -u "$base/api/v1/marginals?postcode=DE221AA&election=2024&max_majority_pct=5&party=lab&limit=5"
scan "postcode path" --threads=2 -u "$base/postcodes/DE221AA*"
scan "outcode path" --threads=2 -u "$base/outcodes/DE22*"
scan "reverse query" --threads=2 -u "$base/postcodes?lon=-1.48&lat=52.93&radius=100&limit=5"
scan "autocomplete" --threads=2 -u "$base/postcodes/DE22*/autocomplete?limit=5"
scan "constituency" --threads=2 -u "$base/api/v1/constituencies/E14001193*?election=2024"
scan "sign-in form" -u "$base/signin" --data "csrf=x&email=someone%40example.org" \
	--csrf-token=csrf --csrf-url="$base/signin" -p email
scan "sign-up form" -u "$base/signup" --data "csrf=x&name=Sam&email=sam%40example.org&postcode=DE221AA&phone=07700900123" \
	--csrf-token=csrf --csrf-url="$base/signup" -p "name,email,postcode,phone"
scan "password form" -u "$base/signin/password" --data "csrf=x&email=a%40example.org&password=whatever12345" \
	--csrf-token=csrf --csrf-url="$base/signin" -p "email,password" --ignore-code=401
exit $found
