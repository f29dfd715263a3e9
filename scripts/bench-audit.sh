#!/bin/sh
# Audits the stand-in's "audit" seed, the group bigco with 10 000 projects
# (in 111 groups) and 20 000 project and group tokens of every shape, as its
# Owner, and prints a Markdown row per run: wall time, requests, tokens
# found and peak memory (/usr/bin/time -v, GNU). The stand-in runs as its
# own process, so its memory is not counted.
#
#   scripts/bench-audit.sh                 # concurrency 1 4 8 16, latency 0 and 20ms
#   LATENCIES="20ms" scripts/bench-audit.sh 8 16
set -eu
cd "$(dirname "$0")/.."
levels=${*:-1 4 8 16}
latencies=${LATENCIES:-0s 20ms}
tmp=$(mktemp -d)
fake_pid=
stop_fake() {
	if [ -n "$fake_pid" ]; then
		kill "$fake_pid" 2>/dev/null || true
		wait "$fake_pid" 2>/dev/null || true
		fake_pid=
	fi
}
trap 'stop_fake; rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/gtw" .
go build -o "$tmp/fake-gitlab" ./gitlab/fake/cmd/fake-gitlab

start_fake() {
	stop_fake
	rm -f "$tmp/url"
	"$tmp/fake-gitlab" -seed audit -url-file "$tmp/url" "$@" >/dev/null 2>&1 &
	fake_pid=$!
	while [ ! -s "$tmp/url" ]; do sleep 0.1; done
}

# run LABEL CONCURRENCY [GROUP TOKEN]: one audit, one row.
run() {
	GITLAB_HOST=$(cat "$tmp/url") GITLAB_TOKEN=${4:-glpat-demo-owner-0000000000} \
		/usr/bin/time -v -o "$tmp/time" "$tmp/gtw" audit --group "${3:-bigco}" -F json --concurrency "$2" >"$tmp/out" 2>"$tmp/err" || true
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
	requests=$(grep -o '"requests": [0-9]*' "$tmp/out" | grep -o '[0-9]*$' || echo "?")
	tokens=$(grep -o '"tokens": [0-9]*' "$tmp/out" | grep -o '[0-9]*$' || echo "?")
	echo "| $1 | $2 | $wall | $requests | $tokens | $(awk -v k="$rss" 'BEGIN{printf "%.1f MB", k/1024}') |"
}

echo "| stand-in | concurrency | wall (m:ss) | requests | tokens found | peak RSS |"
echo "|---|---|---|---|---|---|"
for lat in $latencies; do
	start_fake -latency "$lat"
	for n in $levels; do
		run "walk, latency $lat" "$n"
	done
	start_fake -latency "$lat" -inventory
	run "inventory, latency $lat" 8
done
# Memory follows the tokens found, not the projects walked: the "large"
# seed's group farm holds 5 000 projects and no token.
stop_fake
rm -f "$tmp/url"
"$tmp/fake-gitlab" -seed large -url-file "$tmp/url" >/dev/null 2>&1 &
fake_pid=$!
while [ ! -s "$tmp/url" ]; do sleep 0.1; done
run "5 000 projects, no token" 8 farm glpat-demo-maintainer-00000
