// Internal to src/sql/: libpg_query's raw parse tree (PostgreSQL's own nodes) -> typed view.
#pragma once

#include <string_view>

#include "sql/ast.h"

struct Node;  // PostgreSQL's node header (sql/pg_nodes.h); only src/sql/*.cc see its definition

namespace lockstep::sql {

// Fills `s` (kind, node name, names, details) from a statement node (a RawStmt's stmt).
// Offsets in the tree are offsets into the parsed text; callers set s.begin/s.end.
void TranslateStatement(const Node* stmt, Statement& s);

// Adds `by` to every byte offset of `s` that is set (>= 0), its span and those of its parts and
// body included: a statement translated from a piece of the file starting at `by` then carries
// file offsets, as one translated from the whole file does. Token indexes are left alone.
void ShiftLocations(Statement& s, int by);

// For a DO block or CREATE FUNCTION whose routine_source TranslateStatement filled: finds the
// source in `file` (the text s.begin/s.end index) and reads it into s.routine's body,
// dynamic_sql and body_unread (sql/routine.cc). Runs outside any libpg_query raw parse, which it
// would disturb.
void ReadRoutineBody(std::string_view file, Statement& s);

}  // namespace lockstep::sql
