# The two commands a newcomer needs: `make demo` and `make check`. Both install what is missing first.
JOBS ?= $(shell nproc)
BUILD ?= build
CHECK_BUILD ?= build-check
# Benchmarks build in Release in a directory of their own, so `make` and `make bench` never rebuild each other's tree.
BENCH_BUILD ?= build-bench
# The npm package's binary (static libraries, Release) builds in a tree of its own too.
NPM_BUILD ?= build-npm

.PHONY: all build bootstrap check demo bench clean format npm-package

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target lockstep

# Every test, under AddressSanitizer + UBSan, including those that start real PostgreSQL servers.
# The npm package is built first: tests/e2e/npm_package.sh installs and runs it.
check: bootstrap npm-package
	@cmake -S . -B $(CHECK_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLOCKSTEP_SANITIZE=ON >/dev/null
	@cmake --build $(CHECK_BUILD) -j $(JOBS)
	@cd $(CHECK_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1500

# build/npm/lockstep-<version>.tgz: `npm install` it, then `npx lockstep` (see README, "Install").
npm-package: bootstrap
	@JOBS=$(JOBS) scripts/npm-package $(NPM_BUILD) $(BUILD)/npm

demo: build
	@scripts/demo $(BUILD)/lockstep

bench: bootstrap
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DLOCKSTEP_BENCH=ON >/dev/null
	@cmake --build $(BENCH_BUILD) -j $(JOBS) --target lockstep $$(cd bench && ls *_bench.cc | sed 's/_bench.cc//; s/^/bench_/')
	@scripts/bench $(BENCH_BUILD)

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' 'fuzz/*.cc' 'fuzz/*.h')

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(BENCH_BUILD) $(NPM_BUILD)
