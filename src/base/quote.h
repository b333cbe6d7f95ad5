// Quoting names and values for SQL that lockstep sends or writes. One copy: the database layer
// (its own queries), fix (the steps it writes) and verify (workload SQL) all quote the same way.
#pragma once

#include <string>
#include <string_view>

namespace lockstep {

// `name` in double quotes, each `"` doubled. Always quoted: correct for any name (the names
// lockstep holds are already as PostgreSQL resolved them, case included), unlike
// sql::QuoteIdent, which leaves a name bare when PostgreSQL would (for text shown to people).
std::string QuoteIdent(std::string_view name);

// `value` as a SQL string literal: in single quotes, each `'` doubled ('it''s'). Assumes
// standard_conforming_strings (the default since PostgreSQL 9.1), where a backslash is an
// ordinary character.
std::string QuoteLiteral(std::string_view value);

}  // namespace lockstep
