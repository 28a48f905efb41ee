# The commands the README promises.  Meson and Ninja do the building; this
# file only names what people type.
BUILD := build

.PHONY: all build demo test bench fuzz clean deps install

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

# Install the binary, banyan(1), the systemd unit and its user, and the
# proxies' examples under PREFIX (staged under DESTDIR when set).
PREFIX := /usr/local
install: build
	@meson configure $(BUILD) --prefix=$(PREFIX)
	@DESTDIR="$(DESTDIR)" meson install -C $(BUILD)

# Print the benchmark figures (see bench/README.md).
bench: build
	@scripts/deps.sh --bench
	@bench/http_health.sh $(BUILD)

# Coverage-guided fuzzing with clang's libFuzzer, FUZZ_SECONDS per target.
# New inputs go to build-fuzz/found-NAME; copy the interesting ones into tests/fuzz/corpus/NAME.
FUZZ_SECONDS := 60
fuzz: deps
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzzing=true -Dbuildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false
	@ninja -C build-fuzz
	@for t in calendar codes csv router vouchers; do \
		mkdir -p build-fuzz/found-$$t; \
		build-fuzz/tests/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) build-fuzz/found-$$t tests/fuzz/corpus/$$t || exit 1; \
	done

clean:
	rm -rf build build-asan build-fuzz
