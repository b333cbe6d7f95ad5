# The two commands a newcomer needs: `make demo` and `make check`. Both install what is missing first.
JOBS ?= $(shell nproc)
BUILD ?= build
CHECK_BUILD ?= build-check

.PHONY: all build bootstrap check demo bench clean format

all: build

bootstrap:
	@scripts/bootstrap

build: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target lockstep

# Every test, under AddressSanitizer + UBSan, including those that start real PostgreSQL servers.
check: bootstrap
	@cmake -S . -B $(CHECK_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLOCKSTEP_SANITIZE=ON >/dev/null
	@cmake --build $(CHECK_BUILD) -j $(JOBS)
	@cd $(CHECK_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 1500

demo: build
	@scripts/demo $(BUILD)/lockstep

bench: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLOCKSTEP_BENCH=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@scripts/bench $(BUILD)

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	rm -rf $(BUILD) $(CHECK_BUILD)
