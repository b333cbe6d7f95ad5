#include "analysis/history.h"

namespace lockstep::analysis {

History Replay(std::vector<MigrationText> migrations, size_t history_count, const Options& options) {
  History h{{}, schema::Catalog(options.default_schema)};
  h.migrations.reserve(migrations.size());
  for (size_t i = 0; i < migrations.size(); ++i) {
    MigrationText& m = migrations[i];
    AnalyzedMigration am;
    am.name = m.name;
    am.source = SourceFile(m.path, std::move(m.text));
    am.parsed = sql::ParseString(am.source.text(), options.parse);
    am.analyzed = i >= history_count;
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
    h.migrations.push_back(std::move(am));
  }
  return h;
}

}  // namespace lockstep::analysis
