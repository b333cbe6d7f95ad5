#include "analysis/history.h"

#include <algorithm>
#include <span>
#include <thread>

#include "analysis/parse_ahead.h"
#include "base/parallel.h"

namespace lockstep::analysis {

namespace {

unsigned ParseThreads(const Options& options) {
  const unsigned threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  return std::clamp<unsigned>(threads, 1, 16);
}

// Parses the migrations [first, last) of `all`, on several threads when the project has many:
// files are independent and libpg_query keeps its state per thread. Replay itself stays
// sequential (it is cheap).
void ParseAll(std::vector<AnalyzedMigration>& all, size_t first, size_t last,
              const Options& options) {
  const std::span<AnalyzedMigration> ms(all.data() + first, last - first);
  unsigned threads = std::min<unsigned>(ParseThreads(options), std::max<size_t>(ms.size(), 1));
  if (all.size() < 8) threads = 1;
  ParseAhead* ahead =
      options.ahead && options.ahead->options() == options.parse ? options.ahead : nullptr;
  // The pool's threads already parse on the other cores; this thread takes their parses and
  // parses what none has started. More threads here only compete for the same cores.
  if (ahead && !options.threads) threads = 1;
  ParallelFor(ms.size(), threads, [&](size_t, size_t i) {
    if (ahead) {
      if (std::optional<sql::ParsedFile> p =
              ahead->Take(ms[i].source.path(), ms[i].source.text())) {
        ms[i].parsed = std::move(*p);
        return;
      }
    }
    ms[i].parsed = sql::ParseString(ms[i].source.text(), options.parse);
  });
}

}  // namespace

History Replay(std::vector<MigrationText> migrations, size_t history_count,
               const Options& options) {
  History h{{}, schema::Catalog(options.default_schema), std::nullopt};
  h.migrations.resize(migrations.size());
  for (size_t i = 0; i < migrations.size(); ++i) {
    AnalyzedMigration& am = h.migrations[i];
    am.name = std::move(migrations[i].name);
    am.source = SourceFile(std::move(migrations[i].path), std::move(migrations[i].text));
    am.analyzed = i >= history_count;
    am.continues_transaction = migrations[i].continues_transaction && i > history_count && i > 0;
  }
  // Replays `am`, analysing its statements when it is not history-only.
  auto replay = [&](AnalyzedMigration& am) {
    if (am.continues_transaction) {
      h.final_catalog.ContinueMigration(am.name);
    } else {
      h.final_catalog.BeginMigration(am.name);
    }
    if (am.analyzed && options.keep_start_catalogs)
      am.start = std::make_shared<schema::Catalog>(h.final_catalog);
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
  };
  const size_t history = std::min(history_count, h.migrations.size());
  size_t parsed_end = h.migrations.size();  // the analysed migrations from here on stay unparsed
  for (size_t k = history; k < h.migrations.size(); ++k) {
    if (h.migrations[k].source.text().size() > options.leave_unparsed_above) {
      parsed_end = k;
      break;
    }
  }
  for (size_t k = parsed_end; k < h.migrations.size(); ++k) h.migrations[k].unparsed = true;
  if (options.drop_history_parse) {
    // A batch of history files at a time (as many as ParseAll parses at once), each freed once
    // replayed: the peak holds one batch, not the whole history.
    const size_t batch = ParseThreads(options) < 2 || options.ahead ? 1 : ParseThreads(options);
    for (size_t i = 0; i < history; i += batch) {
      const size_t end = std::min(history, i + batch);
      ParseAll(h.migrations, i, end, options);
      for (size_t k = i; k < end; ++k) {
        replay(h.migrations[k]);
        // Move-assigned from empty vectors: `= {}` would clear them and keep their capacity.
        sql::ParsedFile& p = h.migrations[k].parsed;
        p.statements = std::vector<sql::Statement>();
        p.tokens = std::vector<sql::Token>();
        p.comments = std::vector<sql::Comment>();
      }
    }
    h.after_history = h.final_catalog;
    ParseAll(h.migrations, history, parsed_end, options);
    for (size_t k = history; k < parsed_end; ++k) replay(h.migrations[k]);
    return h;
  }
  ParseAll(h.migrations, 0, parsed_end, options);
  for (size_t k = 0; k < parsed_end; ++k) replay(h.migrations[k]);
  return h;
}

}  // namespace lockstep::analysis
