// strong_migrations "backfilling data", pgfence bulk UPDATE / DELETE without WHERE: one statement
// that updates or deletes every row of a live table holds a row lock on all of them until the
// migration commits, blocks concurrent writers of any of those rows, and bloats the table.
// `lockstep deploy` runs an UPDATE that is alone in its migration in batches (docs/backfill.md),
// so with it that one is fine; `lockstep fix` moves an UPDATE among other statements into a
// migration of its own (fix/steps/isolate_backfill.cc).
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class RequireBatchedBackfill : public Rule {
 public:
  std::string_view id() const override { return "require-batched-backfill"; }
  Severity default_severity() const override { return Severity::kWarning; }
  std::string_view summary() const override {
    return "UPDATE / DELETE of every row of an existing table in one statement";
  }
  bool fixable() const override { return true; }
  void Collect(Context& ctx) const override {
    if (ctx.statement().kind != sql::Kind::kSet) ++ctx.Scratch<Others>(this).not_set;
  }
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kUpdate && s.kind != sql::Kind::kDelete) return;
    if (!ctx.IsLive(s.table) || FindTopLevelToken(ctx, "WHERE")) return;
    const bool update = s.kind == sql::Kind::kUpdate;
    if (update && ctx.settings().deployed_by_lockstep && AloneInItsMigration(ctx)) return;
    Diagnostic d;
    d.rule = std::string(id());
    d.severity = default_severity();
    d.message = std::string(update ? "UPDATE" : "DELETE") + " without WHERE " +
                (update ? "updates" : "deletes") + " every row of " + Quoted(s.table) +
                " in one transaction: it holds a lock on each row until it commits, so any "
                "client writing one of them waits, and the table bloats";
    d.help =
        "Run it in batches outside the migration, committing between them (… WHERE id >= $1 "
        "AND id < $1 + 1000), or give new rows a default and backfill old ones in batches";
    if (update) {
      // What fix does with it; whether it can (nothing later needs the rows, a primary key to
      // batch by) is fix's to say, with the reason when it cannot.
      d.help +=
          " (lockstep fix moves it, unchanged, to a migration of its own, which lockstep deploy "
          "runs in batches)";
      d.fixable = true;
    }
    d.begin = d.end = -1;  // the whole statement
    ctx.Report(std::move(d));
  }

 private:
  // How many statements of the migration are not a session SET / RESET: gathered by Collect.
  struct Others {
    size_t not_set = 0;
  };

  // Only session SET / RESET beside it: lockstep deploy's batched form (docs/backfill.md).
  bool AloneInItsMigration(Context& ctx) const {
    const size_t mine = ctx.statement().kind != sql::Kind::kSet ? 1 : 0;
    return ctx.Scratch<Others>(this).not_set == mine;
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireBatchedBackfill() {
  return std::make_unique<RequireBatchedBackfill>();
}

}  // namespace lockstep::rules
