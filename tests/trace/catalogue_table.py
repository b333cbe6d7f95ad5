#!/usr/bin/env python3
"""Turns the catalogue test's reports into the table of docs/trace.md.

    LOCKSTEP_CATALOGUE_REPORT=/tmp/r build/tests/test_trace --gtest_filter='Pg/Catalogue*'
    tests/trace/catalogue_table.py /tmp/r      # prints the Markdown table

Each report (pgN.json) holds what trace observed for every catalogue statement on PostgreSQL N
and whether plan agreed. A row shows what the server did; where majors differ, each is shown.
"""
import glob
import json
import os
import re
import sys

SHORT = {"AccessShareLock": "AS", "RowShareLock": "RS", "RowExclusiveLock": "RE",
         "ShareUpdateExclusiveLock": "SUE", "ShareLock": "S", "ShareRowExclusiveLock": "SRE",
         "ExclusiveLock": "E", "AccessExclusiveLock": "AE"}


def observed(row):
    locks = ", ".join("%s%s %s" % ("index " if l["is_index"] else "", l["relation"],
                                   SHORT[l["mode"]]) for l in row["locks"]) or "—"
    rewrites = ", ".join(r.split(".", 1)[1] for r in row["rewrites"]) or "—"
    if not row["scans_observed"]:
        scans = "n/a"
    else:
        scans = ", ".join(s.split(".", 1)[1] for s in row["scans"]) or "—"
    return locks, rewrites, scans, "yes" if row["transactional"] else "**no**"


def main():
    reports = {}
    for path in glob.glob(os.path.join(sys.argv[1], "pg*.json")):
        major = int(re.search(r"pg(\d+)\.json$", path).group(1))
        reports[major] = json.load(open(path))
    majors = sorted(reports)
    order, by_key = [], {}
    for major in majors:
        for row in reports[major]:
            key = (row["case"], row["line"], row["column"])
            if key not in by_key:
                by_key[key] = {}
                order.append(key)
            by_key[key][major] = row
    print("| case | statement | locks on relations that existed before | rewrites | scans "
          "| in a block | agree on PG |")
    print("|---|---|---|---|---|---|---|")
    for key in order:
        rows = by_key[key]
        first = rows[min(rows)]
        stmt = first["statement"].replace("|", "\\|")
        if len(stmt) > 70:
            stmt = stmt[:69] + "…"
        agree = " ".join(str(m) for m in majors if m in rows and rows[m]["agrees"])
        cols = []
        for i in range(4):  # per column: one value, or each value with its majors
            by_value = {}
            for m in sorted(rows):
                by_value.setdefault(observed(rows[m])[i], []).append(str(m))
            cols.append(next(iter(by_value)) if len(by_value) == 1 else " · ".join(
                "%s (%s)" % (v, "/".join(ms)) for v, ms in by_value.items()))
        print("| %s | `%s` | %s | %s | %s | %s | %s |" % (key[0], stmt, *cols, agree or "none"))


if __name__ == "__main__":
    main()
