#include "deploy/plan.h"

#include <algorithm>
#include <optional>

#include "base/source.h"
#include "locks/lock_model.h"
#include "migrations/checksum.h"
#include "schema/catalog.h"
#include "sql/parser.h"

namespace lockstep::deploy {
namespace {

std::string Summary(std::string_view text) {
  constexpr size_t kMax = 90;
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() > kMax) {
      // Cut on a UTF-8 boundary.
      while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
        out.pop_back();
      if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
      return out + "…";
    }
  }
  return out;
}

void AddRelation(std::vector<sql::QName>& out, const sql::QName& q) {
  if (q.name.empty()) return;
  if (std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
}

std::vector<sql::QName> Relations(const sql::Statement& s) {
  std::vector<sql::QName> out;
  AddRelation(out, s.table);
  AddRelation(out, s.reindex->index);
  for (const sql::QName& q : s.tables) AddRelation(out, q);
  if (s.kind == sql::Kind::kDrop &&
      (s.object_type == sql::ObjectType::kIndex || s.object_type == sql::ObjectType::kTable)) {
    for (const sql::QName& q : s.objects) AddRelation(out, q);
  }
  if (s.index) AddRelation(out, s.index->table);
  for (const sql::Constraint& c : s.table_constraints) AddRelation(out, c.ref_table);
  for (const sql::AlterCmd& c : s.cmds) {
    if (c.constraint) AddRelation(out, c.constraint->ref_table);
    AddRelation(out, c.partition);
    if (c.column)
      for (const sql::Constraint& k : c.column->constraints) AddRelation(out, k.ref_table);
  }
  for (const sql::ColumnDef& col : s.columns)
    for (const sql::Constraint& k : col.constraints) AddRelation(out, k.ref_table);
  return out;
}

bool OnlyValidates(const sql::Statement& s) {
  if (s.kind != sql::Kind::kAlterTable || s.cmds.empty()) return false;
  return std::all_of(s.cmds.begin(), s.cmds.end(), [](const sql::AlterCmd& c) {
    return c.type == sql::AlterType::kValidateConstraint;
  });
}

// Fills the timeouts, progress and recovery fields from the statement's shape.
void Classify(const sql::Statement& s, const Options& options, PlannedStatement& p) {
  p.statement_timeout_ms = options.statement_timeout_ms;
  p.relations = Relations(s);
  // The lock model without a catalog: lock modes follow from the statement alone (a catalog only
  // tells new tables from old ones, and what is new on the primary is absent on the replica).
  // Names as the statement wrote them, so that they resolve in the target's schema.
  for (const locks::RelationLock& l : locks::Analyze(s, schema::Catalog()).locks) {
    if (l.mode <= locks::LockMode::kRowExclusive) continue;
    for (const sql::QName& q : p.relations)
      if (q.name == l.relation.name) AddRelation(p.strong_locks, q);
  }
  auto unlimited = [&] {
    p.statement_timeout_ms = 0;
    p.long_running = true;
  };
  switch (s.kind) {
    case sql::Kind::kCreateIndex:
      p.index_progress = true;
      p.long_running = true;
      if (s.index) {
        p.index_name = {s.index->table.schema, s.index->name};
        p.table = s.index->table;
        p.if_not_exists = s.index->if_not_exists;
        if (s.index->concurrently) {
          unlimited();
          p.recovery = Recovery::kCreateIndexConcurrently;
          p.waits_for_older_transactions = true;
        }
      }
      break;
    case sql::Kind::kReindex:
      p.index_progress = true;
      p.long_running = true;
      if (s.reindex->kind == "index") p.index_name = s.reindex->index;
      if (s.reindex->kind == "table") p.table = s.table;
      if (s.concurrently) {
        unlimited();
        p.recovery = Recovery::kReindexConcurrently;
        p.waits_for_older_transactions = true;
      }
      break;
    case sql::Kind::kDrop:
      if (s.object_type == sql::ObjectType::kIndex && s.concurrently) {
        unlimited();
        p.recovery = Recovery::kDropIndexConcurrently;
        if (!s.objects.empty()) p.index_name = s.objects.front();
      }
      break;
    case sql::Kind::kVacuum:
      if (!s.vacuum_full) unlimited();
      p.long_running = true;
      break;
    case sql::Kind::kAlterTable:
      if (OnlyValidates(s)) unlimited();
      for (const sql::AlterCmd& c : s.cmds) {
        if (c.type == sql::AlterType::kDetachPartition && c.concurrently) {
          unlimited();
          p.recovery = Recovery::kDetachConcurrently;
          p.table = s.table;
          p.partition = c.partition;
        }
      }
      break;
    case sql::Kind::kSet:
      p.session_set = !s.setting->local;
      // RESET ALL has no name.
      p.may_change_timeouts = s.setting->name.empty() || s.setting->name == "lock_timeout" ||
                              s.setting->name == "statement_timeout" ||
                              s.setting->name == "idle_in_transaction_session_timeout";
      break;
    case sql::Kind::kSelect:
    case sql::Kind::kInsert:
    case sql::Kind::kUpdate:
    case sql::Kind::kDelete:
    case sql::Kind::kMerge:
    case sql::Kind::kDo:
    case sql::Kind::kOther:  // CALL, …
      // May call set_config() or a function that SETs: lockstep cannot see into them.
      p.may_change_timeouts = true;
      break;
    default:
      break;
  }
}

bool RefusedTransactionControl(const sql::Statement& s) {
  if (s.kind != sql::Kind::kTransaction) return false;
  switch (s.transaction) {
    case sql::TransactionKind::kRollback:
    case sql::TransactionKind::kPrepare:
    case sql::TransactionKind::kCommitPrepared:
    case sql::TransactionKind::kRollbackPrepared:
      return true;
    default:
      return false;
  }
}

// A session-level SET that means nothing for one transaction in particular: SET LOCAL and SET
// TRANSACTION ... shape the migration's transaction, which a batched backfill does not have.
bool SessionSetting(const sql::Statement& s) {
  if (s.kind != sql::Kind::kSet || s.setting->local) return false;
  return s.setting->name != "transaction" && s.setting->name.rfind("transaction_", 0) != 0 &&
         s.setting->name != "session characteristics";
}

// The UPDATE's shape, when deploy can run it in batches: the rest of the text is kept as written
// and the key range ANDed onto its WHERE (docs/backfill.md).
std::optional<Backfill> BackfillShape(const sql::Statement& s) {
  if (s.kind != sql::Kind::kUpdate || !s.update) return std::nullopt;
  const sql::Update& u = *s.update;
  // RETURNING would make the WHERE end before the statement does; CURRENT OF names one row.
  if (u.has_returning || u.where_current_of) return std::nullopt;
  if (u.has_where && u.where_begin < 0) return std::nullopt;
  Backfill b;
  b.table = s.table;
  b.alias = u.alias;
  b.only = u.only;
  b.set_columns = u.set_columns;
  if (u.has_where) {
    b.where_begin = u.where_begin - s.begin;
    b.where_end = u.where_end - s.begin;
  }
  return b;
}

// A migration that is one UPDATE, possibly with session-level SETs around it, outside a BEGIN …
// COMMIT of its own, becomes one kBackfill step.
void MakeBackfill(MigrationPlan& plan, const std::vector<const sql::Statement*>& statements) {
  if (!plan.errors.empty() || plan.steps.size() != 1 ||
      plan.steps[0].kind != StepKind::kTransaction || plan.steps[0].explicit_block)
    return;
  Step& step = plan.steps[0];
  if (step.statements.size() != statements.size()) return;
  int updates = 0;
  for (size_t i = 0; i < statements.size(); ++i) {
    const sql::Statement& s = *statements[i];
    if (SessionSetting(s)) continue;
    std::optional<Backfill> b = BackfillShape(s);
    if (!b || ++updates > 1) return;
    step.statements[i].backfill = std::move(*b);
  }
  if (updates != 1) return;
  step.kind = StepKind::kBackfill;
}

}  // namespace

