#include "lint/runner.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace lockstep::lint {

namespace {

using rules::TransactionState;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "0", "'0'", "0ms", "0s" … disable a timeout; so do DEFAULT and RESET (the server default is 0).
bool DisablesTimeout(const sql::Statement& s) {
  if (s.setting->reset) return true;
  std::string v = Lower(s.setting->value);
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](char c) {
                           return c == '\'' || c == '"' ||
                                  std::isspace(static_cast<unsigned char>(c));
                         }),
          v.end());
  if (v.empty() || v == "default") return true;
  size_t digits = 0;
  while (digits < v.size() &&
         (std::isdigit(static_cast<unsigned char>(v[digits])) || v[digits] == '.'))
    ++digits;
  if (digits == 0) return false;
  return std::stod(v.substr(0, digits)) == 0.0;
}

// Follows a migration statement by statement. Locks are held to the end of the transaction;
// outside one, every statement commits on its own and holds nothing afterwards.
class TransactionTracker {
 public:
  explicit TransactionTracker(const rules::Settings& settings)
      : assume_(settings.assume_in_transaction) {
    Refresh();
  }

  const TransactionState& state() const { return state_; }

  // `as` is a statement of `m`.
  void After(const analysis::AnalyzedStatement& as, const analysis::AnalyzedMigration& m) {
    const sql::Statement& s = *as.statement;
    if (s.kind == sql::Kind::kTransaction) {
      OnTransaction(s.transaction);
    } else if (s.kind == sql::Kind::kSet) {
      OnSet(s);
    }
    if (InTransaction()) {
      if (as.effect.transactional) Hold(as.effect.locks, s.begin, m);
      if (!statements_) statements_ = std::make_shared<std::vector<rules::TransactionStatement>>();
      statements_->push_back({&m, &s});
    } else {
      held_.clear();
      statements_.reset();
    }
    Refresh();
  }

 private:
  struct Timeouts {
    bool lock = false;
    bool statement = false;
  };

  bool InTransaction() const { return explicit_ || assume_; }

  void OnTransaction(sql::TransactionKind k) {
    switch (k) {
      case sql::TransactionKind::kBegin:
        explicit_ = true;
        session_at_begin_ = session_;
        break;
      case sql::TransactionKind::kCommit:
      case sql::TransactionKind::kPrepare:
        EndTransaction();
        break;
      case sql::TransactionKind::kRollback:
        session_ = session_at_begin_;
        EndTransaction();
        break;
      case sql::TransactionKind::kSavepoint:
        savepoints_.push_back(held_);
        break;
      case sql::TransactionKind::kRelease:
        if (!savepoints_.empty()) savepoints_.pop_back();
        break;
      case sql::TransactionKind::kRollbackTo:
        // Locks taken after the savepoint are released; the savepoint itself stays.
        if (!savepoints_.empty()) held_ = savepoints_.back();
        break;
      case sql::TransactionKind::kCommitPrepared:
      case sql::TransactionKind::kRollbackPrepared:
        break;
    }
  }

  void EndTransaction() {
    explicit_ = false;
    held_.clear();
    statements_.reset();
    savepoints_.clear();
    local_lock_.reset();
    local_statement_.reset();
    session_at_begin_ = session_;
  }

  void OnSet(const sql::Statement& s) {
    const std::string name = Lower(s.setting->name);
    const bool on = !DisablesTimeout(s);
    const bool all = s.setting->reset && (name == "all" || name.empty());
    if (s.setting->local) {
      if (!InTransaction()) return;  // SET LOCAL outside a transaction block has no effect
      if (name == "lock_timeout" || all) local_lock_ = on;
      if (name == "statement_timeout" || all) local_statement_ = on;
      return;
    }
    if (name == "lock_timeout" || all) {
      session_.lock = on;
      local_lock_.reset();
    }
    if (name == "statement_timeout" || all) {
      session_.statement = on;
      local_statement_.reset();
    }
  }

  void Hold(const std::vector<locks::RelationLock>& locks, int statement_begin,
            const analysis::AnalyzedMigration& m) {
    for (const locks::RelationLock& l : locks) {
      if (l.mode == locks::LockMode::kNone) continue;
      auto it = std::find_if(held_.begin(), held_.end(), [&](const rules::HeldLock& h) {
        return h.lock.relation == l.relation;
      });
      if (it == held_.end()) {
        held_.push_back({l, statement_begin, &m});
      } else if (l.mode > it->lock.mode) {
        it->lock.mode = l.mode;
        it->taken_at = statement_begin;
        it->taken_in = &m;
      }
    }
  }

