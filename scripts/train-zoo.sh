#!/usr/bin/env bash
# Reproduces the committed model zoo (models/zoo/*.ckpt) with the project's own trainer.
# Usage: scripts/train-zoo.sh [BUILD_DIR] [MODEL...]   (default: build, all three models)
# Each command below is the exact one that made the committed checkpoint (see docs/zoo.md).
# Env: ZOO_OUT=DIR writes the checkpoints there instead of models/zoo (scripts/check-artifacts.sh).
source "$(dirname "$0")/zoo-args.sh" "$@"
proact="$build/sw/proact"
zoo=${ZOO_OUT:-models/zoo}

for model in "${models[@]}"; do
  case "$model" in
    lenet5)
      "$proact" train --model lenet5 --epochs 20 --optimizer adam --lr 1e-3 --weight-decay 1e-4 \
        --seed 1 --out "$zoo/lenet5.ckpt" ;;
    vgg-small)
      "$proact" train --model vgg-small --epochs 15 --optimizer adam --lr 2e-3 --weight-decay 5e-4 \
        --augment --seed 1 --out "$zoo/vgg-small.ckpt" ;;
    resnet-small)
      # Ten epochs from scratch, then two of fine-tuning at a lower rate without augmentation.
      "$proact" train --model resnet-small --epochs 10 --optimizer adam --lr 2e-3 --weight-decay 5e-4 \
        --augment --seed 1 --out "$build/zoo-stage/resnet-small-base.ckpt"
      "$proact" train --model resnet-small --init "$build/zoo-stage/resnet-small-base.ckpt" --epochs 2 \
        --optimizer adam --lr 2e-4 --weight-decay 5e-4 --seed 2 --out "$zoo/resnet-small.ckpt" ;;
    *) echo "train-zoo: unknown model '$model' (expected lenet5, vgg-small, resnet-small)" >&2; exit 2 ;;
  esac
done
