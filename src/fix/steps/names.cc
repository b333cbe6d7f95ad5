// Default names as PostgreSQL chooses them, so that a constraint fix has to name explicitly
// (VALIDATE needs a name) ends up with the name the original statement would have produced.
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

bool ConstraintNameUsed(const schema::Catalog& c, const std::string& schema,
                        const std::string& name) {
  for (const auto& [key, t] : c.tables()) {
    if (t.name.schema != schema) continue;
    for (const schema::Constraint& k : t.constraints)
      if (k.name == name) return true;
  }
  return false;
}

bool RelationNameUsed(const schema::Catalog& c, const std::string& schema,
                      const std::string& name) {
  return c.FindTable(sql::QName{schema, name}) || c.FindIndex(sql::QName{schema, name});
}

}  // namespace

std::string WrittenConstraintName(const Context& ctx, int location) {
  const int i = ctx.TokenIndexAt(location);
  if (i < 0 || ctx.parsed().tokens[i].kind != "CONSTRAINT") return "";
  return ctx.TokenAt(ctx.parsed().tokens[i].end);
}

std::string JoinColumnsForName(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += '_';
    out += c;
    if (out.size() >= 63) break;
  }
  if (out.size() > 63) out.resize(63);
  return out;
}

std::string ChooseConstraintName(const schema::Catalog& catalog, const sql::QName& table,
                                 std::string_view name2, std::string_view label) {
  const sql::QName t = catalog.Resolve(table);
  for (int pass = 0;; ++pass) {
    const std::string l =
        pass == 0 ? std::string(label) : std::string(label) + std::to_string(pass);
    std::string name = PgObjectName(t.name, name2, l);
    if (!ConstraintNameUsed(catalog, t.schema, name)) return name;
  }
}

std::string ChooseIndexName(const schema::Catalog& catalog, const sql::QName& table,
                            std::string_view name2, std::string_view label) {
  const sql::QName t = catalog.Resolve(table);
  for (int pass = 0;; ++pass) {
    const std::string l =
        pass == 0 ? std::string(label) : std::string(label) + std::to_string(pass);
    std::string name = PgObjectName(t.name, name2, l);
    if (!RelationNameUsed(catalog, t.schema, name)) return name;
  }
}

}  // namespace lockstep::fix::steps
