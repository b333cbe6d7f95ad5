// squawk ban-alter-domain-with-add-constraint: ALTER DOMAIN … ADD CONSTRAINT checks every column of
// every table that uses the domain, with no NOT VALID/VALIDATE split as tables have.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanAlterDomainWithAddConstraint : public Rule {
 public:
  std::string_view id() const override { return "ban-alter-domain-with-add-constraint"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "ALTER DOMAIN … ADD CONSTRAINT scans every table that uses the domain";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterDomain || s.type_details->domain_subtype != "C") return;
    int b = -1;
    if (!s.type_details->domain_constraints.empty())
      b = s.type_details->domain_constraints.front().location;
    if (auto add = FindToken(ctx, "ADD_P")) b = add->first;
    Report(ctx, *this,
           "Adding a constraint to domain " + Quoted(s.type_name) +
               " checks every column of every table that uses it, while locking those tables",
           "Put the constraint on the table columns instead (ADD CONSTRAINT … CHECK (…) NOT VALID, "
           "then VALIDATE CONSTRAINT), where it can be validated without blocking writes",
           b, b >= 0 ? s.end : -1);
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanAlterDomainWithAddConstraint() {
  return std::make_unique<BanAlterDomainWithAddConstraint>();
}

}  // namespace lockstep::rules
