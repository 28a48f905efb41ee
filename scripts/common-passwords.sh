#!/bin/sh
# Write data/passwords/common.txt: the 10,000 most common passwords, most
# common first, from the ranked list in the npm package @zxcvbn-ts/language-common
# (MIT; its passwords.json is zxcvbn's frequency list of leaked passwords).
#
#   scripts/common-passwords.sh [VERSION]     (run from the source root)
set -eu
version=${1:-4.1.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@zxcvbn-ts/language-common@$version" >/dev/null && tar xzf ./*.tgz)
out=data/passwords/common.txt
mkdir -p data/passwords
{
	echo "# The 10,000 most common passwords, most common first: @zxcvbn-ts/language-common $version"
	echo "# (npm, MIT), src/passwords.json.  Made by scripts/common-passwords.sh; read by"
	echo "# src/org/passwords.c, which refuses these as new passwords in any case."
	node -e 'const p = require(process.argv[1]); process.stdout.write(p.slice(0, 10000).join("\n") + "\n")' \
		"$tmp/package/src/passwords.json"
} >"$out"
echo "wrote $(grep -vc '^#' "$out") passwords to $out"
