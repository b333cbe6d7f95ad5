// Internal to src/sql/: protobuf-c tree -> typed view. Includes the protobuf header, so only
// src/sql/*.cc may include this file.
#pragma once

#include <optional>

#include <pg_query/pg_query.pb-c.h>

#include "sql/ast.h"

namespace lockstep::sql {

// Fills `s` (kind, names, details) from a parsed statement node. Offsets in the tree are
// already file offsets; callers set s.begin/s.end.
void TranslateStatement(const PgQuery__Node* stmt, Statement& s);
std::optional<Expr> TranslateExpr(const PgQuery__Node* n);
Constraint TranslateConstraint(const PgQuery__Constraint* c);
ColumnDef TranslateColumnDef(const PgQuery__ColumnDef* c);

}  // namespace lockstep::sql
