#!/usr/bin/env bash
# Remakes committed zoo artifacts with their documented commands into a scratch folder and
# compares them with the committed ones (scripts/compare-artifacts.py: bit for bit, timing aside).
# Usage: scripts/check-artifacts.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
# Env: KINDS="thresholds checkpoints" (default both). Threshold files are remade from the committed
# checkpoints. Times on 2 cores: lenet5 about 8 min in all, vgg-small and resnet-small 1-2 h each.
source "$(dirname "$0")/zoo-args.sh" "$@"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=0
for kind in ${KINDS:-thresholds checkpoints}; do
  case "$kind" in
    thresholds) ZOO_OUT="$scratch" bash scripts/make-thresholds.sh "$build" "${models[@]}" > /dev/null
                files=() ; for m in "${models[@]}"; do files+=("models/zoo/$m".*.thresholds.json); done ;;
    checkpoints) ZOO_OUT="$scratch" bash scripts/train-zoo.sh "$build" "${models[@]}" > /dev/null
                 files=() ; for m in "${models[@]}"; do files+=("models/zoo/$m.ckpt"); done ;;
    *) echo "check-artifacts: unknown kind '$kind' (expected thresholds, checkpoints)" >&2; exit 2 ;;
  esac
  for committed in "${files[@]}"; do
    /usr/bin/python3 scripts/compare-artifacts.py "$committed" "$scratch/$(basename "$committed")" || failed=1
  done
done
exit $failed
