// squawk require-table-schema: an unqualified table name resolves through search_path, which may
// differ between the session that runs the migration and the application's.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireTableSchema : public Rule {
 public:
  std::string_view id() const override { return "require-table-schema"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "table name not schema-qualified: resolved through search_path";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    std::vector<sql::QName> names;
    switch (s.kind) {
      case sql::Kind::kCreateTable:
      case sql::Kind::kCreateTableAs:
        if (s.temporary) return;
        // CREATE TEMP TABLE … AS does not mark the statement temporary in the view.
        if (FindToken(ctx, "TEMP") || FindToken(ctx, "TEMPORARY")) return;
        names.push_back(s.table);
        break;
      case sql::Kind::kAlterTable:
        if (s.object_type != sql::ObjectType::kTable) return;
        names.push_back(s.table);
        break;
      case sql::Kind::kDrop:
        if (s.object_type != sql::ObjectType::kTable) return;
        names = s.objects;
        break;
      default:
        return;
    }
    for (const sql::QName& q : names) {
      if (!q.schema.empty() || q.name.empty()) continue;
      Report(ctx, *this,
             "Table " + Quoted(q) +
                 " is not schema-qualified: it resolves through the session's "
                 "search_path, which may not be the application's",
             "Qualify it: " + Ident(ctx.catalog().Resolve(q)));
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireTableSchema() { return std::make_unique<RequireTableSchema>(); }

}  // namespace lockstep::rules
