#!/usr/bin/env bash
# Instructions executed per operation, counted by cachegrind (deterministic, unlike timings on a
# shared machine). Each operation runs twice, N and 2N times (or over two files), and the
# difference is divided by the extra count, so that start-up does not count.
#
#   bash benches/instructions.sh            # needs valgrind (apt-get install valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found (apt-get install valgrind)" >&2; exit 1; }
cargo build --release --quiet --example instructions --example generate
bin=target/release/examples/instructions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # instructions of one run of the binary with its arguments
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$tmp/cg" "$@" 2>&1 >/dev/null \
    | sed -n 's/.*I *refs: *//p' | tr -d ,
}

per() { # per: LABEL N ARGS... — instructions per repetition of the operation
  local label=$1 n=$2; shift 2
  local one two
  one=$(count "$bin" "$@" "$n")
  two=$(count "$bin" "$@" $((2 * n)))
  printf '%-44s %10d\n' "$label" $(( (two - one) / n ))
}

echo "operation                                    instructions"
per "customer/build (the benches' customer)" 2000 build
for action in invest retain restructure offboard decline look_back; do
  per "assess_recommend/$action (a sample customer)" 200 "action:$action"
done
n=$(python3 -c "import json;print(len(json.load(open('examples/data/customers.json'))))" 2>/dev/null || echo 63)
two=$(count "$bin" assess-recommend 20); one=$(count "$bin" assess-recommend 10)
printf '%-44s %10d\n' "assess_recommend/sample-mean (per customer)" $(( (two - one) / (10 * n) ))
per "what_to_collect/provisional (C-063)" 5 what-to-collect
target/release/examples/generate 10000 "$tmp/10k.csv" >/dev/null 2>&1
target/release/examples/generate 100000 "$tmp/100k.csv" >/dev/null 2>&1
small=$(count "$bin" csv "$tmp/10k.csv"); large=$(count "$bin" csv "$tmp/100k.csv")
printf '%-44s %10d\n' "csv end to end (per customer, 10k to 100k)" $(( (large - small) / 90000 ))
for op in read read-csv-serde; do
  small=$(count "$bin" $op "$tmp/10k.csv"); large=$(count "$bin" $op "$tmp/100k.csv")
  printf '%-44s %10d\n' "$op (per customer built, 10k to 100k)" $(( (large - small) / 90000 ))
done
