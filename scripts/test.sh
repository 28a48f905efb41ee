#!/bin/sh
# `make test`: install what is missing, build twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer), run every test in both, and
# end with one line "N passed, N failed" counting test cases.
set -u
cd "$(dirname "$0")/.."
scripts/deps.sh --test || exit 1
[ -f build/build.ninja ] || meson setup build >/dev/null || exit 1
[ -f build-asan/build.ninja ] || meson setup build-asan -Dbuildtype=debug -Db_sanitize=address,undefined \
	-Db_lundef=false -Dc_args=-fno-sanitize-recover=all >/dev/null || exit 1

status=0
meson test -C build --print-errorlogs || status=1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs || status=1
python3 scripts/test_summary.py build build-asan || status=1
exit $status
