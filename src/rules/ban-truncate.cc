// pgfence truncate: TRUNCATE deletes every row of a live table, under ACCESS EXCLUSIVE. (With
// CASCADE, ban-truncate-cascade reports it.) A table created in this migration holds nothing
// anyone else wrote.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanTruncate : public Rule {
 public:
  std::string_view id() const override { return "ban-truncate"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "TRUNCATE of an existing table: deletes every row under ACCESS EXCLUSIVE";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kTruncate || s.cascade) return;
    for (const sql::QName& t : s.tables) {
      const locks::RelationLock* l = LockOn(ctx, t);
      if (!l || !IsLive(*l)) continue;
      Report(ctx, *this,
             "TRUNCATE deletes every row of " + Quoted(t) + " under " + LockPhrase(l->mode, t),
             "If the data must go, delete it in batches outside the migration (DELETE … WHERE id "
             "IN (SELECT id … LIMIT 1000)); keep a backup");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanTruncate() { return std::make_unique<BanTruncate>(); }

}  // namespace lockstep::rules
