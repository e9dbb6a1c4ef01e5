# The two commands of the README's quick start; each installs what is missing first.
#
#   make run    build and open the sample photo with the offline fill (no key needed)
#   make test   build and run the whole test suite headless
#
# BUILD, MESON_ARGS and TEST_ARGS (for meson test) may be overridden (CI uses
# MESON_ARGS=-Dwerror=true).
#
#   make fuzz   build the fuzz targets with clang and sanitizers (in _build-fuzz) and run
#               each for FUZZ_SECONDS (default 60); prints executions and findings

BUILD ?= _build
MESON_ARGS ?=
TEST_ARGS ?=
SAMPLE ?= data/sample/kite.jpg
FUZZ_SECONDS ?= 60

.PHONY: all deps build run test bench fuzz clean

all: build

deps:
	@tools/install-deps

build: deps
	@if [ ! -f $(BUILD)/build.ninja ]; then \
	  meson setup $(BUILD) $(MESON_ARGS); \
	elif [ -n "$(MESON_ARGS)" ]; then \
	  meson configure $(BUILD) $(MESON_ARGS); \
	fi
	ninja -C $(BUILD)

run: build
	tools/run-uninstalled $(BUILD) $(BUILD)/src/app/repaint --provider local $(SAMPLE)

test: build
	tools/headless-run meson test -C $(BUILD) --print-errorlogs --num-processes 2 $(TEST_ARGS)

bench: build
	@tools/install-deps --bench
	ninja -C $(BUILD) bench

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz

clean:
	rm -rf $(BUILD)
