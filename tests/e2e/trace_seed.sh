#!/usr/bin/env bash
# `lockstep trace` (the seed example run on a throwaway PostgreSQL) and `lockstep plan` (the lock
# model) agree on every statement of examples/community: the same lock mode on every relation
# that existed before the statement (indexes included), the same rewrites, the same
# transactional-ness. The pending migration must be among them, with locks on the live Member
# table, so that the comparison cannot pass vacuously.
set -euo pipefail
bin=${LOCKSTEP_BIN:?LOCKSTEP_BIN must name the lockstep binary}
src=${LOCKSTEP_SOURCE_DIR:?LOCKSTEP_SOURCE_DIR must name the source tree}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" plan "$src/examples/community" --format json >"$tmp/plan.json"
if ! "$bin" trace "$src/examples/community" --format json >"$tmp/trace.json" 2>"$tmp/trace.err"; then
  echo "trace_seed: lockstep trace failed:" >&2
  cat "$tmp/trace.err" >&2
  exit 1
fi

python3 - "$tmp/plan.json" "$tmp/trace.json" <<'EOF'
import json, sys

plan = json.load(open(sys.argv[1]))
trace = json.load(open(sys.argv[2]))
pending = "20260123015816_add_v2_tables"

def key(e):
    return (e["file"], e["line"], e["column"])

if [key(e) for e in plan] != [key(e) for e in trace]:
    sys.exit("trace_seed: plan and trace list different statements")

def locks(e, skip=()):
    return sorted((l["schema"] + "." + l["relation"], l["mode"], l["is_index"])
                  for l in e["locks"] if l["schema"] + "." + l["relation"] not in skip)

failures = []
pending_statements = 0
member_locked = False
for p, t in zip(plan, trace):
    if p["migration"] == pending:
        pending_statements += 1
        member_locked |= any(l["relation"] == "Member" for l in t["locks"])
    where = "%s:%d:%d %s" % (p["file"], p["line"], p["column"], p["statement"][:60])
    created = set(t["created"])  # made by the statement itself: nobody else can see them
    if locks(p, created) != locks(t):
        failures.append("%s\n  locks: plan %s\n         trace %s" % (where, locks(p, created), locks(t)))
    if sorted(p["rewrites"]) != sorted(t["rewrites"]):
        failures.append("%s\n  rewrites: plan %s trace %s" % (where, p["rewrites"], t["rewrites"]))
    if p["transactional"] != t["transactional"]:
        failures.append("%s\n  transactional: plan %s trace %s" % (where, p["transactional"], t["transactional"]))

if pending_statements < 10:
    failures.append("the pending migration %s has only %d traced statements" % (pending, pending_statements))
if not member_locked:
    failures.append("no statement of the pending migration locks the existing Member table")
if failures:
    print("trace_seed: plan and trace disagree:\n" + "\n".join(failures), file=sys.stderr)
    sys.exit(1)
print("trace_seed: plan and trace agree on %d statements (%d of the pending migration)"
      % (len(plan), pending_statements))
EOF
