// squawk ban-drop-table, pgfence drop-table: running clients still query the table. A table
// created earlier in this migration has no clients yet.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDropTable : public Rule {
 public:
  std::string_view id() const override { return "ban-drop-table"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "DROP TABLE breaks clients that still use the table (and loses its data)";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kTable) return;
    for (const sql::QName& t : s.objects) {
      if (!ctx.IsLive(t)) continue;
      Report(ctx, *this,
             "Dropping " + Quoted(t) +
                 " breaks every running client that still queries it, and its data is gone",
             "Deploy application code that no longer uses the table first, keep a backup, then "
             "drop it in a later migration");
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDropTable() { return std::make_unique<BanDropTable>(); }

}  // namespace lockstep::rules
