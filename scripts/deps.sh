#!/bin/sh
# Install the Debian packages banyan needs, only when something is missing,
# so `make demo` and `make test` work on a fresh Debian 12 machine and cost
# nothing on a machine that has them.
set -eu

missing=""
need_pkg() { # pkg-config name, Debian package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
need_cmd() { # command, Debian package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

need_cmd pkg-config pkg-config
need_cmd cc gcc
need_cmd meson meson
need_cmd ninja ninja-build
need_pkg libmicrohttpd libmicrohttpd-dev
need_pkg jansson libjansson-dev
need_pkg libsodium libsodium-dev
need_pkg nettle nettle-dev
need_pkg sqlite3 libsqlite3-dev
need_pkg libpq libpq-dev
need_pkg xlsxwriter libxlsxwriter-dev
need_pkg jemalloc libjemalloc-dev
need_pkg cmocka libcmocka-dev
need_pkg libcurl libcurl4-openssl-dev
need_pkg zlib zlib1g-dev
need_cmd sqlite3 sqlite3
need_cmd gzip gzip
# The console is built with Node.js (20 or newer: Vite 7) and npm.
need_cmd node nodejs
need_cmd npm npm
case "${1:-}" in
--bench)
	need_cmd wrk wrk
	;;
--test)
	# The browser tests drive Debian's Chromium; CJK fonts make the screenshots readable.
	need_cmd chromium chromium
	[ -d /usr/share/fonts/opentype/noto ] || missing="$missing fonts-noto-cjk"
	# The PostgreSQL suites start throw-away clusters of their own (tests/with_postgres.sh).
	ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing="$missing postgresql"
	# The cluster's test (scripts/cluster.sh): HAProxy in front of three nodes, curl to see them up.
	need_cmd haproxy haproxy
	need_cmd curl curl
	# The install test: systemd checks the unit, man renders the manual.
	need_cmd systemd-analyze systemd
	need_cmd man man-db
	;;
esac

if [ -n "$missing" ]; then
	echo "installing Debian packages:$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
	echo "banyan needs Node.js 20 or newer to build its console (found $(node --version))" >&2
	exit 1
fi
