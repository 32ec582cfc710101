#!/usr/bin/env bash
# The campaigns behind docs/results.md, with the committed zoo checkpoints and threshold files.
# Usage: scripts/reproduce-results.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
# Parts (PARTS, default all four):
#   protocol   <model>-paper: every method under the paper's fault protocol;
#   hardware   <model>-bernoulli and <model>-voltage: every method on the accelerator, thresholds faulted too;
#   seeds      <model>-seeds: ProAct and FitAct trained with seeds 1, 2 and 3, under the paper's protocol;
#   ablations  <model>-ablations: ProAct against its ablations (ABLATION_MODELS, default lenet5 vgg-small),
#              and <model>-budget: ProAct against ProAct trained 3 epochs per decay on the whole
#              training split, 16.5 times the default budget (BUDGET_MODELS, default lenet5).
# Outputs: out/results/<campaign>/ (maps.jsonl, results.csv, campaign.json, plot); each finished
# campaign's results.csv, campaign.json and maps.jsonl.gz are copied to docs/results/<campaign>/ and
# its plot to docs/results/<campaign>.png, the small files docs/results.md is checked against. The
# threshold files of other seeds and of the ablations go to out/thresholds/ (made once, then
# reused); the ProAct ones (18-35 minutes of training each on 2 shared cores) are also kept,
# gzipped, in docs/results/thresholds/, and taken from there when out/ does not have them.
# Env: NP=N runs every campaign on N MPI ranks (same numbers as one process); PAPER_IMAGES and
# HW_IMAGES override the test images per campaign (0 = all 10000). An interrupted run continues
# where it stopped when started again (--resume).
source "$(dirname "$0")/zoo-args.sh" "$@"
proact=("$build/sw/proact")
if [ "${NP:-1}" -gt 1 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  proact=(mpirun -np "$NP" "$build/sw/proact")
fi
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive
parts=" ${PARTS:-protocol hardware seeds ablations} "
ablation_models=" ${ABLATION_MODELS:-lenet5 vgg-small} "
budget_models=" ${BUDGET_MODELS:-lenet5} "

campaign() {  # $1: campaign name (<model>-<kind>), then campaign flags
  local name=$1; shift
  local out="out/results/$name" resume=()
  [ -f "$out/campaign.json" ] && resume=(--resume)
  "${proact[@]}" campaign --out "$out" "${resume[@]}" --seed 1 --maps 100 "$@"
  mkdir -p "docs/results/$name"
  cp "$out/results.csv" "$out/campaign.json" "docs/results/$name/"
  gzip -9 -n -c "$out/maps.jsonl" > "docs/results/$name/maps.jsonl.gz"
  cp "$out/accuracy_vs_rate.png" "docs/results/$name.png"
}

thresholds() {  # $1: output file under out/thresholds/, then `proact thresholds` flags; made once
  local out=$1; shift
  local kept="docs/results/thresholds/${out#out/thresholds/}.gz"
  [ -f "$out" ] && return
  mkdir -p "$(dirname "$out")"
  if [ -f "$kept" ]; then
    gunzip -c "$kept" > "$out"
    return
  fi
  "$build/sw/proact" thresholds --threads 1 --out "$out" "$@"
  if [[ " $* " == *" --method proact "* ]]; then
    mkdir -p "$(dirname "$kept")"
    gzip -9 -n -c "$out" > "$kept"
  fi
}

for model in "${models[@]}"; do
  zoo="models/zoo/$model"
  # lenet5 on its whole test split; the larger models on the first 2000 (accelerator: 1000) test images.
  case "$model" in
    lenet5) paper_images=${PAPER_IMAGES:-0} hw_images=${HW_IMAGES:-2000} engine=systemc ;;
    *) paper_images=${PAPER_IMAGES:-2000} hw_images=${HW_IMAGES:-1000} engine=functional ;;
  esac
  methods=()
  for method in ranger ranger-nw ftclipact fitact proact; do methods+=(--thresholds "$zoo.$method.thresholds.json"); done
  paper=(--model "$model" --limit "$paper_images" --fault-model proact-paper)

  if [[ $parts == *" protocol "* ]]; then
    # The paper's protocol: Q15.16 weights, biases and neuron-wise thresholds.
    campaign "$model-paper" "${paper[@]}" --thresholds none "${methods[@]}" --rates 1e-7,1e-6,3e-6,1e-5,3e-5,1e-4,3e-4
  fi

  if [[ $parts == *" hardware "* ]]; then
    # The accelerator in hardware clip mode: physical weight-SRAM cells, Q15.16 words, the
    # thresholds in their registers and table windows, faulted too.
    hardware=(--model "$model" --limit "$hw_images" --engine "$engine" --threshold-faults --thresholds none "${methods[@]}")
    campaign "$model-bernoulli" "${hardware[@]}" --fault-model bernoulli --rates 1e-7,1e-6,1e-5,3e-5,1e-4,3e-4
    campaign "$model-voltage" "${hardware[@]}" --fault-model voltage --rates 0.9,0.8,0.75,0.7,0.65,0.6
  fi

  if [[ $parts == *" seeds "* ]]; then
    # Threshold-training seeds 2 and 3 beside the committed seed 1.
    seeded=()
    for method in proact fitact; do
      seeded+=(--thresholds "$method-s1=$zoo.$method.thresholds.json")
      for seed in 2 3; do
        file="out/thresholds/seed$seed/$model.$method.thresholds.json"
        thresholds "$file" --model "$model" --method "$method" --seed "$seed"
        seeded+=(--thresholds "$method-s$seed=$file")
      done
    done
    campaign "$model-seeds" "${paper[@]}" "${seeded[@]}" --rates 1e-5,3e-5,1e-4
  fi

  if [[ $parts == *" ablations "* && $ablation_models == *" $model "* ]]; then
    # ProAct (the committed file) against each ablation, trained with its defaults otherwise.
    ablations=(--thresholds "proact=$zoo.proact.thresholds.json")
    for variant in "no-distillation:--no-distillation" "joint:--joint" "nw-first:--neuron-wise-layer first" \
                   "nw-all:--neuron-wise-layer all" "nw-none:--neuron-wise-layer none"; do
      name=${variant%%:*}
      file="out/thresholds/ablations/$model.proact-$name.thresholds.json"
      # shellcheck disable=SC2086  # the variant's flags split on purpose
      thresholds "$file" --model "$model" --method proact --seed 1 ${variant#*:}
      ablations+=(--thresholds "proact-$name=$file")
    done
    campaign "$model-ablations" "${paper[@]}" "${ablations[@]}" --rates 1e-5,3e-5,1e-4
  fi

  if [[ $parts == *" ablations "* && $budget_models == *" $model "* ]]; then
    file="out/thresholds/ablations/$model.proact-budget.thresholds.json"
    thresholds "$file" --model "$model" --method proact --seed 1 --epochs 3 --train-images 0
    campaign "$model-budget" "${paper[@]}" --thresholds "proact=$zoo.proact.thresholds.json" \
      --thresholds "proact-budget=$file" --rates 1e-5,3e-5,1e-4
  fi
done
