#!/usr/bin/env bash
# The co-design explorer's speed goal: a sweep of 2 arrays x 2 dataflows x 5 voltages x
# 3 protections x 2 ECC on lenet5 (120 design points), 20 maps per point on the whole test split,
# in under 10 minutes on 2 cores. Printed beside it, measured in the same run: the naive cost of
# running every point separately (a one-point exploration per point, timed on a sample of points
# and multiplied by the number of points), and the ratio.
# Usage: benchmarks/bench_explore.sh [BUILD_DIR]   (env: WORK=DIR keeps the outputs; SAMPLE=N
# points timed alone, default 4)
source "$(dirname "$0")/bench-args.sh" "$@"
zoo=models/zoo/lenet5
protections="none,$zoo.ranger.thresholds.json,$zoo.proact.thresholds.json"
sweep=(--model lenet5 --maps 20 --threads 2)
seconds() { python3 -c "import time; print(time.time())"; }

rm -rf "$work/shared"
start=$(seconds)
"$proact" explore "${sweep[@]}" --arrays 16x16,32x32 --dataflows ws,os --voltages 0.9,0.8,0.7,0.65,0.6 \
  --protections "$protections" --ecc none,secded-39-32 --out "$work/shared" --json > "$work/shared.json"
shared=$(python3 -c "print($(seconds) - $start)")
points=$(python3 -c "import json; print(json.load(open('$work/shared.json'))['design_points'])")

# The naive way: each point alone (its own campaign of one voltage and one protection, its own costs).
sample=${SAMPLE:-4}
tail -n +2 "$work/shared/points.csv" | awk -v n="$sample" -v total="$points" 'NR % int(total / n) == 1' |
  head -n "$sample" > "$work/sample.csv"
alone=0
while IFS=, read -r array dataflow format ecc protection _method volts _rest; do
  printf 'array,dataflow,format,ecc,volts,protection\n%s,%s,%s,%s,%s,%s\n' "$array" "$dataflow" "$format" "$ecc" \
    "$volts" "$protection" > "$work/one.csv"
  rm -rf "$work/one"
  start=$(seconds)
  "$proact" explore "${sweep[@]}" --points "$work/one.csv" --out "$work/one" --json > /dev/null
  alone=$(python3 -c "print($alone + $(seconds) - $start)")
done < "$work/sample.csv"

python3 - "$shared" "$points" "$alone" "$sample" <<'PY'
import sys
shared, points, alone, sample = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
per_point = alone / sample
naive = per_point * points
print(f"explore lenet5: {points} design points, 20 maps each, whole test split")
print(f"  shared sweep            {shared:8.1f} s   (goal: under 600 s)")
print(f"  naive, point by point   {naive:8.1f} s   ({per_point:.1f} s per point alone, {sample} points timed)")
print(f"  naive / shared          {naive / shared:8.1f} x")
PY
