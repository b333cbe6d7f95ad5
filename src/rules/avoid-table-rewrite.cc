// eugene E10, pgfence vacuum-full / cluster / set-logged-unlogged: statements whose whole job is to
// rewrite a table (VACUUM FULL, CLUSTER, SET TABLESPACE, SET [UN]LOGGED, SET ACCESS METHOD) hold
// ACCESS EXCLUSIVE for as long as the copy takes. ADD COLUMN and ALTER COLUMN TYPE rewrites have
// their own rules; from PostgreSQL 19, prefer-repack covers VACUUM FULL and CLUSTER.
#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

class AvoidTableRewrite : public Rule {
 public:
  std::string_view id() const override { return "avoid-table-rewrite"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "VACUUM FULL, CLUSTER, SET TABLESPACE, SET [UN]LOGGED: rewrite under ACCESS EXCLUSIVE";
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    const bool pg19 = ctx.settings().pg_version >= 19;
    constexpr std::string_view kRepackHelp =
        "Use pg_repack or pg_squeeze, which rebuild the table online and hold ACCESS EXCLUSIVE "
        "only for a moment at the end (PostgreSQL 19: REPACK (CONCURRENTLY))";
    if ((s.kind == sql::Kind::kVacuum && s.vacuum_full) || s.kind == sql::Kind::kCluster) {
      if (pg19) return;
      const std::string what = s.kind == sql::Kind::kCluster ? "CLUSTER" : "VACUUM FULL";
      if (s.tables.empty()) {
        Report(ctx, *this,
               what + " without a table rewrites every " +
                   (s.kind == sql::Kind::kCluster ? "previously clustered table" : "table") +
                   " of the database, each under an ACCESS EXCLUSIVE lock, which blocks reads "
                   "and writes",
               std::string(kRepackHelp));
        return;
      }
      for (const sql::QName& t : s.tables) {
        const locks::RelationLock* l = LockOn(ctx, t);
        if (!l || !IsLive(*l) || !Rewrites(ctx, t)) continue;
        Report(ctx, *this, what + " rewrites " + Quoted(t) + " under " + LockPhrase(l->mode, t),
               std::string(kRepackHelp));
        return;
      }
      return;
    }
    if (s.kind != sql::Kind::kAlterTable || !Rewrites(ctx, s.table)) return;
    const locks::RelationLock* l = LockOn(ctx, s.table);
    if (!l || !IsLive(*l)) return;
    for (size_t i = 0; i < s.cmds.size(); ++i) {
      std::string what, help;
      switch (s.cmds[i].type) {
        case sql::AlterType::kSetTablespace:
          what = "SET TABLESPACE";
          help = "Use pg_repack --tablespace, which moves the table online";
          break;
        case sql::AlterType::kSetLogged:
        case sql::AlterType::kSetUnlogged:
          what = s.cmds[i].type == sql::AlterType::kSetLogged ? "SET LOGGED" : "SET UNLOGGED";
          help =
              "There is no online way to change persistence: create a new table with the "
              "wanted persistence, copy in batches, and swap names";
          break;
        case sql::AlterType::kSetAccessMethod:
          what = "SET ACCESS METHOD";
          help = "Create a new table with the access method, copy in batches, and swap names";
          break;
        default:
          continue;
      }
      const auto [b, e] = AlterCmdRange(ctx, i);
      Report(ctx, *this,
             what + " rewrites " + Quoted(s.table) + " under " + LockPhrase(l->mode, s.table) +
                 ", until the copy ends",
             help, b, e);
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeAvoidTableRewrite() { return std::make_unique<AvoidTableRewrite>(); }

}  // namespace lockstep::rules
