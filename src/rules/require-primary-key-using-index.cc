// squawk adding-serial-primary-key-field: see unique_index_rule.h.
#include "rules/registry.h"
#include "rules/unique_index_rule.h"

namespace lockstep::rules {
namespace {

class RequirePrimaryKeyUsingIndex : public UniqueIndexRule {
 public:
  std::string_view id() const override { return "require-primary-key-using-index"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ADD PRIMARY KEY on an existing table: index build under ACCESS EXCLUSIVE";
  }

 protected:
  sql::Constraint::Type type() const override { return sql::Constraint::Type::kPrimaryKey; }
  std::string_view what() const override { return "PRIMARY KEY"; }
};

}  // namespace

std::unique_ptr<Rule> MakeRequirePrimaryKeyUsingIndex() {
  return std::make_unique<RequirePrimaryKeyUsingIndex>();
}

}  // namespace lockstep::rules
