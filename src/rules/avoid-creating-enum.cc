// Eugene W13, pgfence create-enum-type: an enum's values can be added but never removed or
// reordered, so a set that may change is better kept in a lookup table or a CHECK constraint.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class AvoidCreatingEnum : public Rule {
 public:
  std::string_view id() const override { return "avoid-creating-enum"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "CREATE TYPE … AS ENUM: values can never be removed or reordered";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kCreateEnum) return;
    Report(ctx, *this,
           "Enum " + Quoted(s.type_name) +
               " can gain values (ALTER TYPE … ADD VALUE) but can never lose or reorder them "
               "without recreating the type and rewriting every column that uses it",
           "For a set that may change, use a lookup table with a foreign key (`CREATE TABLE " +
               Ident(sql::QName{s.type_name.schema, s.type_name.name + "_values"}) +
               " (value text PRIMARY KEY)`) or a text column with a CHECK (col IN (…)) "
               "constraint");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidCreatingEnum() { return std::make_unique<AvoidCreatingEnum>(); }

}  // namespace lockstep::rules
