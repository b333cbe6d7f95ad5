// What no step could make safe: statements that rewrite or scan a live table under a lock that
// blocks its traffic, fail on a populated table, or break running code (renames the rename steps
// could not rewrite). The plan
// explains the expand/contract sequence; fix exits with kUnsafe unless --allow-unsafe.
#include <algorithm>

#include "analysis/rename.h"
#include "fix/steps/step.h"

namespace lockstep::fix::steps {
namespace {

bool Contains(const std::vector<sql::QName>& v, const sql::QName& q) {
  return std::find(v.begin(), v.end(), q) != v.end();
}

void Judge(Context& ctx, const sql::Statement& s, const locks::Effect& e, const sql::AlterCmd* a) {
  const schema::Catalog& cat = ctx.before();
  const sql::QName table = s.table.name.empty() ? sql::QName{} : cat.Resolve(s.table);
  auto live = [&](const sql::QName& q) {
    if (e.new_table && q == table) return false;
    return cat.OriginOf(q) != schema::Origin::kThisMigration;
  };
  const std::string col = a && a->column ? a->column->name : a ? a->name : "";
  if (e.fails_if_rows && !table.name.empty() && live(table)) {
    ctx.MarkUnsafe("ADD COLUMN " + col + " NOT NULL without a DEFAULT fails as soon as " +
                       table.ToString() + " has a row",
                   {"add the column as nullable (or with a constant DEFAULT: no rewrite on "
                    "PostgreSQL 11+)",
                    "deploy code that writes it", "backfill existing rows in small batches",
                    "then SET NOT NULL in a later migration (lockstep fix turns it into CHECK … "
                    "NOT VALID, VALIDATE, SET NOT NULL)"});
    return;
  }
  // A rename of a live column or table that RenameColumnStep / RenameTableStep could not rewrite
  // is marked unsafe by the step itself, with the reason; one that reaches here is of a relation
  // the history does not know.
  if (s.kind == sql::Kind::kRename &&
      (s.object_type == sql::ObjectType::kTable || s.object_type == sql::ObjectType::kColumn) &&
      live(table) && !Renames(ctx).HalfOfASwap(ctx.index)) {
    const bool is_table = s.object_type == sql::ObjectType::kTable;
    ctx.MarkUnsafe(
        std::string("renaming a ") + (is_table ? "table" : "column") +
            " breaks every running instance of the application that still uses the "
            "old name (and takes ACCESS EXCLUSIVE); " +
            table.ToString() +
            " is not in the replayed history, so fix cannot rewrite it as expand/contract",
        is_table
            ? std::vector<
                  std::string>{"expand: rename, and create a view with the old name (CREATE "
                               "VIEW old AS SELECT * FROM new) so old code keeps working",
                               "deploy code that uses the new name",
                               "contract: drop the view in a later migration"}
            : std::vector<std::string>{"expand: add the new column, write both (application or "
                                       "trigger)",
                                       "backfill the new column in batches",
                                       "deploy code that reads the new column",
                                       "contract: drop the old column in a later migration"});
    return;
  }
  for (const locks::RelationLock& l : e.locks) {
    if (l.is_index || !live(l.relation) || !locks::BlocksWrites(l.mode)) continue;
    const bool rewrites = Contains(e.rewrites, l.relation);
    const bool scans = Contains(e.scans, l.relation);
    if (!rewrites && !scans) continue;
    if (s.kind == sql::Kind::kTruncate)
      continue;  // empties the table on purpose; no work under the lock
    std::string why = std::string(locks::LockModeName(l.mode)) + " on " + l.relation.ToString() +
                      " (blocks " + std::string(locks::BlocksTraffic(l.mode)) + ") while it " +
                      (rewrites ? "rewrites" : "scans") + " the table";
    if (!e.notes.empty()) why += ": " + e.notes.front();
    std::vector<std::string> steps;
    if (a && a->type == sql::AlterType::kAlterColumnType) {
      // What keeps TypeChangeStep from doing these steps itself, from the predicate it uses.
      locks::Options lo;
      lo.pg_version = ctx.options().pg_version;
      const std::string blocker = locks::TypeChangeRewriteBlocker(
          ctx.parsed().statements, ctx.index, static_cast<size_t>(a - ctx.stmt().cmds.data()),
          ctx.before(), lo);
      if (!blocker.empty()) why += " (lockstep fix cannot rewrite it: " + blocker + ")";
      steps = {"add a new column of the new type", "write both columns (application or trigger)",
               "backfill the new column in batches", "deploy code that reads the new column",
               "drop the old column in a later migration"};
    } else if (a && a->type == sql::AlterType::kAddColumn) {
      steps = {"add the column without the default (or with a constant one)",
               "ALTER COLUMN … SET DEFAULT for new rows (no rewrite)",
               "backfill existing rows in small batches"};
    } else if (a && a->type == sql::AlterType::kSetNotNull) {
      steps = {
          "PostgreSQL before 12 cannot use a CHECK to skip the scan: run it when the table "
          "is quiet, with a short lock_timeout, or upgrade (--pg-version)"};
    } else if (a && a->type == sql::AlterType::kAddConstraint) {
      steps = {
          "build the supporting index first with CREATE [UNIQUE] INDEX CONCURRENTLY in a "
          "migration of its own",
          "then add the constraint USING INDEX, or NOT VALID + VALIDATE"};
    } else if (s.kind == sql::Kind::kCreateIndex) {
      steps = {
          "on a partitioned table: CREATE INDEX ON ONLY the parent, CREATE INDEX CONCURRENTLY "
          "on each partition, then ALTER INDEX … ATTACH PARTITION for each"};
    } else if (s.kind == sql::Kind::kRefreshMatView) {
      steps = {"create a unique index on the view (CREATE UNIQUE INDEX CONCURRENTLY)",
               "then REFRESH MATERIALIZED VIEW CONCURRENTLY"};
    } else {
      steps = {
          "rebuild online with a tool such as pg_repack, or run it in a maintenance window "
          "with a short lock_timeout"};
    }
    ctx.MarkUnsafe(why, steps);
    return;
  }
  // A lock without work under it is short: the deployer's lock_timeout and retries are the cure
  // for its queueing, not a rewrite.
}

}  // namespace

void ClassifyUnsafe(Context& ctx, const std::vector<size_t>& unclaimed_actions) {
  const sql::Statement& s = ctx.stmt();
  if (s.kind != sql::Kind::kAlterTable || unclaimed_actions.empty()) {
    Judge(ctx, s, ctx.effect(), nullptr);
    return;
  }
  locks::Options lo;
  lo.pg_version = ctx.options().pg_version;
  for (size_t k : unclaimed_actions) {
    sql::Statement one = s;
    one.cmds = {s.cmds[k]};
    Judge(ctx, one, locks::Analyze(one, ctx.before(), lo), &s.cmds[k]);
  }
}

}  // namespace lockstep::fix::steps
