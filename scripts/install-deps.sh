#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing; idempotent.
# Usage: install-deps.sh [bench|fixtures|fuzz]   (bench adds python3-torch, the reference of
# benchmarks/bench_vs_pytorch.sh; fixtures adds what testbenches/fixtures/onnx/make_fixtures.py
# needs to remake the committed ONNX fixtures, and torchvision for the ResNet-50 of
# scripts/conformance.sh and benchmarks/bench_at_scale.sh and bench_accelerator.sh; fuzz adds
# clang, its libFuzzer and sanitizer runtimes and OpenMP for scripts/fuzz.sh; none is needed to
# build or test)
# Runs as root (as on CI and the developers' machines) or through sudo when available.
set -euo pipefail

packages=(
  cmake make g++ pkg-config
  libeigen3-dev catch2 libboost-dev zlib1g-dev nlohmann-json3-dev libcli11-dev
  libbenchmark-dev gnuplot-nox dataset-fashion-mnist libsystemc-dev
  libopenmpi-dev openmpi-bin python3 python3-numpy
  libonnx-dev libprotobuf-dev protobuf-compiler
)
case "${1:-}" in
  bench) packages+=(python3-torch) ;;
  fixtures) packages+=(python3-torch python3-torchvision python3-onnx) ;;
  fuzz) packages+=(clang libclang-rt-14-dev libomp-14-dev) ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
