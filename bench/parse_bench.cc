// bench/parse: statements per second of lockstep's front end (parse + token scan + typed view)
// and of its whole analysis pipeline (the front end + schema replay + lock model) over every
// Prisma history of the corpus, next to libpg_query's raw parse (pg_query_raw_parse:
// PostgreSQL's grammar alone) of the same bytes, measured in the same run. The ratios are the
// figures to quote (issue 16's aim: front end <= 1.3x raw parse).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "analysis/history.h"
#include "source_dir.h"  // LOCKSTEP_SOURCE_DIR
#include "sql/parser.h"

namespace {

namespace fs = std::filesystem;

struct App {
  std::vector<lockstep::analysis::MigrationText> migrations;
};

std::vector<App>& Apps() {
  static std::vector<App> apps;
  return apps;
}
size_t g_statements = 0;
size_t g_bytes = 0;

bool LoadCorpus(const fs::path& root) {
  for (const auto& app : fs::directory_iterator(root / "prisma")) {
    if (!fs::is_directory(app.path() / "migrations")) continue;
    App a;
    std::vector<fs::path> files;
    for (const auto& m : fs::directory_iterator(app.path() / "migrations"))
      if (fs::exists(m.path() / "migration.sql")) files.push_back(m.path() / "migration.sql");
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      a.migrations.push_back({f.parent_path().filename().string(), f.string(), ss.str()});
      g_bytes += a.migrations.back().text.size();
    }
    Apps().push_back(std::move(a));
  }
  for (const App& a : Apps())
    for (const auto& m : a.migrations)
      g_statements += lockstep::sql::Parse(m.text, {false, false}).statements.size();
  return !Apps().empty();
}

void BM_RawLibpgQueryParse(benchmark::State& state) {
  for (auto _ : state)
    for (const App& a : Apps())
      for (const auto& m : a.migrations)
        benchmark::DoNotOptimize(lockstep::sql::RawParseForBenchmark(m.text));
  state.counters["statements/s"] = benchmark::Counter(
      static_cast<double>(g_statements) * state.iterations(), benchmark::Counter::kIsRate);
}

// What the front end does with each file: sql::ParseString (the texts are std::strings, as
// analysis::ParseAhead hands them over), with tokens (range 1: lint's and plan's options) or
// without (0: what verify and the routine-body reader ask for).
void BM_FrontEnd(benchmark::State& state) {
  lockstep::sql::ParseOptions o;
  o.tokens = state.range(0) != 0;
  for (auto _ : state)
    for (const App& a : Apps())
      for (const auto& m : a.migrations)
        benchmark::DoNotOptimize(lockstep::sql::ParseString(m.text, o).statements.size());
  state.counters["statements/s"] = benchmark::Counter(
      static_cast<double>(g_statements) * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_LockstepPipeline(benchmark::State& state) {
  lockstep::analysis::Options o;
  o.threads = static_cast<unsigned>(state.range(0));  // 1: single thread; 0: one per core
  // Without tokens, as this row has been measured since 2026-11 (lint and plan scan them; the
  // front end's row with tokens shows what the scan costs).
  o.parse.tokens = false;
  for (auto _ : state) {
    for (const App& a : Apps()) {
      // Replay takes ownership of the texts; the copy is not part of what is measured.
      state.PauseTiming();
      std::vector<lockstep::analysis::MigrationText> copy = a.migrations;
      state.ResumeTiming();
      lockstep::analysis::History h = lockstep::analysis::Replay(std::move(copy), 0, o);
      benchmark::DoNotOptimize(h.migrations.size());
    }
  }
  state.counters["statements/s"] = benchmark::Counter(
      static_cast<double>(g_statements) * state.iterations(), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RawLibpgQueryParse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FrontEnd)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FrontEnd)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_LockstepPipeline)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_LockstepPipeline)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

// Collects each benchmark's real and CPU time per iteration to print the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      times_[r.benchmark_name()] = r.GetAdjustedRealTime();
      cpu_times_[r.benchmark_name()] = r.GetAdjustedCPUTime();
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> times_;
  std::map<std::string, double> cpu_times_;
};

}  // namespace

int main(int argc, char** argv) {
  fs::path root = fs::path(LOCKSTEP_SOURCE_DIR) / ".." / "shared" / "corpus";
  if (const char* env = std::getenv("LOCKSTEP_CORPUS")) root = env;
  if (!fs::is_directory(root) || !LoadCorpus(root)) {
    std::printf("bench/parse did not run: no corpus at %s\n", root.c_str());
    return 0;
  }
  std::printf("corpus: %zu apps, %zu statements, %.1f MiB\n", Apps().size(), g_statements,
              g_bytes / 1048576.0);
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  // Every row but the last runs on one thread: on a shared machine their CPU times leave out the
  // time other processes held the core, which the real times include.
  const auto ratio = [&](const char* label, const std::string& name) {
    const double raw = reporter.times_["BM_RawLibpgQueryParse/min_time:2.000"];
    const double raw_cpu = reporter.cpu_times_["BM_RawLibpgQueryParse/min_time:2.000"];
    const double real = reporter.times_[name];
    const double cpu = reporter.cpu_times_[name];
    if (raw > 0 && real > 0 && raw_cpu > 0 && cpu > 0)
      std::printf("%-38s %.2fx real, %.2fx CPU (%.1f ms against %.1f ms CPU)\n", label, real / raw,
                  cpu / raw_cpu, cpu, raw_cpu);
  };
  std::printf("\n/ raw parse, one thread (aim: front end <= 1.30x)\n");
  ratio("front end, tokens (lint, plan):", "BM_FrontEnd/1/min_time:2.000");
  ratio("front end, no tokens:", "BM_FrontEnd/0/min_time:2.000");
  ratio("pipeline, no tokens:", "BM_LockstepPipeline/1/min_time:2.000");
  const double raw = reporter.times_["BM_RawLibpgQueryParse/min_time:2.000"];
  const double all = reporter.times_["BM_LockstepPipeline/0/min_time:2.000/real_time"];
  if (raw > 0 && all > 0)
    std::printf("pipeline / raw parse, wall, %u threads: %.2fx\n",
                std::thread::hardware_concurrency(), all / raw);
  return 0;
}
