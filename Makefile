# QuickSpin AI - the front door. Every target first makes sure the Debian
# packages are there (scripts/install-deps), then builds with meson.
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-release
MESON_OPTS ?=
JOBS       ?= $(shell nproc)

.PHONY: all deps build build-asan run test unit integration bench eval fuzz soak clean

all: build

deps:
	@scripts/install-deps
	@tests/mcp/setup || echo "deps: the MCP SDK could not be installed: the mcp_sdk test will be skipped" >&2

$(BUILD)/build.ninja: | deps
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja: | deps
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD) -j $(JOBS)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD) -j $(JOBS)

# Start the whole suite locally: broker, gateway, workers, sandbox.
run: build
	@scripts/run-local $(BUILD)

# Every test, under AddressSanitizer and UndefinedBehaviorSanitizer.
test: build-asan
	scripts/test-all $(ASAN_BUILD)

unit: build-asan
	meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs --num-processes $(JOBS)

integration: build-asan
	meson test -C $(ASAN_BUILD) --suite integration --print-errorlogs --num-processes 1

$(BENCH_BUILD)/build.ninja: | deps
	meson setup $(BENCH_BUILD) --buildtype=release $(MESON_OPTS)

# Benchmarks run on an optimised build, with the peers side by side.
bench: deps $(BENCH_BUILD)/build.ninja
	ninja -C $(BENCH_BUILD) -j $(JOBS)
	@scripts/bench $(BENCH_BUILD)

eval: build
	@scripts/eval $(BUILD)

fuzz:
	@scripts/fuzz long

soak: build
	@scripts/soak $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) build-fuzz
