#include "fix/planner.h"

#include <algorithm>
#include <cctype>

#include "fix/steps/step.h"

namespace lockstep::fix {
namespace steps {

Context::Context(const analysis::AnalyzedMigration& m, const analysis::History& h, size_t target,
                 const Options& o, std::shared_ptr<const schema::Catalog> start)
    : m_(m), h_(h), target_(target), o_(o), walk_(m.parsed.statements, std::move(start)) {
  removed_.assign(m.parsed.statements.size(), false);
  removed_actions_.resize(m.parsed.statements.size());
}

void Context::BeginStatement(size_t i) {
  index = i;
  walk_.MoveTo(i);
  spans_ = SplitAlterTable(m_.parsed, stmt());
}

const locks::Effect& Context::effect(size_t i) const {
  // Computed here rather than read from the analysed migration: HistoryPlanner does not analyse
  // its migrations beforehand (that walk would cost a catalog copy of its own).
  auto it = effects_.find(i);
  if (it == effects_.end())
    it =
        effects_.emplace(i, locks::Analyze(stmt(i), before(i), AnalysisOptionsFor(o_).locks)).first;
  return it->second;
}

std::string Context::TableText() const {
  if (spans_) return std::string(Text(spans_->name_begin, spans_->name_end));
  return QuoteQName(stmt().table);
}

int Context::TokenIndexAt(int offset) const {
  const auto& toks = m_.parsed.tokens;
  auto it = std::lower_bound(toks.begin(), toks.end(), offset,
                             [](const sql::Token& t, int off) { return t.begin < off; });
  for (; it != toks.end(); ++it)
    if (it->kind != "SQL_COMMENT" && it->kind != "C_COMMENT")
      return static_cast<int>(it - toks.begin());
  return -1;
}

std::string Context::TokenAt(int offset) const {
  const int i = TokenIndexAt(offset);
  if (i < 0) return {};
  const sql::Token& t = m_.parsed.tokens[i];
  return std::string(Text(t.begin, t.end));
}

bool Context::IsNew(const sql::QName& table) const {
  return before().OriginOf(table) == schema::Origin::kThisMigration;
}

std::string Context::Summary(size_t i) const {
  std::string_view t = sql::StatementText(text(), stmt(i));
  std::string out;
  bool space = false;
  for (char c : t) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
    if (out.size() > 90) {
      out += "…";
      break;
    }
  }
  return out;
}

std::string Context::Kw(std::string_view keywords) const {
  std::string out(keywords);
  const std::string_view first = Text(stmt().begin, std::min(stmt().end, stmt().begin + 1));
  if (!first.empty() && first[0] >= 'a' && first[0] <= 'z')
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Context::MigrationStem() const {
  const std::string& n = m_.name;
  size_t i = 0;
  while (i < n.size() && n[i] >= '0' && n[i] <= '9') ++i;
  if (i > 0 && i < n.size() && n[i] == '_') return n.substr(i + 1);
  return n;
}

void Context::Move(NewMigration m, std::optional<std::vector<Edit>> in_place, Phase phase) {
  moved_.push_back({std::move(m), std::move(in_place), static_cast<int>(index), phase});
}

namespace {

std::string Slug(const std::string& s) { return migrations::SnakeCase(s); }

}  // namespace

Result<Plan> Context::Finish() {
  std::stable_sort(moved_.begin(), moved_.end(),
                   [](const Moved& a, const Moved& b) { return a.phase < b.phase; });
  const size_t n = statement_count();
  std::vector<bool> gone(n, false);
  for (size_t i = 0; i < n; ++i) {
    gone[i] = removed_[i];
    if (!gone[i] && !removed_actions_[i].empty()) {
      std::vector<size_t> r = removed_actions_[i];
      std::sort(r.begin(), r.end());
      r.erase(std::unique(r.begin(), r.end()), r.end());
      if (r.size() == stmt(i).cmds.size()) gone[i] = true;
    }
  }
  // A migration left without statements keeps its first moved statement, fixed in place: a
  // one-statement migration may run outside a transaction under either Prisma engine.
  int keep = -1;
  if (std::all_of(gone.begin(), gone.end(), [](bool g) { return g; }) && !moved_.empty() &&
      moved_.front().statement >= 0 && moved_.front().in_place) {
    keep = moved_.front().statement;
    gone[keep] = false;
    removed_actions_[keep].clear();
    for (Edit& e : *moved_.front().in_place) edits_.push_back(std::move(e));
    for (Note& r : rewrites_)
      if (r.offset == stmt(keep).begin) r.how = "made safe in place (the only statement left here)";
    moved_.erase(moved_.begin());
  }

  std::vector<Edit> edits = edits_;
  int top = -1;  // end of the removals that run together from the top of the file
  for (size_t i = 0; i < n; ++i) {
    if (gone[i]) {
      auto [b, e] = StatementRemovalRange(text(), m_.parsed, i);
      if (b == 0 && top < 0) {
        top = e;
      } else if (top > 0 && b <= top && e > top) {
        // A removed paragraph takes the blank line above it, which the one before, at the top of
        // the file, already took with the blank line below it: take the one below instead, or
        // the file would start with a blank line.
        int q = e;
        while (q < static_cast<int>(text().size()) &&
               (text()[q] == ' ' || text()[q] == '\t' || text()[q] == '\r'))
          ++q;
        if (q < static_cast<int>(text().size()) && text()[q] == '\n') e = q + 1;
        top = e;
      }
      edits.push_back({b, e, ""});
    } else if (!removed_actions_[i].empty()) {
      std::optional<AlterSpans> sp = SplitAlterTable(m_.parsed, stmt(i));
      if (!sp)
        return Status::Error("internal error: cannot split the actions of an ALTER TABLE",
                             m_.source.Where(stmt(i).begin));
      for (Edit& e : RemoveAlterActions(*sp, removed_actions_[i])) edits.push_back(std::move(e));
    }
  }
  Plan plan;
  plan.original = std::string(text());
  Result<std::string> rewritten = ApplyEdits(text(), edits);
  if (!rewritten.ok()) return Status::Error(rewritten.status().message(), m_.source.path());
  plan.rewritten = std::move(rewritten.value());
  plan.edits = std::move(edits);
  std::sort(plan.edits.begin(), plan.edits.end(),
            [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  const bool emptied = n > 0 && std::all_of(gone.begin(), gone.end(), [](bool g) { return g; });

  std::string stem = MigrationStem();
  for (const char* verb : {"add_", "create_"})
    if (stem.rfind(verb, 0) == 0 && stem.size() > std::string(verb).size())
      stem = stem.substr(std::string(verb).size());
  for (NewMigration& x : expands_) plan.after.push_back(std::move(x));
  for (NewMigration& b : backfills_) plan.after.push_back(std::move(b));
  if (!after_backfill_.empty()) {
    NewMigration a;
    for (const std::string& s : after_backfill_) a.sql += s + ";\n";
    a.slug = Slug("not_null_" + stem);
    a.purpose =
        "adds NOT NULL NOT VALID once the backfill has filled every row (ACCESS "
        "EXCLUSIVE for an instant, no scan)";
    plan.after.push_back(std::move(a));
  }
  if (!validations_.empty()) {
    bool fk = false, check = false;
    NewMigration v;
    for (const Validation& x : validations_) {
      (x.kind == "fk" ? fk : check) = true;
      v.sql += x.sql + ";\n";
    }
    const std::string what = fk && check ? "constraints" : fk ? "fks" : "checks";
    const bool named = stem.size() >= what.size() &&
                       stem.compare(stem.size() - what.size(), what.size(), what) == 0;
    v.slug = Slug("validate_" + stem + (named ? "" : "_" + what));
    v.purpose = "validates what " + m_.name +
                " added NOT VALID (SHARE UPDATE EXCLUSIVE: reads and writes go on)";
    plan.after.push_back(std::move(v));
  }
  if (!after_validation_.empty()) {
    NewMigration a;
    for (const std::string& s : after_validation_) a.sql += s + ";\n";
    a.slug = Slug("set_not_null_" + stem);
    a.purpose = "SET NOT NULL proven by the validated CHECK (no scan), then drops the CHECK";
    plan.after.push_back(std::move(a));
  }
  for (Moved& m : moved_) plan.after.push_back(std::move(m.migration));
  if (emptied && !plan.after.empty()) {
    // Nothing of the original is left to run here: the first new migration takes its place
    // rather than leaving an empty migration behind.
    plan.rewritten = plan.after.front().sql;
    plan.edits = {{0, static_cast<int>(text().size()), plan.rewritten}};
    plan.after.erase(plan.after.begin());
  }
  plan.contract = std::move(contract_);
  plan.rewrites = std::move(rewrites_);
  plan.left_alone = std::move(left_alone_);
  plan.unsafe = std::move(unsafe_);
  return plan;
}

}  // namespace steps

analysis::Options AnalysisOptionsFor(const Options& options) {
  analysis::Options a;
  a.locks.pg_version = options.pg_version;
  a.parse.tokens = true;
  a.keep_start_catalogs = true;
  return a;
}

Result<Plan> PlanFix(const analysis::History& history, size_t target, const Options& options) {
  if (target >= history.migrations.size())
    return Status::Error("internal error: no such migration");
  const analysis::AnalyzedMigration& m = history.migrations[target];
  if (!m.parsed.ok()) {
    const sql::ParseError& e = m.parsed.errors.front();
    return Status::Error(e.message, m.source.Where(e.offset));
  }
  if (!m.analyzed || m.statements.size() != m.parsed.statements.size() || !m.start ||
      (!m.parsed.statements.empty() && m.parsed.tokens.empty()))
    return Status::Error("internal error: the target must be analysed with tokens and catalogs");

  steps::Context ctx(m, history, target, options, m.start);
  using ActionStep = bool (*)(steps::Context&, size_t);
  using StatementStep = bool (*)(steps::Context&);
  static constexpr ActionStep kActionSteps[] = {
      steps::ForeignKeyStep,         steps::CheckConstraintStep, steps::UniqueConstraintStep,
      steps::SetNotNullStep,         steps::VolatileDefaultStep, steps::DetachPartitionStep,
      steps::ValidateConstraintStep, steps::TypeChangeStep,      steps::SerialColumnStep,
      steps::IdentityColumnStep,
  };
  // Isolation first: a statement that already must run outside a transaction is not rewritten
  // further, only given a migration of its own.
  static constexpr StatementStep kStatementSteps[] = {
      steps::IsolateNonTransactionalStep,
      steps::KeyTypeChangeStep,
      steps::IsolateBackfillStep,
      steps::CreateIndexStep,
      steps::DropIndexStep,
      steps::ReindexStep,
      steps::RefreshMatViewStep,
      steps::RenameColumnStep,
      steps::RenameTableStep,
  };
  for (size_t i = 0; i < m.parsed.statements.size(); ++i) {
    ctx.BeginStatement(i);
    const sql::Statement& s = m.parsed.statements[i];
    bool claimed = false;
    for (StatementStep step : kStatementSteps)
      if ((claimed = step(ctx))) break;
    if (claimed) continue;
    if (s.kind == sql::Kind::kAlterTable && !s.cmds.empty()) {
      std::vector<size_t> unclaimed;
      for (size_t k = 0; k < s.cmds.size(); ++k) {
        bool claimed = false;
        for (ActionStep step : kActionSteps)
          if ((claimed = step(ctx, k))) break;
        if (!claimed) unclaimed.push_back(k);
      }
      if (!unclaimed.empty()) steps::ClassifyUnsafe(ctx, unclaimed);
      continue;
    }
    steps::ClassifyUnsafe(ctx, {});
  }
  return ctx.Finish();
}

Result<Plan> PlanFixOf(std::vector<analysis::MigrationText> migrations, const Options& options) {
  if (migrations.empty()) return Status::Error("internal error: no migration to fix");
  const size_t target = migrations.size() - 1;
  analysis::History h =
      analysis::Replay(std::move(migrations), target, AnalysisOptionsFor(options));
  return PlanFix(h, target, options);
}

HistoryPlanner::HistoryPlanner(const Options& options)
    : options_(options),
      history_{{}, schema::Catalog(AnalysisOptionsFor(options).default_schema)} {}

Result<Plan> HistoryPlanner::PlanAndAdd(const analysis::MigrationText& m) {
  const analysis::Options ao = AnalysisOptionsFor(options_);
  analysis::AnalyzedMigration am;
  am.name = m.name;
  am.source = SourceFile(m.path, m.text);
  am.parsed = sql::Parse(am.source.text(), ao.parse);
  am.analyzed = true;
  schema::Catalog& catalog = history_.final_catalog;
  catalog.BeginMigration(am.name);
  // The planner walks its own copy from the history's catalog, which stays as it is until the
  // plan is made (a shared_ptr that does not own it): one catalog copy per planned migration.
  am.start = std::shared_ptr<const schema::Catalog>(std::shared_ptr<void>(), &catalog);
  for (const sql::Statement& s : am.parsed.statements) {
    analysis::AnalyzedStatement as;
    as.statement = &s;  // its effect: computed by the planner (Context::effect)
    am.statements.push_back(std::move(as));
  }
  history_.migrations.push_back(std::move(am));
  Result<Plan> plan = PlanFix(history_, history_.migrations.size() - 1, options_);
  analysis::AnalyzedMigration& added = history_.migrations.back();
  added.start.reset();
  for (const sql::Statement& s : added.parsed.statements) catalog.Apply(s);
  // History from now on: nothing of its analysis is kept, nor its tokens (steps read only the
  // target's).
  added.statements.clear();
  added.analyzed = false;
  added.parsed.tokens = std::vector<sql::Token>();
  return plan;
}

void HistoryPlanner::Add(const analysis::MigrationText& m) {
  analysis::AnalyzedMigration am;
  am.name = m.name;
  am.source = SourceFile(m.path, m.text);
  // History is only replayed: no tokens (steps read only the target's).
  sql::ParseOptions po = AnalysisOptionsFor(options_).parse;
  po.tokens = false;
  am.parsed = sql::Parse(am.source.text(), po);
  history_.final_catalog.BeginMigration(am.name);
  for (const sql::Statement& s : am.parsed.statements) history_.final_catalog.Apply(s);
  history_.migrations.push_back(std::move(am));
}

}  // namespace lockstep::fix
