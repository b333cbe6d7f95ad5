// The corpus suites' cheap pre-check: whether the planner could change a migration at all (most
// corpus migrations it cannot, and planning them under the sanitizers costs more than parsing).
#pragma once

#include <string>

#include "sql/parser.h"

namespace lockstep::fixtest {

inline bool Candidate(const std::string& text) {
  sql::ParseOptions o;
  o.tokens = false;
  const sql::ParsedFile p = sql::Parse(text, o);
  for (const sql::Statement& s : p.statements) {
    if (sql::MustRunOutsideTransaction(s) && p.statements.size() > 1) return true;
    switch (s.kind) {
      case sql::Kind::kCreateIndex:
      case sql::Kind::kReindex:
      case sql::Kind::kRefreshMatView:
        return true;
      case sql::Kind::kDrop:
        if (s.object_type == sql::ObjectType::kIndex) return true;
        break;
      case sql::Kind::kRename:
        if (s.object_type == sql::ObjectType::kColumn || s.object_type == sql::ObjectType::kTable)
          return true;
        break;
      case sql::Kind::kAlterTable:
        for (const sql::AlterCmd& c : s.cmds)
          if (c.type == sql::AlterType::kAddConstraint || c.type == sql::AlterType::kSetNotNull ||
              c.type == sql::AlterType::kDetachPartition ||
              c.type == sql::AlterType::kValidateConstraint)
            return true;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace lockstep::fixtest
