// squawk identifier-too-long: PostgreSQL silently truncates identifiers to 63 bytes (NAMEDATALEN -
// 1), so two long names can collide and the name in the catalog is not the one in the code. The
// parser has already truncated the names in the typed view, so this rule reads the tokens.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

constexpr size_t kMaxBytes = 63;

// The identifier's bytes as PostgreSQL stores them, before truncation.
std::string Unquoted(std::string_view tok) {
  if (tok.size() < 2 || tok.front() != '"') return std::string(tok);
  std::string s;
  for (size_t i = 1; i + 1 < tok.size(); ++i) {
    s += tok[i];
    if (tok[i] == '"') ++i;
  }
  return s;
}

class BanLongIdentifier : public Rule {
 public:
  std::string_view id() const override { return "ban-long-identifier"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "identifier longer than 63 bytes: PostgreSQL truncates it silently";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    const auto& toks = ctx.migration().parsed.tokens;
    for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()); ++i) {
      if (toks[i].kind != "IDENT") continue;
      const std::string name = Unquoted(TokenText(ctx, i));
      if (name.size() <= kMaxBytes) continue;
      Report(ctx, *this,
             "Identifier \"" + name + "\" is " + std::to_string(name.size()) +
                 " bytes long: PostgreSQL truncates it to its first 63 bytes, \"" +
                 name.substr(0, kMaxBytes) + "\"",
             "Use a name of at most 63 bytes, so that the catalog holds the name the code uses",
             toks[i].begin, toks[i].end);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanLongIdentifier() { return std::make_unique<BanLongIdentifier>(); }

}  // namespace lockstep::rules