const PlannedStatement* BackfillStatement(const Step& step) {
  if (step.kind != StepKind::kBackfill) return nullptr;
  for (const PlannedStatement& s : step.statements) {
    if (s.backfill) return &s;
  }
  return nullptr;
}

MigrationPlan UnanalysedPlan(const MigrationPlan& p) {
  MigrationPlan out;
  out.name = p.name;
  out.path = p.path;
  out.checksum = p.checksum;
  out.sql = p.sql;
  out.statement_count = 1;
  PlannedStatement whole;
  whole.end = static_cast<int>(p.sql.size());
  whole.sql = p.sql;
  whole.summary = "the whole migration (not analysed)";
  whole.where = p.path + ":1:1";
  whole.may_change_timeouts = true;  // lockstep cannot see what it SETs
  Step step;
  step.statements.push_back(std::move(whole));
  out.steps.push_back(std::move(step));
  return out;
}

MigrationPlan PlanMigration(const migrations::Migration& m, const Options& options) {
  MigrationPlan plan;
  plan.name = m.name;
  plan.path = m.sql_path.string();
  plan.sql = m.sql;
  plan.checksum = migrations::PrismaChecksum(m.sql);

  sql::ParseOptions parse_options;
  parse_options.psql_script = false;
  const sql::ParsedFile parsed = sql::ParseString(plan.sql, parse_options);
  const SourceFile source(plan.path, plan.sql);
  if (!parsed.ok()) {
    plan.errors = sql::FormatErrors(source, parsed);
    plan.syntax_error = true;
    return plan;
  }

  auto error = [&](int offset, const std::string& message) {
    plan.errors.push_back(source.Where(offset) + ": error: " + message);
  };
  auto note = [&](int offset, const std::string& message) {
    plan.notes.push_back(source.Where(offset) + ": note: " + message);
  };

  std::optional<Step> group;  // the transaction being filled
  int block_begin = -1;       // offset of the migration's own BEGIN while inside it
  auto close_group = [&] {
    if (group && !group->statements.empty()) plan.steps.push_back(std::move(*group));
    group.reset();
  };

  int index = 0;
  std::vector<const sql::Statement*> planned;  // the statements of the steps, in order
  for (const sql::Statement& s : parsed.statements) {
    const std::string_view text = sql::StatementText(plan.sql, s);
    if (s.kind == sql::Kind::kTransaction) {
      if (RefusedTransactionControl(s)) {
        error(s.begin, "'" + Summary(text) +
                           "' in a migration is not supported: lockstep decides transaction "
                           "boundaries itself and cannot tell what it should undo");
        continue;
      }
      if (s.transaction == sql::TransactionKind::kBegin) {
        if (block_begin >= 0) {
          note(s.begin, "BEGIN inside a transaction block has no effect (PostgreSQL only warns)");
          continue;
        }
        close_group();
        group = Step{};
        group->explicit_block = true;
        group->begin_sql = std::string(text);  // keeps an isolation level or READ ONLY
        block_begin = s.begin;
        continue;
      }
      if (s.transaction == sql::TransactionKind::kCommit) {
        // Ends the migration's block, or the implicit group before it, as PostgreSQL would.
        close_group();
        block_begin = -1;
        continue;
      }
      // SAVEPOINT, RELEASE, ROLLBACK TO: ordinary statements inside the step's transaction.
    }

    PlannedStatement p;
    p.index = index++;
    p.begin = s.begin;
    p.end = s.end;
    p.sql = std::string(text);
    p.summary = Summary(text);
    p.where = source.Where(s.begin);
    Classify(s, options, p);

    if (sql::MustRunOutsideTransaction(s)) {
      if (block_begin >= 0) {
        error(s.begin, "'" + p.summary +
                           "' cannot run inside a transaction block, and this migration opens "
                           "one at " +
                           source.Where(block_begin) + ": move it after the COMMIT");
        continue;
      }
      close_group();
      Step step;
      step.kind = StepKind::kOutsideTransaction;
      step.statements.push_back(std::move(p));
      plan.steps.push_back(std::move(step));
      continue;
    }
    planned.push_back(&s);
    if (!group) group = Step{};
    group->statements.push_back(std::move(p));
  }
  if (block_begin >= 0) {
    note(block_begin, "BEGIN without COMMIT: the transaction ends with the migration");
  }
  close_group();
  plan.statement_count = index;
  MakeBackfill(plan, planned);
  return plan;
}

std::vector<Step> StepsFrom(const MigrationPlan& plan, int from) {
  std::vector<Step> out;
  for (const Step& step : plan.steps) {
    if (step.end() <= from) continue;
    Step s = step;
    s.statements.erase(std::remove_if(s.statements.begin(), s.statements.end(),
                                      [&](const PlannedStatement& p) { return p.index < from; }),
                       s.statements.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lockstep::deploy