  void Refresh() {
    state_.in_transaction = InTransaction();
    state_.explicit_block = explicit_;
    state_.held = held_;
    state_.statements = statements_;
    state_.statement_count = statements_ ? statements_->size() : 0;
    state_.lock_timeout_set = local_lock_.value_or(session_.lock);
    state_.statement_timeout_set = local_statement_.value_or(session_.statement);
  }

  bool assume_;
  bool explicit_ = false;
  Timeouts session_;
  Timeouts session_at_begin_;
  std::optional<bool> local_lock_;
  std::optional<bool> local_statement_;
  std::vector<rules::HeldLock> held_;
  std::vector<std::vector<rules::HeldLock>> savepoints_;
  // Appended to (never changed) while the transaction lasts: states already handed out keep
  // their count (TransactionState::statements).
  std::shared_ptr<std::vector<rules::TransactionStatement>> statements_;
  TransactionState state_;
};

// One rule id named by an inline ignore comment.
struct IgnoredRule {
  std::string id;
  int begin = 0;  // byte range of the id inside the comment
  int end = 0;
  bool used = false;
};

struct Ignore {
  bool whole_file = false;
  int begin = 0;  // the comment
  int end = 0;
  std::optional<size_t> statement;  // the statement it applies to (not for whole_file)
  std::vector<IgnoredRule> rules;
};

bool IsIdChar(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

// Parses `-- lockstep-ignore a, b reason` / `/* lockstep-ignore-file a */`; nullopt when the
// comment is no ignore directive.
std::optional<Ignore> ParseIgnore(std::string_view file, const sql::Comment& c) {
  std::string_view t = c.text(file);
  size_t i = 0;
  if (t.substr(0, 2) == "--") {
    i = 2;
  } else if (t.substr(0, 2) == "/*") {
    i = 2;
    if (t.size() >= 4 && t.substr(t.size() - 2) == "*/") t = t.substr(0, t.size() - 2);
  } else {
    return std::nullopt;
  }
  while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
  constexpr std::string_view kDirective = "lockstep-ignore";
  constexpr std::string_view kFileSuffix = "-file";
  if (t.substr(i, kDirective.size()) != kDirective) return std::nullopt;
  i += kDirective.size();
  Ignore ig;
  ig.begin = c.begin;
  ig.end = c.end;
  if (t.substr(i, kFileSuffix.size()) == kFileSuffix) {
    ig.whole_file = true;
    i += kFileSuffix.size();
  }
  if (i < t.size() && !std::isspace(static_cast<unsigned char>(t[i])) && t[i] != ',')
    return std::nullopt;
  // Rule ids separated by commas; the first word that does not follow a comma starts the reason.
  bool expect_id = true;
  while (i < t.size()) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    if (i < t.size() && t[i] == ',') {
      expect_id = true;
      ++i;
      continue;
    }
    if (!expect_id || i >= t.size() || !IsIdChar(t[i])) break;
    size_t j = i;
    while (j < t.size() && IsIdChar(t[j])) ++j;
    ig.rules.push_back({std::string(t.substr(i, j - i)), c.begin + static_cast<int>(i),
                        c.begin + static_cast<int>(j), false});
    i = j;
    expect_id = false;
  }
  return ig;
}

// Where each statement of a migration begins (byte offsets, in file order): all that ignores and
// whole-migration findings need of the statements, kept when the statements themselves are not.
std::vector<int> Begins(const analysis::AnalyzedMigration& m) {
  std::vector<int> out;
  out.reserve(m.statements.size());
  for (const analysis::AnalyzedStatement& s : m.statements) out.push_back(s.statement->begin);
  return out;
}

// The ignore directives among `comments` of `file`, each placed on the statement right after it.
void AddIgnores(std::string_view file, const std::vector<sql::Comment>& comments,
                std::vector<Ignore>& out) {
  for (const sql::Comment& c : comments) {
    if (std::optional<Ignore> ig = ParseIgnore(file, c)) out.push_back(std::move(*ig));
  }
}

