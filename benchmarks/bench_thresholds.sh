#!/usr/bin/env bash
# ProAct threshold training time against its goals (issue 4): lenet5 within 3 minutes, vgg-small
# within 20, wall clock on this 2-core machine, one thread, default knobs, seed 1.
# Usage: benchmarks/bench_thresholds.sh [BUILD_DIR]   (env: MODELS, default "lenet5"; vgg-small takes
# about a quarter of an hour, so `make bench` leaves it out: MODELS="lenet5 vgg-small" adds it)
source "$(dirname "$0")/bench-args.sh" "$@"
models=${MODELS:-lenet5}
export OMP_NUM_THREADS=1

printf '%-14s %12s %12s %10s %8s\n' model "wall s" "cpu s" "goal s" verdict
for model in $models; do
  case "$model" in
    lenet5) goal=180 ;;
    vgg-small) goal=1200 ;;
    *) goal=0 ;;
  esac
  TIMEFORMAT='%R %U %S'
  { time "$proact" thresholds --model "$model" --method proact --seed 1 --threads 1 \
      --out "$work/$model.json" > /dev/null 2> "$work/$model.log"; } 2> "$work/$model.time" \
    || { cat "$work/$model.log" >&2; exit 1; }
  read -r wall user system < "$work/$model.time"
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')
  verdict=$(awk -v w="$wall" -v g="$goal" 'BEGIN { print g == 0 ? "-" : (w <= g ? "met" : "MISSED") }')
  printf '%-14s %12.1f %12.1f %10s %8s\n' "$model" "$wall" "$cpu" "$goal" "$verdict"
done
