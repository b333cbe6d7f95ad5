// Quoting identifiers for SQL that lockstep writes (help texts, generated statements).
#pragma once

#include <string>
#include <string_view>

#include "sql/ast.h"

namespace lockstep::sql {

// `name` as PostgreSQL's quote_ident() writes it: bare when it is all lower-case letters, digits
// and underscores (not starting with a digit) and not a keyword that needs quoting (every
// keyword except the unreserved ones, by PostgreSQL 15's own keyword list); otherwise in double
// quotes, with each `"` doubled. So "User" -> "\"User\"", user -> "\"user\"", post -> "post".
// Thread-safe.
std::string QuoteIdent(std::string_view name);

// A possibly qualified name, each part quoted: public.User -> public."User".
std::string QuoteQName(const QName& q);

}  // namespace lockstep::sql
