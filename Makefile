# The two commands of the README, and the steps they are made of.
# Every target installs what is missing first, so each works on a fresh Debian 12 machine.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
CMAKE_FLAGS ?=

.PHONY: deps configure build test demo bench fuzz install clean

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

bench: build
	@bash scripts/install-deps.sh bench
	@$(BUILD_DIR)/benchmarks/proact_bench
	@bash benchmarks/bench_vs_pytorch.sh $(BUILD_DIR)
	@bash benchmarks/bench_thresholds.sh $(BUILD_DIR)
	@bash benchmarks/bench_accelerator.sh $(BUILD_DIR)
	@bash benchmarks/bench_explore.sh $(BUILD_DIR)

fuzz: deps
	@bash scripts/fuzz.sh

install: build
	@cmake --install $(BUILD_DIR) --prefix $(PREFIX) > /dev/null
	@echo "installed $(PREFIX)/bin/proact (zoo and examples in $(PREFIX)/share/proact)"

clean:
	rm -rf $(BUILD_DIR)
