// pgfence alter-enum-add-value, Prisma's own warning: ALTER TYPE … ADD VALUE cannot run in a
// transaction block before PostgreSQL 12, and from 12 the new value cannot be used until the
// transaction that added it commits ("unsafe use of new value"). With the whole file in one
// transaction (BEGIN … COMMIT, or settings.assume_in_transaction as under Prisma's native engine),
// a later statement using the value makes the migration fail.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

// The value of a string-constant token ('x', E'x'), or nullopt.
std::optional<std::string> StringValue(std::string_view tok) {
  if (!tok.empty() && (tok[0] == 'E' || tok[0] == 'e')) tok.remove_prefix(1);
  if (tok.size() < 2 || tok.front() != '\'' || tok.back() != '\'') return std::nullopt;
  std::string s;
  for (size_t i = 1; i + 1 < tok.size(); ++i) {
    s += tok[i];
    if (tok[i] == '\'') ++i;
  }
  return s;
}

class CommitBeforeUsingNewEnumValue : public Rule {
 public:
  std::string_view id() const override { return "commit-before-using-new-enum-value"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ALTER TYPE … ADD VALUE used (or, before PG12, run) inside one transaction: fails";
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kAlterEnum || s.enum_new_value.empty() || !s.enum_old_value.empty())
      return;
    if (!ctx.tx.in_transaction) return;
    const bool block = ctx.tx.explicit_block || ctx.migration().statements.size() > 1;
    if (ctx.settings().pg_version < 12) {
      if (!block) return;
      Report(ctx, *this,
             "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block, "
             "and here it runs inside one: the migration fails",
             "Put the ADD VALUE in a migration of its own, outside BEGIN … COMMIT");
      return;
    }
    const int added_line = LineOf(ctx, s.begin);
    const auto& toks = ctx.migration().parsed.tokens;
    for (size_t j : LaterInSameTransaction(ctx)) {
      const sql::Statement& o = *ctx.migration().statements[j].statement;
      // The same label added to (or created in) another enum, a comment or a trigger's argument
      // is text, not a use of the value.
      if (o.kind == sql::Kind::kAlterEnum || o.kind == sql::Kind::kCreateEnum ||
          o.kind == sql::Kind::kComment || o.kind == sql::Kind::kCreateTrigger)
        continue;
      for (int i = o.first_token; i < o.last_token && i < static_cast<int>(toks.size()); ++i) {
        if (toks[i].kind != "SCONST") continue;
        const std::string_view text = ctx.text().substr(toks[i].begin, toks[i].end - toks[i].begin);
        const auto v = StringValue(text);
        if (!v || *v != s.enum_new_value) continue;
        Diagnostic d;
        d.rule = std::string(id());
        d.severity = default_severity();
        d.message = "Enum value '" + s.enum_new_value +
                    "' is used here, in the transaction that "
                    "added it on line " +
                    std::to_string(added_line) +
                    ": PostgreSQL refuses it (\"unsafe use of new value\") until that "
                    "transaction commits";
        d.help =
            "Commit between the ADD VALUE and its first use: put them in separate "
            "migrations";
        d.begin = toks[i].begin;
        d.end = toks[i].end;
        ctx.Report(std::move(d));
        return;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCommitBeforeUsingNewEnumValue() {
  return std::make_unique<CommitBeforeUsingNewEnumValue>();
}

}  // namespace lockstep::rules
