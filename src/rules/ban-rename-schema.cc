// Like a table rename, for every table at once: running clients name the schema (qualified names,
// search_path, Prisma's `?schema=`) and fail from the rename until they are redeployed. A schema
// created earlier in the same migration has no clients yet.
#include <map>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanRenameSchema : public Rule {
 public:
  std::string_view id() const override { return "ban-rename-schema"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "ALTER SCHEMA … RENAME TO breaks every client that still uses the old schema name";
  }
  void Collect(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind == sql::Kind::kCreateSchema)
      ctx.Scratch<FirstCreate>(this).try_emplace(s.type_name.name, ctx.index);
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kRename || s.object_type != sql::ObjectType::kSchema) return;
    if (CreatedEarlier(ctx, s.rename_from)) return;
    Report(ctx, *this,
           "Renaming schema \"" + s.rename_from + "\" to \"" + s.rename_to +
               "\" breaks every running client that still names it (qualified names, "
               "search_path, the connection's ?schema=), for every table in it",
           "Move clients first: deploy code that reaches the tables through the new name while "
           "the old one still works (e.g. views in the old schema over tables moved with ALTER "
           "TABLE … SET SCHEMA), then drop what is left of the old schema in a later migration");
  }

 private:
  // The first CREATE SCHEMA of each name in the migration: its statement's ordinal. Gathered by
  // Collect (rescanning per statement would be quadratic on a long file).
  using FirstCreate = std::map<std::string, size_t>;

  // Whether a CREATE SCHEMA of `name` precedes the current statement in this migration.
  bool CreatedEarlier(Context& ctx, const std::string& name) const {
    const FirstCreate& first = ctx.Scratch<FirstCreate>(this);
    auto it = first.find(name);
    return it != first.end() && it->second < ctx.index;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameSchema() { return std::make_unique<BanRenameSchema>(); }

}  // namespace lockstep::rules
