# The commands the README promises.  Meson and Ninja do the building; this
# file only names what people type.
BUILD := build

.PHONY: all build demo test bench clean deps

all: build

deps:
	@scripts/deps.sh

build: deps
	@test -f $(BUILD)/build.ninja || meson setup $(BUILD)
	@ninja -C $(BUILD)

# Build, create banyan-demo.db with the Fuzhou data set if missing, and serve it.
demo: build
	./$(BUILD)/banyan demo

# Build (plain and sanitized) and run every test; ends with "N passed, N failed".
test:
	@scripts/test.sh

# Print the benchmark figures (see bench/README.md).
bench: build
	@scripts/deps.sh --bench
	@bench/http_health.sh $(BUILD)

clean:
	rm -rf build build-asan
