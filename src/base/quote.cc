#include "base/quote.h"

namespace lockstep {
namespace {

std::string Enclose(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

}  // namespace

std::string QuoteIdent(std::string_view name) { return Enclose(name, '"'); }

std::string QuoteLiteral(std::string_view value) { return Enclose(value, '\''); }

std::string QuoteQualified(std::string_view schema, std::string_view name,
                           std::string (*quote)(std::string_view)) {
  return schema.empty() ? quote(name) : quote(schema) + "." + quote(name);
}

}  // namespace lockstep
