#!/bin/sh
# Times the real binary: start-up, a dry run and a full create with
# verification against the built-in stand-in. Prints the median wall time
# of N runs and the largest resident set size. Needs /usr/bin/time (GNU).
set -eu
cd "$(dirname "$0")/.."
n=${1:-15}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/gtw" .
ls -l "$tmp/gtw" | awk '{printf "binary size: %.1f MiB\n", $5/1048576}'
measure() {
	name=$1; shift
	: > "$tmp/times"
	i=0
	while [ $i -lt "$n" ]; do
		start=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$tmp/rss" "$@" >/dev/null 2>&1 </dev/null || true
		end=$(date +%s%N)
		echo "$(( (end - start) / 1000 )) $(cat "$tmp/rss")" >> "$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk -v name="$name" '{t[NR]=$1; if ($2>m) m=$2} END {printf "%-34s median %6.1f ms   max RSS %5.1f MB   (%d runs)\n", name, t[int((NR+1)/2)]/1000, m/1024, NR}'
}
measure "--version" "$tmp/gtw" --version
measure "create --demo --dry-run" "$tmp/gtw" create --demo -R acme/web --dry-run
measure "create --demo (create + verify)" "$tmp/gtw" create --demo -R acme/web