// Places each (not file-wide) ignore on the first statement beginning after it ends.
void PlaceIgnores(const std::vector<int>& begins, std::vector<Ignore>& ignores) {
  for (Ignore& ig : ignores) {
    if (ig.whole_file) continue;
    // Statements are in file order: a search, not a scan per comment (quadratic when a long
    // file carries an ignore on every statement).
    auto it = std::lower_bound(begins.begin(), begins.end(), ig.end);
    if (it != begins.end()) ig.statement = static_cast<size_t>(it - begins.begin());
  }
}

// The statement a whole-migration diagnostic belongs to: the last one starting at or before it.
size_t StatementAt(const std::vector<int>& begins, int offset) {
  auto it = std::upper_bound(begins.begin(), begins.end(), offset);
  return it == begins.begin() ? 0 : static_cast<size_t>(it - begins.begin()) - 1;
}

int SyntaxErrorEnd(std::string_view text, int offset) {
  int end = offset;
  const int n = static_cast<int>(text.size());
  while (end < n && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != ';') ++end;
  return std::max(end, std::min(offset + 1, n));
}

std::vector<const rules::Rule*> RuleSet(const Options& o) {
  if (o.rule_set) return *o.rule_set;
  std::vector<const rules::Rule*> all;
  for (const auto& r : rules::AllRules()) all.push_back(r.get());
  return all;
}

bool IsKnownId(const Options& o, const std::string& id) {
  if (id == kUnusedIgnore || id == kSyntaxError) return true;
  for (const rules::Rule* r : RuleSet(o))
    if (r->id() == id) return true;
  return false;
}

Severity SeverityFor(const Options& o, const std::string& id, Severity fallback) {
  auto it = o.severity_overrides.find(id);
  return it == o.severity_overrides.end() ? fallback : it->second;
}

// The ignore comments of one migration, looked up per finding: those on its statement, then the
// file-wide ones (a scan of every ignore per finding was quadratic on a long file with an ignore
// on every statement).
class IgnoreIndex {
 public:
  IgnoreIndex() = default;
  explicit IgnoreIndex(std::vector<Ignore> all) : all_(std::move(all)) {
    for (size_t i = 0; i < all_.size(); ++i) {
      if (all_[i].whole_file) {
        whole_file_.push_back(i);
      } else if (all_[i].statement) {
        by_statement_[*all_[i].statement].push_back(i);
      }
    }
  }

  // Whether an ignore names `rule` on statement `stmt` (SIZE_MAX: on none, so only file-wide
  // ignores apply); marks every ignore that does as used.
  bool Suppresses(const std::string& rule, size_t stmt) {
    bool suppressed = false;
    auto mark = [&](size_t i) {
      for (IgnoredRule& r : all_[i].rules) {
        if (r.id == rule) {
          r.used = true;
          suppressed = true;
        }
      }
    };
    if (auto it = by_statement_.find(stmt); it != by_statement_.end())
      for (size_t i : it->second) mark(i);
    for (size_t i : whole_file_) mark(i);
    return suppressed;
  }

  const std::vector<Ignore>& all() const { return all_; }

 private:
  std::vector<Ignore> all_;
  std::vector<size_t> whole_file_;                                // indexes into all_
  std::unordered_map<size_t, std::vector<size_t>> by_statement_;  // statement -> indexes into all_
};

// Decides, as each finding is made, whether it is kept: not when an ignore suppresses it, nor
// when it is a hint and Options::dropped_hints asks hints to be counted only. Deciding at once,
// instead of over the migration's findings at its end, keeps the dropped ones from ever piling
// up (a long file's hints were most of lint's memory).
class Keeper {
 public:
  Keeper(const Options& o, IgnoreIndex& ignores) : o_(o), ignores_(ignores) {}

  bool Keep(const Diagnostic& d, size_t stmt) {
    if (ignores_.Suppresses(d.rule, stmt)) return false;
    if (o_.dropped_hints && d.severity == Severity::kHint) {
      ++(*o_.dropped_hints)[d.path];
      return false;
    }
    return true;
  }

