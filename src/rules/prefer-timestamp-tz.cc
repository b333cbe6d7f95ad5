// squawk prefer-timestamp-tz, pgfence prefer-timestamptz: timestamp without time zone silently
// depends on the session time zone of every writer and reader.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

bool Matches(const sql::TypeRef& t) {
  const std::string& b = t.base();
  return b == "timestamp" || b == "timestamp without time zone";
}

std::string Message(const Context& ctx, const WrittenType& w) {
  return "Column \"" + w.column + "\" is " + TypeText(ctx, *w.type) +
         " (without time zone): values lose their offset and are read back in whatever time zone "
         "the session has";
}

class PreferTimestampTz : public Rule {
 public:
  std::string_view id() const override { return "prefer-timestamp-tz"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "timestamp without time zone: prefer timestamptz";
  }
  void CheckStatement(Context& ctx) const override {
    ReportTypes(ctx, *this, Matches, Message,
                "Use timestamptz; on PostgreSQL 12+ with a UTC session the change from timestamp "
                "is binary-coercible (no rewrite)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakePreferTimestampTz() { return std::make_unique<PreferTimestampTz>(); }

}  // namespace lockstep::rules
