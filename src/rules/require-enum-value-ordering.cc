// squawk require-enum-value-ordering, pgfence alter-enum-no-ordering: ADD VALUE without BEFORE or
// AFTER appends the value, and enum values sort in declaration order forever after.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireEnumValueOrdering : public Rule {
 public:
  std::string_view id() const override { return "require-enum-value-ordering"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "ALTER TYPE … ADD VALUE without BEFORE/AFTER appends: sort order is permanent";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterEnum || s.type_details->enum_new_value.empty() ||
        !s.type_details->enum_old_value.empty() || !s.type_details->enum_neighbor.empty())
      return;
    std::string last;
    if (const schema::Enum* e = ctx.catalog().FindEnum(s.type_name); e && !e->values.empty())
      last = e->values.back();
    Report(ctx, *this,
           "ADD VALUE '" + s.type_details->enum_new_value + "' without BEFORE or AFTER appends it" +
               (last.empty() ? std::string() : " after '" + last + "'") + " to " +
               Quoted(s.type_name) +
               ": enum values sort in declaration order, and the order can never be changed",
           last.empty()
               ? "Say where it belongs: ALTER TYPE " + Ident(s.type_name) + " ADD VALUE " +
                     Literal(s.type_details->enum_new_value) + " BEFORE|AFTER '<existing value>'"
               : "Say where it belongs, e.g. `ALTER TYPE " + Ident(s.type_name) + " ADD VALUE " +
                     Literal(s.type_details->enum_new_value) + " AFTER " + Literal(last) +
                     "` (or BEFORE another value)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireEnumValueOrdering() {
  return std::make_unique<RequireEnumValueOrdering>();
}

}  // namespace lockstep::rules
