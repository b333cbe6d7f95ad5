#!/usr/bin/env bash
# bench/downtime: what the application feels while a migration runs, naive vs lockstep, one
# `lockstep verify` run per scenario (each run measures its own baseline, naive and lockstep
# workloads on identical copies of the same data). Prints, per scenario, each run's longest
# stall, their ratio, whether lockstep stayed within its budget: the baseline's longest
# request + the lock timeout + 50 ms (issue 6), and each run's failed requests. The workload is
# the application of before the migration (it keeps writing the old names of what a migration
# renames); lockstep's run also releases and deploys the contract phase fix held back, after the
# workload, and its end state must equal the naive one (issue 13). Verdicts: ok, OVER (budget),
# FAILED (lockstep's expand or contract did not apply), REQUESTS (a request of the old
# application failed during lockstep's run), SCHEMA (the end states differ).
#   bench/downtime.sh [BUILD_DIR]     (scripts/bench passes it; default build)
# Sizes: DOWNTIME_ROWS (default 1000000), DOWNTIME_SEED_ROWS (2000000), DOWNTIME_DURATION (8 s),
# DOWNTIME_REPORT (the lock-queue scenario's long read, 5 s; own-lock-timeout's is 6 s, longer
# than the 5 s lock_timeout its migration sets for itself). JSON and charts go to
# DOWNTIME_OUT (default BUILD_DIR/downtime). DOWNTIME_ONLY="name ..." runs only the named
# scenarios (and neither the standby nor the lag bench).
# A scenario folder bench/downtime/<name>/prisma/migrations holds its pending migration; the
# history they share is the seed's first migration (examples/community: 0_init and
# migration_lock.toml), copied under each scenario's own folders into a temporary project (a
# scenario's own 0_init replaces it).
# Last, the standby scenario (issue 14): BUILD_DIR/bench/bench_standby (bench/standby_bench.cc), a
# primary with a real hot standby, 200k rows, 4 readers and a 6 s report on the standby, naive
# versus `lockstep deploy --replica`, the standby readers' longest stall (DOWNTIME_STANDBY_ROWS).
# Then the lag bound (issue 14): BUILD_DIR/bench/bench_lag (bench/lag_bench.cc), a 1M-row
# backfill with REPEATABLE READ readers on the standby whose snapshots its cleanup conflicts with
# (replay held back unless lockstep holds a snapshot on the primary), one plain UPDATE versus
# `lockstep deploy --replica --max-replica-lag 1s`, the standby's largest replay lag (LAG_ROWS).
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
bin=$build/lockstep
rows=${DOWNTIME_ROWS:-1000000}
seed_rows=${DOWNTIME_SEED_ROWS:-2000000}
duration=${DOWNTIME_DURATION:-8}
report=${DOWNTIME_REPORT:-5}
out=${DOWNTIME_OUT:-$build/downtime}
mkdir -p "$out"
[[ -x $bin ]] || { echo "bench/downtime: $bin not found (make build first)"; exit 2; }
projects=$(mktemp -d)
trap 'rm -rf "$projects"' EXIT

