// squawk ban-truncate-cascade, pgfence truncate-cascade: CASCADE also truncates every table that
// references the named ones through a foreign key, and every table referencing those, recursively.
#include <tuple>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanTruncateCascade : public Rule {
 public:
  std::string_view id() const override { return "ban-truncate-cascade"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "TRUNCATE … CASCADE also empties every table that references these, recursively";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kTruncate || !s.cascade) return;
    bool live = false;
    for (const sql::QName& t : s.tables) live = live || ctx.IsLive(t);
    if (!live) return;
    std::string also;
    for (const sql::QName& t : s.tables)
      for (auto [tab, fk] : ctx.catalog().ReferencesTo(t))
        also += (also.empty() ? "" : ", ") + Quoted(tab->name);
    int b = -1, e = -1;
    if (auto c = FindToken(ctx, "CASCADE")) std::tie(b, e) = *c;
    Report(ctx, *this,
           "TRUNCATE … CASCADE also empties every table that references these through a foreign "
           "key, and the tables referencing those" +
               (also.empty() ? std::string() : " (here: " + also + ")") +
               ", each under an ACCESS EXCLUSIVE lock",
           "Name every table to truncate explicitly (without CASCADE), so that the statement fails "
           "instead of silently emptying a table you did not mean to",
           b, e);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanTruncateCascade() { return std::make_unique<BanTruncateCascade>(); }

}  // namespace lockstep::rules
