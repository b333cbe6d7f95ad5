// squawk disallowed-unique-constraint, eugene E7, strong_migrations, pgfence: see
// unique_index_rule.h.
#include "rules/registry.h"
#include "rules/unique_index_rule.h"

namespace lockstep::rules {
namespace {

class RequireUniqueUsingIndex : public UniqueIndexRule {
 public:
  std::string_view id() const override { return "require-unique-using-index"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD UNIQUE on an existing table: index build under ACCESS EXCLUSIVE";
  }

 protected:
  sql::Constraint::Type type() const override { return sql::Constraint::Type::kUnique; }
  std::string_view what() const override { return "UNIQUE"; }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireUniqueUsingIndex() {
  return std::make_unique<RequireUniqueUsingIndex>();
}

}  // namespace lockstep::rules
