// squawk prefer-bigint-over-smallint: a smallint that runs out needs a rewriting type change.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "int2" || b == "smallint" || b == "smallserial" || b == "serial2";
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column + "\" is " + TypeText(ctx, *w.type) +
         ", which overflows at 32,767; widening it later rewrites the table under ACCESS EXCLUSIVE";
}

class PreferBigintOverSmallint : public Rule {
 public:
  std::string_view id() const override { return "prefer-bigint-over-smallint"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "smallint columns can run out of values; bigint costs little more";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message,
                "Use bigint (or integer when the range is known to stay small)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferBigintOverSmallint() {
  return std::make_unique<PreferBigintOverSmallint>();
}

}  // namespace lockstep::rules
