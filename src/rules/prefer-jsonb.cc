// eugene E3, strong_migrations json column, pgfence: json has no equality operator (DISTINCT,
// UNION, GROUP BY fail on it) and is stored as text.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "json";
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column +
         "\" is json, which has no equality operator: SELECT DISTINCT, UNION and GROUP BY over it "
         "fail, and it is reparsed on every access";
}

class PreferJsonb : public Rule {
 public:
  std::string_view id() const override { return "prefer-jsonb"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "json columns: no equality operator, reparsed on every access; prefer jsonb";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message, "Use jsonb");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferJsonb() { return std::make_unique<PreferJsonb>(); }

}  // namespace lockstep::rules
