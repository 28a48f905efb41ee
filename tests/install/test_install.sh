#!/bin/sh
# `make install`'s part after the build, as an operator would check it: meson
# installs the build directory ($1) into a staging DESTDIR; the files an
# operator expects are there, the binary runs, systemd accepts the unit, the
# manual renders and names every command.  Speaks TAP.
set -u
build=$1
meson=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0
failed=0
ok() { # condition-result description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

prefix=$("$meson" introspect "$build" --buildoptions | python3 -c \
	'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$dest$prefix
DESTDIR=$dest "$meson" install -C "$build" --no-rebuild --quiet >"$dest.log" 2>&1
ok $? "meson install into a DESTDIR (log: $dest.log)"

missing=""
for f in bin/banyan share/man/man1/banyan.1 lib/systemd/system/banyan.service lib/sysusers.d/banyan.conf \
	share/doc/banyan/examples/nginx-banyan.conf share/doc/banyan/examples/haproxy-banyan.cfg; do
	[ -f "$root/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
ok $? "installed under $prefix: the binary, banyan(1), the unit, its user, nginx's and HAProxy's examples${missing:+ (missing:$missing)}"

"$root/bin/banyan" version >/dev/null 2>&1
ok $? "the installed binary runs"

unit=$root/lib/systemd/system/banyan.service
grep -q "^ExecStart=$prefix/bin/banyan serve " "$unit"
ok $? "the unit starts the binary where it was installed ($prefix/bin/banyan)"

missing=""
for d in User=banyan NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/var/lib/banyan PrivateTmp=yes \
	Restart=on-failure KillSignal=SIGTERM; do
	grep -qx "$d" "$unit" || missing="$missing $d"
done
[ -z "$missing" ]
ok $? "the unit runs as its own user, hardened, restarted on failure, stopped by SIGTERM${missing:+ (missing:$missing)}"

# systemd-analyze checks that ExecStart's program exists at its path; the staged
# copy stands in for it, and nothing else of the unit changes.
mkdir -p "$dest/verify"
sed "s|^ExecStart=$prefix/bin/banyan |ExecStart=$root/bin/banyan |" "$unit" >"$dest/verify/banyan.service"
# --man=no: the manual is staged, not where man(1) looks; the test below renders it.
out=$(systemd-analyze verify --man=no "$dest/verify/banyan.service" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ]
ok $? "systemd-analyze verify accepts the unit${out:+: $out}"

page=$(MANWIDTH=100 man -l "$root/share/man/man1/banyan.1" 2>"$dest/man.err")
rc=$?
[ $rc -eq 0 ] && [ ! -s "$dest/man.err" ] && echo "$page" | grep -q "^NAME"
ok $? "man -l renders banyan(1) without warnings$( [ -s "$dest/man.err" ] && printf ': %s' "$(head -3 "$dest/man.err")")"

missing=""
for c in $("$root/bin/banyan" help | sed -n 's/^  \([a-z]*\) .*/\1/p'); do
	echo "$page" | grep -q "^   $c\$" || missing="$missing $c"
done
[ -z "$missing" ]
ok $? "banyan(1) has a section for every command of banyan help${missing:+ (missing:$missing)}"

rm -f "$dest.log"
echo "1..$n"
exit $failed
