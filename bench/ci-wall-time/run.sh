#!/usr/bin/env bash
# Times `.ci/run` step by step from a fresh clone of this checkout (HEAD), the way CI runs it, and prints one line
# per step: seconds, then the command. Usage: bench/ci-wall-time/run.sh [clone-dir]
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
dir=${1:-$(mktemp -d /tmp/onair-ci-bench.XXXXXX)}
git clone -q "$repo" "$dir/main"
[ -e "$dir/shared" ] || ln -s "$repo/../shared" "$dir/shared"
trace="$dir/trace"
cd "$dir/main"
start=$(date +%s.%N)
# Each top-level command of .ci/run is traced with the time it starts (bash ignores PS4 from the environment when
# run as root, so the copy sets it itself; it lives beside .ci/run, so its `cd` lands in the same place).
sed "2i PS4='+run:\$(date +%s.%N): '; set -x" .ci/run >.ci/run.timed
bash .ci/run.timed 2>"$trace" >"$dir/output" || {
  echo "ci-wall-time: .ci/run failed; see $dir/output and $trace" >&2
  exit 1
}
end=$(date +%s.%N)
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
grep '^+run:' "$trace" | awk -v end="$end" '
  { split($0, a, ": "); t[NR] = substr(a[1], 6); cmd[NR] = substr($0, length(a[1]) + 3) }
  END { for (i = 1; i <= NR; i++) printf "%7.1f s  %s\n", ((i < NR ? t[i + 1] : end) - t[i]), cmd[i] }'
awk -v s="$start" -v e="$end" 'BEGIN { printf "%7.1f s  total\n", e - s }'
