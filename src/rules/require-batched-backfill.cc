// strong_migrations "backfilling data", pgfence bulk UPDATE / DELETE without WHERE: one statement
// that updates or deletes every row of a live table holds a row lock on all of them until the
// migration commits, blocks concurrent writers of any of those rows, and bloats the table.
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
  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind != sql::Kind::kUpdate && s.kind != sql::Kind::kDelete) return;
    if (!ctx.IsLive(s.table) || FindTopLevelToken(ctx, "WHERE")) return;
    const bool update = s.kind == sql::Kind::kUpdate;
    Report(ctx, *this,
           std::string(update ? "UPDATE" : "DELETE") + " without WHERE " +
               (update ? "updates" : "deletes") + " every row of " + Quoted(s.table) +
               " in one transaction: it holds a lock on each row until it commits, so any client "
               "writing one of them waits, and the table bloats",
           "Run it in batches outside the migration, committing between them (… WHERE id >= $1 "
           "AND id < $1 + 1000), or give new rows a default and backfill old ones in batches");
  }
};

}  // namespace

std::unique_ptr<Rule> MakeRequireBatchedBackfill() {
  return std::make_unique<RequireBatchedBackfill>();
}

}  // namespace lockstep::rules