# The project verify runs for a scenario folder: the shared history under the scenario's own.
project() {
  local src=$here/$1 dst=$projects/$(basename "$1")
  [[ -d $src/prisma/migrations && $1 == bench/downtime/* ]] || { echo "$src"; return; }
  mkdir -p "$dst/prisma/migrations"
  cp "$here/examples/community/prisma/migrations/migration_lock.toml" "$dst/prisma/migrations/"
  [[ -e $src/prisma/migrations/0_init ]] ||
    cp -r "$here/examples/community/prisma/migrations/0_init" "$dst/prisma/migrations/"
  cp -r "$src/prisma/migrations/." "$dst/prisma/migrations/"
  echo "$dst"
}

# name | migrations | extra verify arguments
scenarios=(
  "seed|examples/community|--rows $seed_rows"
  "add-column-lock-queue|bench/downtime/add_column|--rows $rows --long-transaction $report"
  "own-lock-timeout|bench/downtime/own_lock_timeout|--rows $rows --long-transaction 6"
  "add-unique|bench/downtime/add_unique|--rows $rows"
  "set-not-null|bench/downtime/set_not_null|--rows $rows"
  "check|bench/downtime/check|--rows $rows"
  "drop-index|bench/downtime/drop_index|--rows $rows"
  "int-to-bigint|bench/downtime/int_to_bigint|--rows $rows"
  "pk-to-bigint|bench/downtime/pk_to_bigint|--rows $rows"
  "volatile-default|bench/downtime/volatile_default|--rows $rows"
  "backfill|bench/downtime/backfill|--rows $rows"
  "rename-column|bench/downtime/rename_column|--rows $rows"
  "rename-table|bench/downtime/rename_table|--rows $rows"
)

# A number from the JSON report's "summary" (each key appears once in the document).
field() { sed -n "s/.*\"$2\": \([^,]*\),\{0,1\}$/\1/p" "$1" | head -1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, $(uname -sr)"
printf '%-24s %10s %12s %12s %9s %12s %15s %8s\n' scenario rows naive lockstep ratio budget \
  'failed n/l' verdict
status=0
for s in "${scenarios[@]}"; do
  IFS='|' read -r name path args <<<"$s"
  [[ -z ${DOWNTIME_ONLY:-} || " $DOWNTIME_ONLY " == *" $name "* ]] || continue
  json=$out/$name.json
  # shellcheck disable=SC2086  # args are words on purpose
  (cd "$here" && "$bin" verify "$(project "$path")" $args --duration "$duration" --format json --quiet \
     --chart "$out/$name.svg" >"$json" 2>"$out/$name.log")
  rc=$?
  if [[ $rc -ge 2 || ! -s $json ]]; then
    printf '%-24s error (exit %d): %s\n' "$name" "$rc" "$(tail -1 "$out/$name.log")"
    status=1
    continue
  fi
  naive=$(field "$json" naive_max_stall_ms)
  ls=$(field "$json" lockstep_max_stall_ms)
  ratio=$(field "$json" stall_ratio)
  budget=$(field "$json" stall_budget_ms)
  within=$(field "$json" lockstep_within_budget)
  nrows=$(sed -n 's/.*"rows": \([0-9]*\),\{0,1\}$/\1/p' "$json" | head -1)
  naive_failed=$(field "$json" naive_failed_requests)
  ls_failed=$(field "$json" lockstep_failed_requests)
  verdict=ok
  [[ $(field "$json" schemas_match) == true || $(field "$json" naive_migration_ok) != true ]] ||
    { verdict=SCHEMA; status=1; }
  [[ $within == true ]] || { verdict=OVER; status=1; }
  [[ $ls_failed == 0 ]] || { verdict=REQUESTS; status=1; }
  [[ $(field "$json" lockstep_migration_ok) == true && $(field "$json" lockstep_contract_ok) == true ]] ||
    { verdict=FAILED; status=1; }
  printf '%-24s %10s %10.0f ms %9.0f ms %8.1fx %9.0f ms %15s %8s\n' "$name" "$nrows" "$naive" "$ls" \
    "$ratio" "$budget" "$naive_failed/$ls_failed" "$verdict"
done
if [[ -n ${DOWNTIME_ONLY:-} ]]; then
  echo "reports and charts: $out"
  exit $status
fi
standby_bin=$build/bench/bench_standby
if [[ -x $standby_bin ]]; then
  "$standby_bin" --lockstep "$bin" --rows "${DOWNTIME_STANDBY_ROWS:-200000}" | tee "$out/standby.txt"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
else
  echo "standby: $standby_bin not built (cmake --build $build --target bench_standby)"
  status=1
fi
lag_bin=$build/bench/bench_lag
if [[ -x $lag_bin ]]; then
  "$lag_bin" --lockstep "$bin" | tee "$out/lag.txt"
  [[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
else
  echo "lag: $lag_bin not built (cmake --build $build --target bench_lag)"
  status=1
fi
echo "server: $(sed -n 's/.*"version": "\(.*\)",\{0,1\}$/\1/p' "$out/seed.json" 2>/dev/null | head -1)"
echo "reports and charts: $out"
exit $status
