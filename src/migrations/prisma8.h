// Prisma 8's migration packages (release candidate): `migrations/app/<timestamp>_<slug>/` holds
// `ops.json`, the canonical list of operations, each with `id`, `label`, `operationClass` and
// `precheck` / `execute` / `postcheck` lists of `{description, sql, params}` steps. One
// `prisma db migrate` run applies every pending package in ONE transaction.
//
// lockstep analyses the `execute` SQL. To keep every position a position in ops.json (what
// diagnostics, plan and trace print), the SQL text it builds has ops.json's exact layout: every
// byte outside the `execute` steps' "sql" strings is blanked (newlines kept), each such string's
// decoded SQL is written where its text starts, the string's closing quote becomes the `;` that
// ends it, and the package is wrapped in `BEGIN;` … `COMMIT;` (written into blank space), which is
// how Prisma runs it. Newlines inside the SQL become carriage returns, which PostgreSQL's lexer
// treats as newlines too, so that line numbers stay those of ops.json; a statement after an
// escape in the same string is reported a few columns early.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace lockstep::migrations {

struct Prisma8Operation {
  std::string id;               // ops.json's `id`
  std::string label;            // `label`, empty when absent
  std::string operation_class;  // `operationClass` (additive, widening, destructive, data)
  // Byte range in ops.json (and in Prisma8Package::sql) from its first `execute` SQL to the end
  // of its last; empty (begin == end) for an operation without execute steps.
  size_t begin = 0;
  size_t end = 0;
};

// Where ReadOpsJson wrote a package's `BEGIN;` and `COMMIT;` into its SQL text; both npos for a
// package without execute SQL (nothing to wrap).
struct Prisma8Wrapping {
  size_t begin_at = std::string::npos;
  size_t commit_at = std::string::npos;
};

struct Prisma8Package {
  std::string sql;  // the SQL text described above, in ops.json's layout
  std::vector<Prisma8Operation> operations;
  Prisma8Wrapping wrapping;
};

// Reads ops.json's text; `path` names it in errors ("path:line:col: …"): not JSON, not a list of
// operations (a top-level array, or an object whose `operations` is one), an operation without a
// string `id`, an `execute` step without a string `sql`, a duplicate key. Pure.
Result<Prisma8Package> ReadOpsJson(const std::string& path, std::string_view text);

// One `prisma db migrate` run applies all its pending packages in ONE transaction: BEGIN before
// the first package, COMMIT after the last. Blanks (with spaces, keeping every offset) the
// `BEGIN;` of `sql` unless `first_of_run`, and its `COMMIT;` unless `last_of_run`, so that the
// packages of a run read in order are the run's SQL.
void PlaceInRun(std::string& sql, const Prisma8Wrapping& wrapping, bool first_of_run,
                bool last_of_run);

// Reads a package's migration.json (its manifest): the contract hash the package brings the
// database to (`to`), which Prisma 8 writes into prisma_contract.marker once it has applied the
// package; nullopt when there is no string `to`. `path` names it in errors ("path:line:col: …"):
// not JSON, not an object. Pure.
Result<std::optional<std::string>> ReadManifestTo(const std::string& path, std::string_view text);

// The operation of `operations` whose SQL covers byte `offset`, or nullptr.
const Prisma8Operation* OperationAt(const std::vector<Prisma8Operation>& operations, size_t offset);

}  // namespace lockstep::migrations
