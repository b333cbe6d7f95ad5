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

// `name` qualified by `schema`, each part quoted by `quote`: ("public", "User") ->
// "public"."User". An empty schema leaves the name unqualified ("User"), for the search_path to
// resolve. The one place that joins the parts: sql::QuoteQName passes its own `quote` (names
// bare where PostgreSQL would leave them, for text shown to people).
std::string QuoteQualified(std::string_view schema, std::string_view name,
                           std::string (*quote)(std::string_view) = QuoteIdent);

}  // namespace lockstep
