// squawk ban-char-field: char(n) is blank-padded, so values change length and compare oddly, and it
// is no faster than text.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "bpchar" || b == "char" || b == "character";
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column + "\" is " + TypeText(ctx, *w.type) +
         ": char(n) pads values with blanks, compares them ignoring trailing blanks, and is no "
         "faster than text";
}

class BanCharField : public Rule {
 public:
  std::string_view id() const override { return "ban-char-field"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "char(n) columns: blank-padded, no faster than text";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message,
                "Use text (or varchar) with a CHECK (length(col) <= n) constraint if the length "
                "must be limited");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanCharField() { return std::make_unique<BanCharField>(); }

}  // namespace lockstep::rules
