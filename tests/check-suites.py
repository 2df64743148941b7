#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every test() of the build is in a suite (named after its folder), so
that `meson test --suite X` selects it: reads the build's
meson-info/intro-tests.json and names each test without one.

    check-suites.py BUILD_DIR/meson-info/intro-tests.json PROJECT
"""
import json
import sys


def main():
    path, project = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        tests = json.load(f)
    bare = [t["name"] for t in tests
            if not any(s.startswith(project + ":") for s in t["suite"])]
    for name in bare:
        print(f"{path}: test '{name}' is in no suite (add suite : to its test())")
    print(f"{len(tests)} tests, {len(bare)} without a suite")
    return 1 if bare or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