  // Drops the findings of `d` from `from` on that are not kept; `stmt(i)` is the statement of d[i].
  template <typename StatementOf>
  void Filter(std::vector<Diagnostic>& d, size_t from, StatementOf stmt) {
    size_t w = from;
    for (size_t i = from; i < d.size(); ++i) {
      if (!Keep(d[i], stmt(i))) continue;
      if (w != i) d[w] = std::move(d[i]);
      ++w;
    }
    d.resize(w);
  }

 private:
  const Options& o_;
  IgnoreIndex& ignores_;
};

std::vector<Diagnostic> UnusedIgnores(const analysis::AnalyzedMigration& m, const Options& o,
                                      const std::vector<Ignore>& ignores) {
  std::vector<Diagnostic> out;
  if (!RuleEnabled(o, kUnusedIgnore)) return out;
  const Severity sev = SeverityFor(o, kUnusedIgnore, Severity::kWarning);
  const std::string directive = "lockstep-ignore";
  for (const Ignore& ig : ignores) {
    const std::string kind = ig.whole_file ? directive + "-file" : directive;
    if (ig.rules.empty()) {
      out.push_back({kUnusedIgnore,
                     sev,
                     "`" + kind + "` names no rule, so it suppresses nothing",
                     "name the rule ids to ignore: `-- " + kind + " <rule>[, <rule>] [reason]`",
                     m.source.path(),
                     ig.begin,
                     ig.end,
                     false,
                     {}});
      continue;
    }
    for (const IgnoredRule& r : ig.rules) {
      if (r.used) continue;
      if (!IsKnownId(o, r.id)) {
        out.push_back({kUnusedIgnore,
                       sev,
                       "`" + kind + "` names unknown rule '" + r.id + "'",
                       "`lockstep rules` lists the rule ids",
                       m.source.path(),
                       r.begin,
                       r.end,
                       false,
                       {}});
        continue;
      }
      if (!RuleEnabled(o, r.id)) continue;  // the rule did not run: no way to tell
      std::string where = ig.whole_file  ? "in this file"
                          : ig.statement ? "on the next statement"
                                         : "(no statement follows it)";
      out.push_back(
          {kUnusedIgnore,
           sev,
           "`" + kind + " " + r.id + "` suppresses nothing: no " + r.id + " finding " + where,
           "remove '" + r.id + "' from the comment",
           m.source.path(),
           r.begin,
           r.end,
           false,
           {}});
    }
  }
  return out;
}

}  // namespace

bool RuleEnabled(const Options& o, const std::string& id) {
  if (!o.only_rules.empty() && !o.only_rules.count(id)) return false;
  return !o.disabled_rules.count(id);
}

std::vector<TransactionState> TrackTransactions(const analysis::AnalyzedMigration& m,
                                                const rules::Settings& settings) {
  std::vector<TransactionState> out;
  out.reserve(m.statements.size());
  TransactionTracker t(settings);
  for (const analysis::AnalyzedStatement& s : m.statements) {
    out.push_back(t.state());
    t.After(s, m);
  }
  return out;
}

namespace {

// Lints one analysed migration, driven by the runner's passes in this order: Collect for every
// statement, Prepare, Check for every statement, Finish. The statements may come all at once (a
// migration parsed whole) or a batch at a time (a streamed one): it keeps nothing of them but
// what the rules keep. `tracker` holds the transaction state before the first statement (fresh,
// or where the previous migration left a transaction it continues).
class MigrationLinter {
 public:
  MigrationLinter(const analysis::AnalyzedMigration& m, const Options& o,
                  const std::vector<const rules::Rule*>& active, TransactionTracker& tracker)
      : m_(m),
        o_(o),
        active_(active),
        tracker_(tracker),
        ctx_(m, o.settings),
        keeper_(o, ignores_) {}

  void Collect(const analysis::AnalyzedStatement& s, size_t ordinal) {
    ctx_.current = &s;
    ctx_.index = ordinal;
    for (const rules::Rule* r : active_) r->Collect(ctx_);
  }

  // Between the passes: where every statement begins (file order) and the migration's ignore
  // directives.
  void Prepare(std::vector<int> begins, std::vector<Ignore> ignores) {
    PlaceIgnores(begins, ignores);
    begins_ = std::move(begins);
    ignores_ = IgnoreIndex(std::move(ignores));
    ctx_.statement_count = begins_.size();
  }

