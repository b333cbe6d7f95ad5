#!/usr/bin/env bash
# lockstep lint against squawk 2.66 in the same run: the whole ../shared/corpus/prisma/ (1,413
# migration files) and one large synthetic file (generated here). Prints wall time (best of
# $RUNS), peak RSS and the ratio. Target: lockstep at least 2x faster than squawk on both.
#   bench/lint.sh BUILD_DIR        (scripts/bench passes it; the build should be Release)
# Env: RUNS (default 3), STATEMENTS (synthetic file size, default 50000).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
lockstep="$build/lockstep"
runs=${RUNS:-3}
statements=${STATEMENTS:-50000}
[[ -x $lockstep ]] || { echo "bench/lint: $lockstep not built"; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench/lint: /usr/bin/time missing (apt-get install time)"; exit 1; }

# squawk ships a prebuilt linux-x64 binary inside its npm package.
squawk_dir="$here/.deps/squawk"
squawk="$squawk_dir/node_modules/@squawk-cli/linux-x64/bin/squawk"
if [[ ! -x $squawk ]]; then
  echo "bench/lint: installing squawk-cli@2.66 into .deps/squawk"
  mkdir -p "$squawk_dir"
  npm install --prefix "$squawk_dir" --no-audit --no-fund --silent squawk-cli@2.66 >/dev/null
fi
echo "lockstep $("$lockstep" --version | awk 'NR == 1 {print $2}') vs $("$squawk" --version)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of NAME CMD...: runs CMD $runs times (output discarded), prints "seconds kilobytes" of the
# fastest run. Exit codes are ignored: both tools exit non-zero when they find something.
# Wall time is taken in nanoseconds around /usr/bin/time (whose own %e has 10 ms steps, too
# coarse for a 150 ms run); it reports the peak RSS.
best_of() {
  local best_t="" best_m="" start end t m
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$tmp/time" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    t=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", (b - a) / 1e9}')
    m=$(tail -n 1 "$tmp/time")  # after a "Command exited with …" line
    if [[ -z $best_t ]] || awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a<b)}'; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t $best_m"
}

compare() {  # compare LABEL -- LOCKSTEP_CMD... -- SQUAWK_CMD...
  local label=$1; shift; shift
  local l=() s=()
  while [[ $1 != -- ]]; do l+=("$1"); shift; done; shift
  s=("$@")
  read -r lt lm < <(best_of "${l[@]}")
  read -r st sm < <(best_of "${s[@]}")
  local ratio
  ratio=$(awk -v a="$st" -v b="$lt" 'BEGIN{ if (b <= 0) b = 0.001; printf "%.2f", a / b }')
  printf '%-32s lockstep %6.3fs %7.1f MB | squawk %6.3fs %7.1f MB | lockstep %sx faster%s\n' \
    "$label" "$lt" "$(awk -v k="$lm" 'BEGIN{print k/1024}')" "$st" "$(awk -v k="$sm" 'BEGIN{print k/1024}')" \
    "$ratio" "$(awk -v r="$ratio" 'BEGIN{ if (r < 2) print "  (BELOW the 2x target)" }')"
}

corpus="$here/../shared/corpus/prisma"
if [[ -d $corpus ]]; then
  find "$corpus" -name '*.sql' | sort >"$tmp/files"
  n=$(wc -l <"$tmp/files")
  # lockstep replays each app's whole history (7 Prisma directories); squawk gets the files.
  # --hints: both tools print every finding (lockstep's default counts hints in one line).
  mapfile -t apps < <(find "$corpus" -mindepth 1 -maxdepth 1 -type d | sort)
  mapfile -t files <"$tmp/files"
  compare "prisma corpus ($n files)" -- "$lockstep" lint --format gcc --hints "${apps[@]}" -- \
    "$squawk" --reporter gcc "${files[@]}"
else
  echo "bench/lint: ../shared/corpus is absent: the corpus comparison did not run"
fi

# A large synthetic migration: tables, then a realistic mix of DDL and DML on them.
awk -v n="$statements" 'BEGIN {
  tables = 500
  for (t = 0; t < tables; t++)
    printf "CREATE TABLE \"t%d\" (\"id\" BIGINT NOT NULL, \"name\" TEXT, \"email\" VARCHAR(255), \"created_at\" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT \"t%d_pkey\" PRIMARY KEY (\"id\"));\n", t, t
  for (i = tables; i < n; i++) {
    t = i % tables; k = i % 8
    if (k == 0) printf "ALTER TABLE \"t%d\" ADD COLUMN \"c%d\" INTEGER;\n", t, i
    else if (k == 1) printf "CREATE INDEX \"t%d_i%d\" ON \"t%d\"(\"name\");\n", t, i, t
    else if (k == 2) printf "UPDATE \"t%d\" SET \"name\" = '"'"'x'"'"' WHERE \"id\" = %d;\n", t, i
    else if (k == 3) printf "ALTER TABLE \"t%d\" ADD CONSTRAINT \"t%d_f%d\" FOREIGN KEY (\"id\") REFERENCES \"t%d\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE;\n", t, t, i, (t + 1) % tables
    else if (k == 4) printf "INSERT INTO \"t%d\" (\"id\", \"name\") VALUES (%d, '"'"'n%d'"'"');\n", t, i, i
    else if (k == 5) printf "ALTER TABLE \"t%d\" ALTER COLUMN \"email\" SET NOT NULL;\n", t
    else if (k == 6) printf "COMMENT ON TABLE \"t%d\" IS '"'"'table %d'"'"';\n", t, i
    else printf "SELECT count(*) FROM \"t%d\" WHERE \"name\" = '"'"'n%d'"'"';\n", t, i
  }
}' >"$tmp/synthetic.sql"
compare "synthetic file ($statements stmts)" -- "$lockstep" lint --format gcc --hints "$tmp/synthetic.sql" -- \
  "$squawk" --reporter gcc "$tmp/synthetic.sql"
