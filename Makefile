# Thin wrapper: every real rule lives in CMake.
SRC_DIR := $(abspath .)
ifeq ($(filter /tmp/%,$(SRC_DIR)),)
BUILD ?= build
else
# Workloads get a private /tmp in the sandbox, where a build tree under the
# host's /tmp (its test helpers, its temp dirs) would be invisible.
BUILD ?= /var/tmp/profile-build$(subst /,-,$(SRC_DIR))
endif
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build test bench demo clean

all: build

deps:
	@bash cmake/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 600

# Timings, never run by `make test`: see bench/README.md.
bench: $(BUILD)/CMakeCache.txt
	@bash cmake/install-deps.sh bench
	cmake --build $(BUILD) -j $(JOBS) --target profile helper_eb_loop
	bash bench/run.sh $(BUILD)

demo: build
	@bash profiles/examples/demo.sh $(BUILD)/profile

clean:
	rm -rf $(BUILD)