  // Every rule's CheckStatement on `s` (its `before` and effect set), then `s` joins the
  // transaction state.
  void Check(const analysis::AnalyzedStatement& s, size_t ordinal) {
    ctx_.current = &s;
    ctx_.index = ordinal;
    ctx_.tx = tracker_.state();
    for (const rules::Rule* r : active_) {
      const size_t before = ctx_.diagnostics().size();
      r->CheckStatement(ctx_);
      Stamp(before, r, ordinal);
    }
    tracker_.After(s, m_);
  }

  // Every rule's CheckMigration with `last` as the current statement (nullptr, for a migration
  // without statements: not called), then the migration's findings in order of offset: its
  // syntax errors (never filtered), the rules' findings and the unused ignores. `continues`:
  // the next migration continues this one's transaction.
  std::vector<Diagnostic> Finish(const analysis::AnalyzedStatement* last, bool continues) {
    if (last) {
      ctx_.current = last;
      ctx_.index = begins_.empty() ? 0 : begins_.size() - 1;
      ctx_.tx = tracker_.state();
      ctx_.tx.continues_in_next_migration = continues;
      for (const rules::Rule* r : active_) {
        const size_t before = ctx_.diagnostics().size();
        r->CheckMigration(ctx_);
        Stamp(before, r, std::nullopt);
      }
    }
    std::vector<Diagnostic> found;
    for (const sql::ParseError& e : m_.parsed.errors) {
      found.push_back({kSyntaxError,
                       Severity::kError,
                       e.message,
                       "",
                       m_.source.path(),
                       e.offset,
                       SyntaxErrorEnd(m_.source.text(), e.offset),
                       false,
                       {}});
    }
    std::vector<Diagnostic> kept = std::move(ctx_.diagnostics());
    std::vector<Diagnostic> unused = UnusedIgnores(m_, o_, ignores_.all());
    // The unused-ignore findings can themselves be silenced file-wide.
    keeper_.Filter(unused, 0, [](size_t) { return SIZE_MAX; });
    // Moved, not copied one by one into a growing vector: on a long file the findings outweigh
    // the statements, and every regrowth held two copies of them.
    if (found.empty()) {
      found = std::move(kept);
    } else {
      found.reserve(found.size() + kept.size() + unused.size());
      for (Diagnostic& d : kept) found.push_back(std::move(d));
    }
    for (Diagnostic& d : unused) found.push_back(std::move(d));

    auto before = [](const Diagnostic& a, const Diagnostic& b) {
      if (a.begin != b.begin) return a.begin < b.begin;
      if (a.end != b.end) return a.end < b.end;
      return a.rule < b.rule;
    };
    // Usually in order already (statement by statement): stable_sort's buffer is a copy of all.
    if (!std::is_sorted(found.begin(), found.end(), before))
      std::stable_sort(found.begin(), found.end(), before);
    return found;
  }

 private:
  // Names the findings of `r` from `from` on with its id and severity, and keeps those the
  // ignores and Options::dropped_hints leave. `stmt`: their statement (nullopt: by offset).
  void Stamp(size_t from, const rules::Rule* r, std::optional<size_t> stmt) {
    auto& d = ctx_.diagnostics();
    for (size_t i = from; i < d.size(); ++i) {
      d[i].rule = std::string(r->id());
      d[i].severity = SeverityFor(o_, d[i].rule, r->default_severity());
    }
    keeper_.Filter(d, from,
                   [&](size_t i) { return stmt ? *stmt : StatementAt(begins_, d[i].begin); });
  }

