// squawk prefer-robust-stmts, pgfence: a multi-statement migration that runs without a transaction
// can fail half-way; the rerun then trips over what the first attempt already did, unless each
// statement is guarded (IF [NOT] EXISTS) or naturally repeatable. Statements that are repeatable
// as they stand (SET NOT NULL, ENABLE ROW LEVEL SECURITY, VALIDATE …) are not reported.
//
// Whether a file runs without a transaction depends on the deployer, not on the file: Prisma's
// native engine sends it as one implicit transaction, and lockstep deploy runs consecutive
// transactional statements in one transaction and resumes a failed migration from the step that
// failed, so the rerun never repeats what succeeded. Only deployers that send statements one by
// one (Prisma 7.4+, psql without -1) rerun them, so the rule runs only with deployer = "other",
// and says so.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

// The condition under which a rerun repeats statements, as messages state it.
constexpr const char* kWhenRerun =
    "if a deployer that sends statements one by one without a transaction (Prisma 7.4+, psql "
    "without -1) applies this file and it";

class PreferRobustStmts : public Rule {
 public:
  std::string_view id() const override { return "prefer-robust-stmts"; }
  Severity default_severity() const override { return Severity::kHint; }
  std::string_view summary() const override {
    return "unguarded CREATE/DROP/ADD in a multi-statement migration without a transaction";
  }

  void Collect(Context& ctx) const override {
    const sql::Statement& o = ctx.statement();
    if (o.kind != sql::Kind::kAlterTable) return;
    Decisions& decisions = ctx.Scratch<Decisions>(this);
    std::set<std::string> decided;  // names already decided by this statement
    // The first ADD or DROP CONSTRAINT of a name in the statement decides for that name.
    for (const sql::AlterCmd& c : o.cmds) {
      if (c.name.empty() || decided.count(c.name)) continue;
      if (c.type != sql::AlterType::kAddConstraint && c.type != sql::AlterType::kDropConstraint)
        continue;
      decided.insert(c.name);
      decisions[DecisionKey(o.table, c.name)].push_back(
          {ctx.index, c.type == sql::AlterType::kDropConstraint && c.if_exists});
    }
  }

  void CheckStatement(Context& ctx) const override {
    if (ctx.settings().deployed_by_lockstep || ctx.tx.in_transaction || ctx.statement_count < 2)
      return;
    const sql::Statement& s = ctx.statement();
    using K = sql::Kind;
    switch (s.kind) {
      case K::kCreateTable:
        if (s.if_not_exists || (s.temporary && OnCommitDrop(ctx))) return;
        Missing(ctx, "IF NOT EXISTS", "CREATE TABLE IF NOT EXISTS");
        return;
      case K::kCreateIndex:
        // An unnamed index gets a fresh name on every run, so a rerun cannot collide.
        if (s.if_not_exists || !s.index || s.index->name.empty()) return;
        Missing(ctx, "IF NOT EXISTS", "CREATE INDEX IF NOT EXISTS");
        return;
      case K::kDrop:
        if (s.if_exists) return;
        if (s.object_type != sql::ObjectType::kTable && s.object_type != sql::ObjectType::kIndex &&
            s.object_type != sql::ObjectType::kType && s.object_type != sql::ObjectType::kView &&
            s.object_type != sql::ObjectType::kMatView)
          return;
        Missing(ctx, "IF EXISTS", "DROP … IF EXISTS");
        return;
      case K::kAlterTable: {
        for (size_t i = 0; i < s.cmds.size(); ++i) {
          const sql::AlterCmd& c = s.cmds[i];
          const auto [b, e] = AlterCmdRange(ctx, i);
          using A = sql::AlterType;
          if (c.type == A::kAddColumn && !c.if_not_exists) {
            Missing(ctx, "IF NOT EXISTS", "ADD COLUMN IF NOT EXISTS", b, e);
          } else if ((c.type == A::kDropColumn || c.type == A::kDropConstraint) && !c.if_exists) {
            Missing(
                ctx, "IF EXISTS",
                c.type == A::kDropColumn ? "DROP COLUMN IF EXISTS" : "DROP CONSTRAINT IF EXISTS", b,
                e);
          } else if (c.type == A::kAddConstraint && !DroppedBefore(ctx, c.name)) {
            Report(
                ctx, *this,
                "ADD CONSTRAINT cannot be guarded with IF NOT EXISTS: " + std::string(kWhenRerun) +
                    " fails after it, the rerun fails here because the constraint already "
                    "exists",
                c.name.empty()
                    ? "Name the constraint and precede it with ALTER TABLE … DROP CONSTRAINT "
                      "IF EXISTS <name>, or run the migration in a transaction"
                    : "Precede it with `ALTER TABLE " + Ident(s.table) +
                          " DROP CONSTRAINT IF EXISTS " + Ident(c.name) +
                          "`, or run the migration in a transaction",
                b, e);
          }
        }
        return;
      }
      default:
        return;
    }
  }

 private:
  void Missing(Context& ctx, const std::string& guard, const std::string& form, int b = -1,
               int e = -1) const {
    Report(ctx, *this,
           "Missing " + guard + ": " + kWhenRerun +
               " fails after this statement, the rerun fails here",
           "Use " + form + ", or run the migration in a transaction", b, e);
  }

  static bool OnCommitDrop(const Context& ctx) {
    auto on = FindToken(ctx, "COMMIT");
    return on.has_value();
  }

  // An earlier `DROP CONSTRAINT IF EXISTS name` on the same table makes the ADD repeatable, once.
  // Decided by the nearest earlier ALTER TABLE of the same table (as written) that adds or drops
  // a constraint of that name.
  bool DroppedBefore(Context& ctx, const std::string& name) const {
    if (name.empty()) return false;
    const sql::Statement& s = ctx.statement();
    const Decisions& d = DecisionsOf(ctx);
    auto it = d.find(DecisionKey(s.table, name));
    if (it == d.end()) return false;
    // The last decision before the current statement.
    const auto& v = it->second;
    auto after = std::lower_bound(v.begin(), v.end(), std::make_pair(ctx.index, false));
    return after != v.begin() && std::prev(after)->second;
  }

  // (table as written, constraint name) -> (statement index, whether that statement leaves the
  // ADD repeatable), in statement order. Gathered by Collect: scanning back over the earlier
  // statements for every ADD CONSTRAINT was quadratic on a long file.
  using Decisions = std::map<std::string, std::vector<std::pair<size_t, bool>>>;

  static std::string DecisionKey(const sql::QName& table, const std::string& name) {
    return table.Key() + '\0' + name;  // NUL: no identifier holds one
  }

  const Decisions& DecisionsOf(Context& ctx) const { return ctx.Scratch<Decisions>(this); }
};

}  // namespace

std::unique_ptr<Rule> MakePreferRobustStmts() { return std::make_unique<PreferRobustStmts>(); }

}  // namespace lockstep::rules
