// Replays a migration history through the schema model and analyses each statement with the
// lock model: the shared first step of `plan`, `lint` and `fix`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/source.h"
#include "locks/lock_model.h"
#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::analysis {

class ParseAhead;

struct MigrationText {
  std::string name;  // e.g. "20260123015816_add_v2_tables" or a file stem
  std::string path;  // the .sql file, for messages
  std::string text;  // its bytes
};

struct AnalyzedStatement {
  const sql::Statement* statement = nullptr;  // points into AnalyzedMigration::parsed
  locks::Effect effect;
  // The catalog just before this statement (only kept when Options::keep_catalogs).
  std::shared_ptr<const schema::Catalog> before;
};

struct AnalyzedMigration {
  std::string name;
  SourceFile source;
  sql::ParsedFile parsed;
  std::vector<AnalyzedStatement> statements;  // empty for history-only migrations
  bool analyzed = false;
};

struct Options {
  locks::Options locks;
  sql::ParseOptions parse;
  std::string default_schema = "public";
  bool keep_catalogs = false;  // snapshot the catalog before each analysed statement (rules use it)
  unsigned threads =
      0;  // parser threads; 0: one per core (histories of 8+ files), one with `ahead`
  // Parses already started on other threads (by path), taken instead of parsing again; used only
  // when its parse options are `parse`.
  ParseAhead* ahead = nullptr;
};

struct History {
  std::vector<AnalyzedMigration> migrations;
  schema::Catalog final_catalog;
};

// Replays `migrations` in order. The first `history_count` are replayed only (already applied);
// the rest are analysed statement by statement. Syntax errors are kept in each migration's
// `parsed.errors`; the statements that did parse are still replayed.
History Replay(std::vector<MigrationText> migrations, size_t history_count,
               const Options& options = {});

}  // namespace lockstep::analysis