  const analysis::AnalyzedMigration& m_;
  const Options& o_;
  const std::vector<const rules::Rule*>& active_;
  TransactionTracker& tracker_;
  rules::Context ctx_;
  std::vector<int> begins_;
  IgnoreIndex ignores_;  // before keeper_, which refers to it
  Keeper keeper_;
};

// Lints a migration parsed whole. `analyze(i)`, when set, fills in statement i's effect before
// its rules run; `advance(i)`, when set, brings the live catalog from before statement i to after
// it, once the rules are done with it (the last statement only after CheckMigration, which still
// sees the catalog before it).
std::vector<Diagnostic> RunMigration(const analysis::AnalyzedMigration& m, const Options& o,
                                     const std::vector<const rules::Rule*>& active,
                                     TransactionTracker& tracker, bool continues,
                                     const std::function<void(size_t)>& analyze,
                                     const std::function<void(size_t)>& advance) {
  MigrationLinter linter(m, o, active, tracker);
  const size_t n = m.statements.size();
  for (size_t i = 0; i < n; ++i) linter.Collect(m.statements[i], i);
  std::vector<Ignore> ignores;
  AddIgnores(m.source.text(), m.parsed.comments, ignores);
  linter.Prepare(Begins(m), std::move(ignores));
  for (size_t i = 0; i < n; ++i) {
    if (analyze) analyze(i);
    linter.Check(m.statements[i], i);
    if (advance && i + 1 < n) advance(i);
  }
  std::vector<Diagnostic> found = linter.Finish(n > 0 ? &m.statements.back() : nullptr, continues);
  if (advance && n > 0) advance(n - 1);
  return found;
}

// The catalog a migration's statements are analysed against while lint goes through it: kept
// up to date statement by statement, and what every `before` points at (without owning it).
struct LiveCatalog {
  schema::Catalog catalog;
  std::shared_ptr<const schema::Catalog> handle{std::shared_ptr<void>(), &catalog};
  locks::Options locks;

