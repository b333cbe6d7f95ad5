// squawk prefer-text-field, pgfence prefer-text-field: a length limit in the type can only be
// changed with ALTER COLUMN TYPE (a scan or a rewrite under ACCESS EXCLUSIVE), while a CHECK can be
// replaced online.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return (b == "varchar" || b == "character varying") && !t.typmods.empty();
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column + "\" is " + TypeText(ctx, *w.type) +
         ": lowering the limit later scans the table under ACCESS EXCLUSIVE, and text with a CHECK "
         "is as fast";
}

class PreferTextField : public Rule {
 public:
  std::string_view id() const override { return "prefer-text-field"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "varchar(n) columns: changing the limit later may rewrite; prefer text";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message,
                "Use text, with a CHECK (length(col) <= n) constraint added NOT VALID if a limit "
                "is needed");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferTextField() { return std::make_unique<PreferTextField>(); }

}  // namespace lockstep::rules
