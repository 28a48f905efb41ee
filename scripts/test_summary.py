#!/usr/bin/env python3
"""Count test cases across meson test logs and print "N passed, N failed".

Each test program speaks TAP (cmocka), so a case is an "ok" or "not ok"
line; a program that failed without reporting a failing case (a crash, a
sanitizer abort, a timeout) counts as one failed case."""
import json
import re
import sys

passed = failed = 0
for build in sys.argv[1:]:
    try:
        log = open(f"{build}/meson-logs/testlog.json", encoding="utf-8")
    except OSError:
        print(f"{build}: no test log (the build failed)", file=sys.stderr)
        failed += 1
        continue
    with log:
        for line in log:
            test = json.loads(line)
            out = test.get("stdout") or ""
            ok = len(re.findall(r"^ok \d+", out, re.M))
            bad = len(re.findall(r"^not ok \d+", out, re.M))
            if test["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
                bad = 1
                print(f"{build}: {test['name']}: {test['result']}", file=sys.stderr)
            passed += ok
            failed += bad
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
