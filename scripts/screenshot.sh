#!/bin/sh
# Draws the README's pictures of the wizard: runs the real binary on --demo
# in tmux, walks the recommended path, captures the screen with its colours
# and renders it to PNG with tools/termshot. Needs tmux.
set -eu
cd "$(dirname "$0")/.."
out=${1:-docs}
tmp=$(mktemp -d)
trap 'tmux -S "$tmp/sock" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/gitlab-token-wizard" .
go build -o "$tmp/termshot" ./tools/termshot
t() { tmux -S "$tmp/sock" "$@"; }
wait_for() {
	i=0
	until t capture-pane -p -t shot | grep -q "$1"; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "never saw: $1" >&2; t capture-pane -p -t shot >&2; exit 1; }
		sleep 0.1
	done
}
shot() { t capture-pane -e -p -t shot | "$tmp/termshot" -cols 100 -rows 34 -o "$out/$1"; echo "wrote $out/$1"; }
t new-session -d -s shot -x 100 -y 34 "env TERM=xterm-256color COLORTERM=truecolor $tmp/gitlab-token-wizard --demo; sleep 30"
wait_for "What is the token for?"
for next in "Which kind of token" "Which project" "you: Maintainer" "Name the token" "When should it expire" "Which role" "Which scopes" "Review: nothing"; do
	[ "$next" = "you: Maintainer" ] || t send-keys -t shot Enter
	wait_for "$next"
done
shot wizard-review.png
t send-keys -t shot Enter
wait_for "reads the latest commit"
shot wizard-result.png
