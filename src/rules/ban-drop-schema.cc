// pgfence drop-schema: dropping a schema drops (with CASCADE) or needs the prior removal of every
// object in it; in a migration it is almost always data loss.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanDropSchema : public Rule {
 public:
  std::string_view id() const override { return "ban-drop-schema"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override { return "DROP SCHEMA in a migration"; }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kDrop || s.object_type != sql::ObjectType::kSchema) return;
    const std::string name = s.objects.empty() ? std::string() : s.objects.front().ToString();
    Report(ctx, *this,
           "DROP SCHEMA \"" + name + "\"" +
               (s.cascade ? " CASCADE drops every table, view and function in it"
                          : " removes a namespace that running clients may still use"),
           "Drop the objects one by one after the application stopped using them, then the empty "
           "schema");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDropSchema() { return std::make_unique<BanDropSchema>(); }

}  // namespace lockstep::rules