  explicit LiveCatalog(schema::Catalog c, int pg_version) : catalog(std::move(c)) {
    locks.pg_version = pg_version;
  }
  LiveCatalog(const LiveCatalog&) = delete;
  LiveCatalog& operator=(const LiveCatalog&) = delete;
};

// Whether lint may stream `m`: its statements need not be read as psql reads a script (ParseEach
// does not blank psql's meta-commands), and its transaction neither comes from the migration
// before nor goes on into the next (the window of kept statements is one migration's).
bool Streamable(const analysis::AnalyzedMigration& m, bool continues) {
  return !m.continues_transaction && !continues &&
         m.source.text().find('\\') == std::string_view::npos;
}

// A statement a streamed migration keeps, with its analysis (which points at it).
struct Held {
  sql::Statement statement;
  analysis::AnalyzedStatement analysed;
};

// Lints `m` (left unparsed by the replay) by streaming it through sql::ParseEach twice: Collect
// over the first pass; then, batch by batch, each statement analysed against `live`, checked and
// applied to it. What is kept of the statements is the open transaction's (with their tokens)
// and the current batch. nullopt, with nothing changed, when it must be parsed whole instead: a
// syntax error, a batch cut in the wrong place, or a rule that needs the whole migration.
std::optional<std::vector<Diagnostic>> RunStreamed(analysis::AnalyzedMigration& m, const Options& o,
                                                   const std::vector<const rules::Rule*>& active,
                                                   TransactionTracker& tracker, LiveCatalog& live) {
  const std::string& text = m.source.text();
  MigrationLinter linter(m, o, active, tracker);
  std::vector<int> begins;
  std::vector<Ignore> ignores;
  bool whole = false;
  sql::StatementSink collect;
  collect.take_with_tokens = [&](sql::ParsedFile& batch) {
    if (whole) return;
    m.parsed.tokens = std::move(batch.tokens);  // what the batch's statements index
    AddIgnores(text, batch.comments, ignores);
    for (const sql::Statement& s : batch.statements) {
      for (const rules::Rule* r : active) whole = whole || r->NeedsWholeMigration(s);
      if (whole) return;
      analysis::AnalyzedStatement as;
      as.statement = &s;
      as.before = live.handle;
      linter.Collect(as, begins.size());
      begins.push_back(s.begin);
    }
  };
  collect.restart = [&] { whole = true; };
  const sql::ParsedFile first = sql::ParseEach(text, collect, o.stream_batch_bytes);
  m.parsed.tokens = std::vector<sql::Token>();
  if (whole || !first.errors.empty()) return std::nullopt;

  const size_t n = begins.size();
  linter.Prepare(std::move(begins), std::move(ignores));
  std::deque<Held> window;  // the kept statements, in order; a deque: the tracker points at them
  size_t window_first = 0;  // the ordinal of window.front()
  // Drops the statements before the open transaction's first (outside one, all but the last
  // statement seen, which CheckMigration takes as its current one if no other follows: a batch
  // may hold no statement), and their tokens; the rest's token indexes are shifted to match.
  auto trim = [&] {
    if (window.empty()) return;
    const rules::TransactionState& st = tracker.state();
    size_t keep = window.size() - 1;
    if (st.statements && st.statement_count > 0) {
      const sql::Statement* first_needed = (*st.statements)[0].statement;
      for (size_t j = 0; j < window.size(); ++j) {
        if (&window[j].statement == first_needed) {
          keep = j;
          break;
        }
      }
    }
    if (keep == 0) return;
    const int drop_tokens = window[keep].statement.first_token;  // keep < window.size()
    window.erase(window.begin(), window.begin() + static_cast<std::ptrdiff_t>(keep));
    window_first += keep;
    m.parsed.tokens.erase(m.parsed.tokens.begin(), m.parsed.tokens.begin() + drop_tokens);
    for (Held& h : window) {
      h.statement.first_token = std::max(0, h.statement.first_token - drop_tokens);
      h.statement.last_token = std::max(0, h.statement.last_token - drop_tokens);
    }
  };
  sql::StatementSink check;
  check.take_with_tokens = [&](sql::ParsedFile& batch) {
    trim();
    const int shift = static_cast<int>(m.parsed.tokens.size());
    m.parsed.tokens.insert(m.parsed.tokens.end(), batch.tokens.begin(), batch.tokens.end());
    for (sql::Statement& s : batch.statements) {
      s.first_token += shift;
      s.last_token += shift;
      Held& h = window.emplace_back();
      h.statement = std::move(s);
      h.analysed.statement = &h.statement;
      h.analysed.before = live.handle;
      h.analysed.effect = locks::Analyze(h.statement, live.catalog, live.locks);
      const size_t i = window_first + window.size() - 1;
      linter.Check(h.analysed, i);
      if (i + 1 < n) live.catalog.Apply(h.statement);
    }
  };
  // The same text parsed the same way: the first pass's batches again, never a restart.
  check.restart = [] {};
  sql::ParseEach(text, check, o.stream_batch_bytes);
  std::vector<Diagnostic> found =
      linter.Finish(window.empty() ? nullptr : &window.back().analysed, false);
  if (!window.empty()) live.catalog.Apply(window.back().statement);
  m.parsed.tokens = std::vector<sql::Token>();
  return found;
}

// Lints `m` (left unparsed by the replay) parsed whole: its statements analysed against `live`
// one by one as the rules reach them. Its parse is freed afterwards, unless its transaction
// goes on into the next migration (whose rules read this one's statements).
std::vector<Diagnostic> RunParsedHere(analysis::AnalyzedMigration& m, const Options& o,
                                      const std::vector<const rules::Rule*>& active,
                                      TransactionTracker& tracker, bool continues,
                                      LiveCatalog& live) {
  m.parsed = sql::ParseString(m.source.text(), ParseOptionsForLint());
  m.statements.resize(m.parsed.statements.size());
  for (size_t i = 0; i < m.statements.size(); ++i) {
    m.statements[i].statement = &m.parsed.statements[i];
    m.statements[i].before = live.handle;
  }
  std::vector<Diagnostic> found = RunMigration(
      m, o, active, tracker, continues,
      [&](size_t i) {
        m.statements[i].effect =
            locks::Analyze(*m.statements[i].statement, live.catalog, live.locks);
      },
      [&](size_t i) { live.catalog.Apply(*m.statements[i].statement); });
  if (continues) return found;
  m.statements = std::vector<analysis::AnalyzedStatement>();
  sql::ParsedFile keep;
  keep.errors = std::move(m.parsed.errors);
  keep.notes = std::move(m.parsed.notes);
  m.parsed = std::move(keep);
  return found;
}

std::vector<const rules::Rule*> ActiveRules(const Options& o) {
  std::vector<const rules::Rule*> active;
  for (const rules::Rule* r : RuleSet(o))
    if (RuleEnabled(o, std::string(r->id()))) active.push_back(r);
  return active;
}

// True when the migration after h.migrations[k] runs in its transaction.
bool ContinuedAfter(const analysis::History& h, size_t k) {
  return k + 1 < h.migrations.size() && h.migrations[k + 1].analyzed &&
         h.migrations[k + 1].continues_transaction;
}

bool HasSnapshots(const analysis::History& h) {
  for (const analysis::AnalyzedMigration& m : h.migrations) {
    if (m.unparsed) return false;
    for (const analysis::AnalyzedStatement& s : m.statements)
      if (!s.before) return false;
  }
  return true;
}

void Append(std::vector<Diagnostic>& out, std::vector<Diagnostic> more) {
  if (out.empty()) {
    out = std::move(more);
    return;
  }
  // No exact reserve here: called once per migration, reserving exactly the new size moves every
  // earlier finding again each time (quadratic over a long history); push_back grows geometrically.
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

}  // namespace

std::vector<Diagnostic> Run(analysis::History& h, const Options& o) {
  if (HasSnapshots(h)) return Run(static_cast<const analysis::History&>(h), o);
  const std::vector<const rules::Rule*> active = ActiveRules(o);
  // One catalog, replayed again from the parsed statements alongside the rules: `before` of the
  // migration being linted points at it (without owning it) while its rules run. It starts after
  // the history when the replay kept that catalog (and freed the history's statements).
  LiveCatalog live(h.after_history
                       ? *h.after_history
                       : schema::Catalog(h.final_catalog.Resolve(sql::QName{"", "x"}).schema),
                   o.settings.pg_version);
  std::vector<Diagnostic> out;
  std::optional<TransactionTracker> tracker;
  for (size_t k = 0; k < h.migrations.size(); ++k) {
    analysis::AnalyzedMigration& m = h.migrations[k];
    if (!m.analyzed) {
      if (h.after_history) continue;
      live.catalog.BeginMigration(m.name);
      for (const sql::Statement& s : m.parsed.statements) live.catalog.Apply(s);
      continue;
    }
    if (m.continues_transaction && tracker) {
      live.catalog.ContinueMigration(m.name);
    } else {
      live.catalog.BeginMigration(m.name);
      tracker.emplace(o.settings);
    }
    const bool continues = ContinuedAfter(h, k);
    if (m.unparsed) {
      std::optional<std::vector<Diagnostic>> streamed;
      if (Streamable(m, continues)) streamed = RunStreamed(m, o, active, *tracker, live);
      Append(out, streamed ? std::move(*streamed)
                           : RunParsedHere(m, o, active, *tracker, continues, live));
      continue;
    }
    for (analysis::AnalyzedStatement& s : m.statements) s.before = live.handle;
    Append(out, RunMigration(m, o, active, *tracker, continues, nullptr,
                             [&](size_t i) { live.catalog.Apply(*m.statements[i].statement); }));
    for (analysis::AnalyzedStatement& s : m.statements) s.before.reset();
  }
  return out;
}

std::vector<Diagnostic> Run(const analysis::History& h, const Options& o) {
  if (!HasSnapshots(h)) {
    analysis::History copy = h;  // statements still point into h's parse, which outlives the copy
    return Run(copy, o);
  }
  const std::vector<const rules::Rule*> active = ActiveRules(o);
  std::vector<Diagnostic> out;
  std::optional<TransactionTracker> tracker;
  for (size_t k = 0; k < h.migrations.size(); ++k) {
    const analysis::AnalyzedMigration& m = h.migrations[k];
    if (!m.analyzed) continue;
    if (!m.continues_transaction || !tracker) tracker.emplace(o.settings);
    Append(out, RunMigration(m, o, active, *tracker, ContinuedAfter(h, k), nullptr, nullptr));
  }
  return out;
}

sql::ParseOptions ParseOptionsForLint() {
  sql::ParseOptions o;
  o.tokens = true;
  return o;
}

analysis::History ReplayForLint(std::vector<analysis::MigrationText> migrations,
                                size_t history_count, const rules::Settings& settings,
                                analysis::ParseAhead* ahead, size_t stream_above) {
  analysis::Options opt;
  opt.leave_unparsed_above = stream_above;
  // No per-statement snapshots: Run keeps one catalog up to date instead (see runner.h).
  opt.keep_catalogs = false;
  opt.locks.pg_version = settings.pg_version;
  opt.parse = ParseOptionsForLint();
  opt.ahead = ahead;
  // Run starts from the catalog after the history instead of replaying it a second time.
  opt.drop_history_parse = true;
  return analysis::Replay(std::move(migrations), history_count, opt);
}

}  // namespace lockstep::lint
