// squawk prefer-bigint-over-int, pgfence prefer-bigint-over-int: an int4 id or counter that runs
// out needs a rewriting type change on what is by then a large table.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "int4" || b == "int" || b == "integer" || b == "serial" || b == "serial4";
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column + "\" is " + TypeText(ctx, *w.type) +
         ", which overflows at 2,147,483,647; widening it later rewrites the table under ACCESS "
         "EXCLUSIVE";
}

class PreferBigintOverInt : public Rule {
 public:
  std::string_view id() const override { return "prefer-bigint-over-int"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "integer columns can run out of values; bigint costs little more";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message,
                "Use bigint (or bigserial / bigint GENERATED … AS IDENTITY) for ids and counters");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferBigintOverInt() { return std::make_unique<PreferBigintOverInt>(); }

}  // namespace lockstep::rules
