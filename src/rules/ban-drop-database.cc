// squawk ban-drop-database, pgfence drop-database: a migration has no business destroying a whole
// database.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDropDatabase : public Rule {
 public:
  std::string_view id() const override { return "ban-drop-database"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override { return "DROP DATABASE in a migration"; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kDropDatabase) return;
    Report(ctx, *this,
           "DROP DATABASE " + Quoted(s.type_name) +
               " destroys the database and every client's data in it",
           "Drop databases by hand, outside the migration history");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDropDatabase() { return std::make_unique<BanDropDatabase>(); }

}  // namespace lockstep::rules
