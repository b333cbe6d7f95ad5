// The classic rewriting type change (issue 13 item 2): an integer primary key changed to bigint
// together with the foreign keys that reference it, as Prisma writes it:
//
//   ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
//   ALTER TABLE "Post" ALTER COLUMN "authorId" SET DATA TYPE BIGINT;
//   ALTER TABLE "User" DROP CONSTRAINT "User_pkey", ALTER COLUMN "id" SET DATA TYPE BIGINT,
//   ADD CONSTRAINT "User_pkey" PRIMARY KEY ("id");
//   ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES …;
//
// One predicate for fix's expand/contract of the whole group (src/fix/steps/key_type_change.cc)
// and for lint's `fixable` flag (through TypeChangeRewriteBlocker), so the two never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "locks/lock_model.h"
#include "schema/catalog.h"
#include "sql/ast.h"

namespace lockstep::locks {

// A group of statements that together change the type of a single-column primary key and of
// the columns of the foreign keys that reference it. Statement indexes are into the migration.
struct KeyConversion {
  size_t key_statement = 0;  // the ALTER TABLE changing the key column's type
  size_t key_cmd = 0;        // its ALTER COLUMN … TYPE action
  sql::QName table;          // the key's table, schema resolved
  std::string column;        // the key column
  std::string constraint;    // the primary key constraint's name
  bool serial = false;       // the column is serial: its sequence's default moves with it
  // The type the serial's sequence takes ("bigint" for serial to bigint), "" when it keeps its
  // own (not serial, or the new type is no wider integer).
  std::string sequence_type;
  struct Reference {
    sql::QName table;          // the referencing table, schema resolved
    std::string column;        // the referencing column
    std::string constraint;    // the foreign key's name
    size_t add_statement = 0;  // the ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY re-adding it
    // The ALTER TABLE changing the referencing column's type; nullopt when the migration keeps
    // the column's type (an integer column may reference a bigint key: PostgreSQL compares them
    // with the cross-type integer operators).
    std::optional<size_t> type_statement;
    bool not_null = false;  // the referencing column is NOT NULL
  };
  std::vector<Reference> references;  // in the order of their ADD CONSTRAINT statements
};

// Whether an index on a converted referencing column can be built again on the new column from
// the catalog alone: btree over plain columns, not partial, default operator classes, not
// backing a constraint.
bool IsRebuildableIndex(const schema::Index& ix);

// Whether action `cmd` of `statements[index]` (an ALTER COLUMN … TYPE) changes a single-column
// primary key, or the column of a foreign key to one whose type the migration also changes:
// then the key conversion predicate below decides, not the one for a plain column. `before` is
// the catalog just before `statements[index]`.
bool IsKeyConversionMember(const std::vector<sql::Statement>& statements, size_t index, size_t cmd,
                           const schema::Catalog& before);

// Why fix cannot convert the key group that action `cmd` of `statements[index]` belongs to
// (IsKeyConversionMember must hold), or "" when it can, then filling `out` when not null. The
// group must be the whole migration: the primary key's type change (alone, or between Prisma's
// DROP CONSTRAINT and ADD CONSTRAINT … PRIMARY KEY of the same key), and for each foreign key
// referencing it: its DROP CONSTRAINT, its ADD CONSTRAINT re-adding it (same name and column),
// and optionally a type change of its column (before the key's). `before` is the catalog just
// before `statements[index]`; any statement of the group gives the same answer.
std::string KeyConversionBlocker(const std::vector<sql::Statement>& statements, size_t index,
                                 size_t cmd, const schema::Catalog& before, const Options& options,
                                 KeyConversion* out = nullptr);

}  // namespace lockstep::locks
