#include "sql/quote.h"

#include <string>

#include "base/quote.h"

// Last: the server headers define macros (see pg_nodes.h).
#include "sql/pg_nodes.h"
extern "C" {
#include <common/keywords.h>
}

namespace lockstep::sql {

std::string QuoteIdent(std::string_view name) {
  bool safe = !name.empty() && ((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_');
  for (char c : name) safe = safe && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (safe) {
    // libpg_query carries PostgreSQL 15's keyword table; only unreserved keywords may stand
    // bare as a name in every position, which is the test quote_ident applies.
    const std::string z(name);
    const int kw = ScanKeywordLookup(z.c_str(), &ScanKeywords);
    if (kw >= 0 && ScanKeywordCategories[kw] != UNRESERVED_KEYWORD) safe = false;
  }
  if (safe) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string QuoteQName(const QName& q) { return QuoteQualified(q.schema, q.name, QuoteIdent); }

}  // namespace lockstep::sql
