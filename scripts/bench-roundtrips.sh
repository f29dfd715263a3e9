#!/bin/sh
# Counts the round trips each command waits on: the stand-in delays every
# answer by LATENCY (default 100 ms), and rounds = (wall with latency - wall
# without) / latency. Requests are counted in the --debug log. Prints one
# line per command; BENCHMARKS.md records the numbers.
#   scripts/bench-roundtrips.sh [LATENCY_MS] [RUNS]
set -eu
cd "$(dirname "$0")/.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"
lat=${1:-100}
runs=${2:-3}
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp"/pid.* 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/gtw" .
go build -trimpath -o "$tmp/fake" ./gitlab/fake/cmd/fake-gitlab

# start NAME LATENCY EXTRA...: a stand-in in the background, its URL in $tmp/url.NAME
start() {
	name=$1 latency=$2; shift 2
	"$tmp/fake" -latency "${latency}ms" -url-file "$tmp/url.$name" "$@" >/dev/null 2>&1 &
	echo $! > "$tmp/pid.$name"
	while [ ! -s "$tmp/url.$name" ]; do sleep 0.05; done
}
# wall NAME CMD...: median wall time in ms of $runs runs against stand-in NAME
# (signed in as $CRED, the Maintainer alice by default; stdin from $STDIN);
# the requests of the last run are in $tmp/requests. An argument "ID" is a
# token id, a fresh one per run (rotate and revoke change the token).
wall() {
	name=$1; shift
	: > "$tmp/times"
	i=0
	while [ $i -lt "$runs" ]; do
		rm -f "$tmp/debug"
		id=$((next_id + i))
		set -- $(echo "$@" | sed "s/\bID\b/$id/")
		s=$(date +%s%N)
		GITLAB_TOKEN=${CRED:-glpat-demo-maintainer-00000} "$tmp/gtw" "$@" --host "$(cat "$tmp/url.$name")" --debug "$tmp/debug" \
			>/dev/null 2>&1 <"${STDIN:-/dev/null}" || true
		set -- $(echo "$@" | sed "s/\b$id\b/ID/")
		e=$(date +%s%N)
		echo $(( (e - s) / 1000000 )) >> "$tmp/times"
		i=$((i + 1))
	done
	grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* (GET|POST|DELETE|PUT) ' "$tmp/debug" > "$tmp/requests" || true
	sort -n "$tmp/times" | awk '{t[NR]=$1} END {print t[int((NR+1)/2)]}'
}
row() {
	label=$1; shift
	w0=$(wall fast "$@"); n=$(cat "$tmp/requests")
	w1=$(wall slow "$@")
	awk -v l="$label" -v a="$w0" -v b="$w1" -v lat="$lat" -v n="$n" \
		'BEGIN {printf "%-44s %5d ms  %5d ms  %4.1f round trips  %4d requests\n", l, a, b, (b-a)/lat, n}'
}
next_id=0
start fast 0 -project-tokens 40
start slow "$lat" -project-tokens 40
printf "%-44s %8s  %8s  (latency %d ms per answer, median of %d)\n" command "no delay" delayed "$lat" "$runs"
row "create -R acme/web" create -R acme/web
row "create -R acme/web --no-verify" create -R acme/web --no-verify
row "create -R acme/web --dry-run" create -R acme/web --dry-run
# rotate and revoke change the token they act on: a fresh one per run (the
# seeded tokens have ids 7 to 46 on both stand-ins).
next_id=7
row "rotate -R acme/web ID --no-verify" rotate -R acme/web ID --no-verify
next_id=17
row "rotate -R acme/web ID (and verify)" rotate -R acme/web ID
next_id=27
row "revoke -R acme/web ID --yes" revoke -R acme/web ID --yes
row "list -R acme/web (40 active)" list -R acme/web
# check reads the token under test from stdin: alice's read_api token.
echo glpat-demo-readonly-0000000 > "$tmp/checked"
STDIN="$tmp/checked" row "check -R acme/web (a token on stdin)" check -R acme/web
kill "$(cat "$tmp/pid.fast")" "$(cat "$tmp/pid.slow")"
rm -f "$tmp"/url.* "$tmp"/pid.*
start fast 0 -project-tokens 2000
start slow "$lat" -project-tokens 2000
row "list -R acme/web (2000 active)" list -R acme/web
kill "$(cat "$tmp/pid.fast")" "$(cat "$tmp/pid.slow")"
rm -f "$tmp"/url.* "$tmp"/pid.*
start fast 0 -project-tokens 100 -revoked-tokens 1900
start slow "$lat" -project-tokens 100 -revoked-tokens 1900
row "list -R acme/web (100 active, 1900 revoked)" list -R acme/web
kill "$(cat "$tmp/pid.fast")" "$(cat "$tmp/pid.slow")"
rm -f "$tmp"/url.* "$tmp"/pid.*
# Group tokens and service accounts, as the Owner olivia of acme. "ID" makes
# a new account on each run; the reused one is made by the row before it.
start fast 0 -service-accounts
start slow "$lat" -service-accounts
export CRED=glpat-demo-owner-0000000000
row "create -g acme" create -g acme
row "create -g acme --no-verify" create -g acme --no-verify
next_id=100
row "create --service-account NEW --group acme -R acme/web" create --service-account sa-ID --group acme -R acme/web --name jira-ID
row "  the same account again (reused)" create --service-account sa-100 --group acme -R acme/web --name jira-again-ID
next_id=200
row "create --service-account NEW --group acme" create --service-account sa-ID --group acme --name jira-ID
echo "The wizard's path: go test -run '^\$' -bench WizardRoundTrips -benchtime 3x ./wizard"
