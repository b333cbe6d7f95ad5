// Replays a migration history through the schema model and analyses each statement with the
// lock model: the shared first step of `plan`, `lint` and `fix`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
  // Runs in the transaction the migration before it opened (the packages of one Prisma 8
  // `db migrate` run share ONE transaction): its locks and the objects created before it in
  // that transaction carry over. Only for analysed migrations after an analysed one.
  bool continues_transaction = false;
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
  // The catalog the migration starts from (only kept when Options::keep_start_catalogs): fix
  // walks its statements from there, one catalog for the whole walk.
  std::shared_ptr<const schema::Catalog> start;
  bool analyzed = false;
  bool continues_transaction = false;  // MigrationText::continues_transaction
  // Analysed, but left for the caller to parse and analyse (Options::leave_unparsed_above):
  // `parsed` and `statements` are empty, and the History's catalogs do not include it.
  bool unparsed = false;
};

struct Options {
  locks::Options locks;
  sql::ParseOptions parse;
  std::string default_schema = "public";
  bool keep_catalogs = false;  // snapshot the catalog before each analysed statement (rules use it)
  // Snapshot the catalog at the start of each analysed migration only: one copy per migration,
  // where keep_catalogs costs one per statement (quadratic over a long migration).
  bool keep_start_catalogs = false;
  unsigned threads =
      0;  // parser threads; 0: one per core (histories of 8+ files), one with `ahead`
  // Parses already started on other threads (by path), taken instead of parsing again; used only
  // when its parse options are `parse`.
  ParseAhead* ahead = nullptr;
  // Frees each history-only migration's statements, tokens and comments once it is replayed
  // (its `parsed` keeps its errors and notes), so that a long history is never held in memory
  // at once; History::after_history then holds the catalog the analysed migrations start from.
  bool drop_history_parse = false;
  // From the first analysed migration larger than this (bytes) on, analysed migrations are left
  // unparsed (AnalyzedMigration::unparsed) for a caller that streams them through sql::ParseEach
  // rather than holding a large file's parse: lint. Every later one too, since its analysis
  // would need the catalog after the unparsed one.
  size_t leave_unparsed_above = SIZE_MAX;
};

struct History {
  std::vector<AnalyzedMigration> migrations;
  // After every migration replayed (those left unparsed are not).
  schema::Catalog final_catalog;
  // The catalog after the history-only migrations (set with Options::drop_history_parse, whose
  // history cannot be replayed again): where a second pass over the analysed ones starts.
  std::optional<schema::Catalog> after_history;
};

// Replays `migrations` in order. The first `history_count` are replayed only (already applied);
// the rest are analysed statement by statement. Syntax errors are kept in each migration's
// `parsed.errors`; the statements that did parse are still replayed.
History Replay(std::vector<MigrationText> migrations, size_t history_count,
               const Options& options = {});

}  // namespace lockstep::analysis
