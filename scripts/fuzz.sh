#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of testbenches/fuzz with clang, every library under ASan
# and UBSan, in build-fuzz/, and runs each reader's target for a budget: FUZZ_RUNS executions
# (default 1000000) or FUZZ_SECONDS (default 600), whichever comes first. Seeds are the
# repository's own files of each kind; the corpus grows in out/fuzz/<reader>/corpus/ (kept between
# runs) and a crashing input lands in out/fuzz/<reader>/. Prints executions, time and findings per
# target; exits non-zero when any target found something.
# Usage: scripts/fuzz.sh [READER...]   (default: every reader; env FUZZ_BUILD_DIR, default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh fuzz
build=${FUZZ_BUILD_DIR:-build-fuzz}
runs=${FUZZ_RUNS:-1000000}
seconds=${FUZZ_SECONDS:-600}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DPROACT_FUZZ=ON > /dev/null
cmake --build "$build" -j "$(nproc)" --target fuzzers

seeds() {  # $1: reader; prints the seed files (the repository's own inputs of that kind)
  case "$1" in
    config) ls examples/accelerator/*.json ;;
    thresholds) ls models/zoo/lenet5.*.thresholds.json ;;
    checkpoint) echo models/zoo/lenet5.ckpt ;;
    scalesim_config) ls examples/scalesim/*.cfg ;;
    topology) ls examples/scalesim/*.csv ;;
    idx) ls /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz ;;
    onnx) ls testbenches/fixtures/onnx/*.onnx ;;
    energy_table) echo hw/energy/energy-45nm.json ;;
    *) ;;
  esac
}

readers=("$@")
if [ ${#readers[@]} -eq 0 ]; then  # every target the build made
  for target in "$build"/testbenches/fuzz/fuzz_*; do readers+=("${target##*/fuzz_}"); done
fi
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
printf '%-16s %12s %9s  %s\n' target executions seconds result
failed=0
for reader in "${readers[@]}"; do
  dir="out/fuzz/$reader"
  mkdir -p "$dir/corpus" "$dir/seeds"
  while read -r seed; do [ -n "$seed" ] && cp "$seed" "$dir/seeds/"; done < <(seeds "$reader")
  case "$reader" in
    map_log) gzip -dc docs/results/lenet5-seeds/maps.jsonl.gz | sed -n 1,20p > "$dir/seeds/maps.jsonl" ;;  # sed reads it all: no SIGPIPE
    design_points) printf 'array,dataflow,format,ecc,volts,protection\n16x16,ws,int8,none,0.7,none\n' > "$dir/seeds/points.csv" ;;
  esac
  dict=()
  case "$reader" in config|thresholds|voltage_table|fault_map|energy_table|map_log) dict=(-dict=testbenches/fuzz/json.dict) ;; esac
  log="$dir/last-run.log"
  status=0
  "$build/testbenches/fuzz/fuzz_$reader" "$dir/corpus" "$dir/seeds" "${dict[@]}" -runs="$runs" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$dir/" -print_final_stats=1 \
    > "$log" 2>&1 || status=$?
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "?")
  if [ "$status" -eq 0 ]; then
    result="0 crashes, 0 hangs, 0 leaks"
  else
    failed=1
    result="FOUND: $(ls -t "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* 2>/dev/null | head -n 1 || true) (log $log)"
  fi
  printf '%-16s %12s %9s  %s\n' "$reader" "$executions" "$took" "$result"
done
exit "$failed"
