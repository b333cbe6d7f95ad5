// ALTER TYPE … RENAME VALUE on an enum that clients already use: a running client that sends the
// old value (a filter, an insert) fails with "invalid input value for enum" from the rename until
// it is redeployed, and code that reads the column gets a value it does not know. An enum created
// earlier in the same migration has no clients yet.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class BanRenameEnumValue : public Rule {
 public:
  std::string_view id() const override { return "ban-rename-enum-value"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "ALTER TYPE … RENAME VALUE breaks clients that still send or expect the old value";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterEnum || s.type_details->enum_old_value.empty()) return;
    // Unknown to the history: assume it is in use, as for tables.
    const schema::Enum* e = ctx.catalog().FindEnum(s.type_name);
    if (e && e->origin == schema::Origin::kThisMigration) return;
    Report(ctx, *this,
           "Renaming value '" + s.type_details->enum_old_value + "' of enum " +
               Quoted(s.type_name) + " to '" + s.type_details->enum_new_value +
               "' breaks every running client that still sends or expects the old value",
           "Add the new value instead (`ALTER TYPE " + Ident(s.type_name) + " ADD VALUE " +
               Literal(s.type_details->enum_new_value) + " AFTER " +
               Literal(s.type_details->enum_old_value) +
               "`), deploy code that accepts both, move the rows over in batches (UPDATE … SET "
               "col = " +
               Literal(s.type_details->enum_new_value) +
               " WHERE col = " + Literal(s.type_details->enum_old_value) +
               "), and stop writing the old value (an enum value cannot be dropped)");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanRenameEnumValue() { return std::make_unique<BanRenameEnumValue>(); }

}  // namespace lockstep::rules
