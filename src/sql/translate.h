// Internal to src/sql/: libpg_query's raw parse tree (PostgreSQL's own nodes) -> typed view.
#pragma once

#include "sql/ast.h"

struct Node;  // PostgreSQL's node header (sql/pg_nodes.h); only src/sql/*.cc see its definition

namespace lockstep::sql {

// Fills `s` (kind, node name, names, details) from a statement node (a RawStmt's stmt).
// Offsets in the tree are offsets into the parsed text; callers set s.begin/s.end.
void TranslateStatement(const Node* stmt, Statement& s);

}  // namespace lockstep::sql
