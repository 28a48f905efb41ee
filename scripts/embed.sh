#!/bin/sh
# Build the console and embed it, with the data files, into one generated C file.
#
#   embed.sh OUTPUT.c MKEMBED SOURCE_ROOT WORK_DIR DATA_FILE...
#
# The console is built by Vite into WORK_DIR/web (names "web/..." in the
# binary); text assets also get a brotli and a gzip copy, served to browsers
# that accept them.  `npm ci` runs only when web/package-lock.json is newer than the
# installed packages.
set -eu
out=$1 mkembed=$2 src=$3 work=$4
shift 4

web=$src/web
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
	(cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
rm -rf "$work/web"
mkdir -p "$work"
(cd "$web" && BANYAN_WEB_OUT="$work/web" node node_modules/vite/bin/vite.js build --logLevel warn)
# Brotli beside gzip: a sixth smaller again, and every browser takes it (node's zlib makes it,
# so the build needs nothing more).
find "$work/web" -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) -size +1k \
	-exec gzip -9 -n -k {} \; \
	-exec node -e 'const z = require("zlib"), fs = require("fs")
for (const f of process.argv.slice(1))
	fs.writeFileSync(f + ".br", z.brotliCompressSync(fs.readFileSync(f), { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }))' {} +

# shellcheck disable=SC2046
exec "$mkembed" "$out" "$src" "$@" --root "$work" $(find "$work/web" -type f | LC_ALL=C sort)
