#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 300), seeding the corpora from the
# repository, and prints each target's closing libFuzzer line (runs, seconds). Crashes are kept
# in fuzz/artifacts/TARGET/. From the repository root: bash fuzz/run-all.sh 600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(pipeline ingest conllu filters)
export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/corpus/pipeline fuzz/corpus/ingest fuzz/corpus/conllu fuzz/corpus/filters
cp -n seeds/*.txt fuzz/corpus/pipeline/ 2>/dev/null || true
cp -n seeds/*.txt fuzz/corpus/ingest/ 2>/dev/null || true
cp -n crates/newsgraph-nlp/tests/data/*.conllu fuzz/corpus/conllu/ 2>/dev/null || true
for t in "${targets[@]}"; do
  log="fuzz/$t.log"
  started=$(date +%s)
  # -timeout: an input that takes over 10 s is a finding too (a slow path, not a hang).
  cargo fuzz run "$t" -s none -- -max_total_time="$seconds" -timeout=10 -max_len=8192 \
    -print_final_stats=1 >"$log" 2>&1 || echo "$t: stopped with a finding (see $log)"
  echo "$t: $(( $(date +%s) - started )) s wall; $(grep -E '^Done [0-9]+ runs|stat::number_of_executed_units' "$log" | tr '\n' ' ')"
done
