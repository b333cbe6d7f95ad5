// squawk ban-create-domain-with-constraint: constraints on a domain cannot later be changed online
// (ALTER DOMAIN … ADD CONSTRAINT scans every using table), so keep them on the table columns.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanCreateDomainWithConstraint : public Rule {
 public:
  std::string_view id() const override { return "ban-create-domain-with-constraint"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "CREATE DOMAIN with a CHECK/NOT NULL: domain constraints cannot evolve online";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kCreateDomain) return;
    for (const sql::Constraint& k : s.type_details->domain_constraints) {
      using T = sql::Constraint::Type;
      if (k.type != T::kCheck && k.type != T::kNotNull) continue;
      Report(ctx, *this,
             "Domain " + Quoted(s.type_name) +
                 " carries a constraint: changing it later means ALTER DOMAIN, which checks "
                 "every table that uses the domain without a NOT VALID escape",
             "Create the domain without constraints and put CHECK / NOT NULL on the table "
             "columns, where NOT VALID + VALIDATE CONSTRAINT can change them online",
             k.location, k.location >= 0 ? ClauseEnd(ctx, k.location) : -1);
      return;
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanCreateDomainWithConstraint() {
  return std::make_unique<BanCreateDomainWithConstraint>();
}

}  // namespace lockstep::rules
