// pgfence alter-enum-add-value, Prisma's own warning: ALTER TYPE … ADD VALUE cannot run in a
// transaction block before PostgreSQL 12, and from 12 the new value cannot be used until the
// transaction that added it commits ("unsafe use of new value"). With the whole file in one
// transaction (BEGIN … COMMIT, or settings.assume_in_transaction as under Prisma's native engine),
// a later statement using the value makes the migration fail. The packages of a Prisma 8 run are
// one transaction too: a value added in one package and used in a later one fails the same way.
// Each added value is reported at its first use only.
#include <map>
#include <utility>
#include <vector>

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

// Whether a string constant of `o` can be a use of an enum value: the same label added to (or
// created in) another enum, a comment or a trigger's argument is text, not a use of the value.
bool MayUseValues(const sql::Statement& o) {
  return o.kind != sql::Kind::kAlterEnum && o.kind != sql::Kind::kCreateEnum &&
         o.kind != sql::Kind::kComment && o.kind != sql::Kind::kCreateTrigger;
}

// The first SCONST token of `o` (a statement of `m`) whose value is `value`, or -1.
int UseOf(const analysis::AnalyzedMigration& m, const sql::Statement& o, const std::string& value) {
  if (!MayUseValues(o)) return -1;
  const auto& toks = m.parsed.tokens;
  const std::string_view text = m.source.text();
  for (int i = o.first_token; i < o.last_token && i < static_cast<int>(toks.size()); ++i) {
    if (toks[i].kind != "SCONST") continue;
    const auto v = StringValue(text.substr(toks[i].begin, toks[i].end - toks[i].begin));
    if (v && *v == value) return i;
  }
  return -1;
}

bool IsAddValue(const sql::Statement& s) {
  return s.kind == sql::Kind::kAlterEnum && !s.type_details->enum_new_value.empty() &&
         s.type_details->enum_old_value.empty();
}

// A value added in an earlier migration of the transaction and not used since.
struct Added {
  std::string value;
  const analysis::AnalyzedMigration* migration = nullptr;
  int at = 0;  // the ADD VALUE's offset in `migration`
};

// Per migration: the values earlier migrations of its transaction added and did not use, worked
// out at its first statement in that transaction and dropped at their first use here.
struct Pending {
  bool known = false;
  std::vector<Added> values;
};

class CommitBeforeUsingNewEnumValue : public Rule {
 public:
  std::string_view id() const override { return "commit-before-using-new-enum-value"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "ALTER TYPE … ADD VALUE used (or, before PG12, run) inside one transaction: fails";
  }
  void CheckStatement(Context& ctx) const override {
    CheckUseOfEarlierMigrations(ctx);
    const sql::Statement& s = ctx.statement();
    if (!IsAddValue(s)) return;
    if (!ctx.tx.in_transaction) return;
    const bool block = ctx.tx.explicit_block || ctx.statement_count > 1;
    if (ctx.settings().pg_version < 12) {
      if (!block) return;
      Report(ctx, *this,
             "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block, "
             "and here it runs inside one: the migration fails",
             "Put the ADD VALUE in a migration of its own, outside BEGIN … COMMIT");
      return;
    }
    const LaterUses& uses = ctx.Scratch<LaterUses>(this);
    auto use = uses.find(ctx.index);
    if (use == uses.end()) return;
    ReportUse(ctx, {s.type_details->enum_new_value, &ctx.migration(), s.begin}, use->second);
  }

  // The first use of each value that an ADD VALUE adds, later in the same transaction as it (up
  // to the COMMIT, ROLLBACK or PREPARE that ends it; a BEGIN inside does not): found here so
  // that CheckStatement needs no later statement.
  void Collect(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    Unused& unused = ctx.Scratch<Unused>(this);
    if (s.kind == sql::Kind::kTransaction && (s.transaction == sql::TransactionKind::kCommit ||
                                              s.transaction == sql::TransactionKind::kRollback ||
                                              s.transaction == sql::TransactionKind::kPrepare)) {
      unused.clear();
      return;
    }
    // Each string constant of the statement, in order, against the values waiting for a use: a
    // lookup per constant, not a scan of the statement per waiting value.
    if (!unused.empty() && MayUseValues(s)) {
      const auto& toks = ctx.migration().parsed.tokens;
      const std::string_view text = ctx.migration().source.text();
      for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()); ++i) {
        if (toks[i].kind != "SCONST") continue;
        const auto v = StringValue(text.substr(toks[i].begin, toks[i].end - toks[i].begin));
        auto waiting = v ? unused.find(*v) : unused.end();
        if (waiting == unused.end()) continue;
        for (size_t add : waiting->second)
          ctx.Scratch<LaterUses>(this)[add] = {toks[i].begin, toks[i].end};
        unused.erase(waiting);
      }
    }
    if (IsAddValue(s)) unused[s.type_details->enum_new_value].push_back(ctx.index);
  }

 private:
  // Collect's findings: the ordinal of an ADD VALUE -> the byte range of the first later use of
  // its value in its transaction.
  using LaterUses = std::map<size_t, std::pair<int, int>>;
  // While Collect walks a transaction: the values its ADD VALUEs added whose use it has not met,
  // each with the ordinals of those ADD VALUEs.
  using Unused = std::map<std::string, std::vector<size_t>>;

  void ReportUse(Context& ctx, const Added& added, std::pair<int, int> use) const {
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = "Enum value '" + added.value +
                "' is used here, in the transaction that added it on " +
                LineIn(ctx, *added.migration, added.at) +
                ": PostgreSQL refuses it (\"unsafe use of new value\") until that transaction "
                "commits";
    d.help = "Commit between the ADD VALUE and its first use: put them in separate migrations";
    d.begin = use.first;
    d.end = use.second;
    ctx.Report(std::move(d));
  }

  // A value that an earlier migration of the transaction added (PostgreSQL 12+: before, the ADD
  // VALUE itself is reported) is reported at its first use, here or in a migration between.
  void CheckUseOfEarlierMigrations(Context& ctx) const {
    if (ctx.settings().pg_version < 12 || !ctx.tx.in_transaction) return;
    // Only while the transaction is the one that began in an earlier migration.
    if (!ctx.tx.statements || ctx.tx.statement_count == 0 ||
        (*ctx.tx.statements)[0].migration == &ctx.migration())
      return;
    Pending& pending = ctx.Scratch<Pending>(this);
    if (!pending.known) {
      pending.known = true;
      for (const TransactionStatement& e : EarlierMigrationsInSameTransaction(ctx)) {
        std::erase_if(pending.values, [&](const Added& a) {
          return UseOf(*e.migration, *e.statement, a.value) >= 0;
        });
        if (IsAddValue(*e.statement))
          pending.values.push_back(
              {e.statement->type_details->enum_new_value, e.migration, e.statement->begin});
      }
    }
    for (auto it = pending.values.begin(); it != pending.values.end();) {
      const int use = UseOf(ctx.migration(), ctx.statement(), it->value);
      if (use < 0) {
        ++it;
        continue;
      }
      const sql::Token& t = ctx.migration().parsed.tokens[use];
      ReportUse(ctx, *it, {t.begin, t.end});
      it = pending.values.erase(it);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeCommitBeforeUsingNewEnumValue() {
  return std::make_unique<CommitBeforeUsingNewEnumValue>();
}

}  // namespace lockstep::rules
