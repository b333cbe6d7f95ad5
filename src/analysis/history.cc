#include "analysis/history.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "analysis/parse_ahead.h"

namespace lockstep::analysis {

namespace {

// Parses every migration, on several threads when there are many: files are independent and
// libpg_query keeps its state per thread. Replay itself stays sequential (it is cheap).
void ParseAll(std::vector<AnalyzedMigration>& ms, const Options& options) {
  unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<unsigned>(threads, 1, 16);
  if (ms.size() < 8) threads = 1;
  ParseAhead* ahead =
      options.ahead && options.ahead->options() == options.parse ? options.ahead : nullptr;
  // The pool's threads already parse on the other cores; this thread takes their parses and
  // parses what none has started. More threads here only compete for the same cores.
  if (ahead && !options.threads) threads = 1;
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < ms.size(); i = next++) {
      if (ahead) {
        if (std::optional<sql::ParsedFile> p =
                ahead->Take(ms[i].source.path(), ms[i].source.text())) {
          ms[i].parsed = std::move(*p);
          continue;
        }
      }
      ms[i].parsed = sql::ParseString(ms[i].source.text(), options.parse);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

}  // namespace

History Replay(std::vector<MigrationText> migrations, size_t history_count,
               const Options& options) {
  History h{{}, schema::Catalog(options.default_schema)};
  h.migrations.resize(migrations.size());
  for (size_t i = 0; i < migrations.size(); ++i) {
    AnalyzedMigration& am = h.migrations[i];
    am.name = std::move(migrations[i].name);
    am.source = SourceFile(std::move(migrations[i].path), std::move(migrations[i].text));
    am.analyzed = i >= history_count;
  }
  ParseAll(h.migrations, options);
  for (AnalyzedMigration& am : h.migrations) {
    h.final_catalog.BeginMigration(am.name);
    for (const sql::Statement& s : am.parsed.statements) {
      if (am.analyzed) {
        AnalyzedStatement as;
        as.statement = &s;
        as.effect = locks::Analyze(s, h.final_catalog, options.locks);
        if (options.keep_catalogs) as.before = std::make_shared<schema::Catalog>(h.final_catalog);
        am.statements.push_back(std::move(as));
      }
      h.final_catalog.Apply(s);
    }
  }
  return h;
}

}  // namespace lockstep::analysis
