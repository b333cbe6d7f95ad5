// squawk ban-duplicate-column-assignments: a column named twice in a CREATE TABLE, an INSERT column
// list or an UPDATE / ON CONFLICT … SET list makes PostgreSQL reject the statement ("multiple
// assignments to same column"), failing the migration. INSERT and UPDATE targets are not in the
// typed view, so they are read from the statement's tokens.
#include <algorithm>
#include <cctype>
#include <map>

#include "rules/common.h"
#include "rules/registry.h"

namespace lockstep::rules {
namespace {

struct Target {
  std::string column;  // normalised like PostgreSQL: folded unless quoted, cut to 63 bytes
  std::string field;   // "x" for `a.x`; empty for the whole column
  bool subscript = false;
  int begin = 0;
  int end = 0;
};

std::string Normalise(std::string_view tok) {
  std::string s;
  if (tok.size() >= 2 && tok.front() == '"') {
    for (size_t i = 1; i + 1 < tok.size(); ++i) {
      s += tok[i];
      if (tok[i] == '"') ++i;  // "" inside a quoted identifier is one quote
    }
  } else {
    for (char c : tok) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (s.size() > 63) s.resize(63);
  return s;
}

class Tokens {
 public:
  explicit Tokens(const Context& ctx) : ctx_(ctx) {
    const sql::Statement& s = ctx.statement();
    const auto& all = ctx.migration().parsed.tokens;
    for (int i = s.first_token; i < s.last_token && i < static_cast<int>(all.size()); ++i)
      if (all[i].kind != "SQL_COMMENT" && all[i].kind != "C_COMMENT") idx_.push_back(i);
  }
  size_t size() const { return idx_.size(); }
  std::string_view text(size_t k) const { return k < idx_.size() ? TokenText(ctx_, idx_[k]) : ""; }
  std::string_view kind(size_t k) const { return k < idx_.size() ? tok(k).kind.name() : ""; }
  const sql::Token& tok(size_t k) const { return ctx_.migration().parsed.tokens[idx_[k]]; }
  // First index >= from with this kind at parenthesis depth 0 (relative to `from`).
  size_t FindTop(size_t from, std::string_view kind) const {
    int depth = 0;
    for (size_t k = from; k < idx_.size(); ++k) {
      if (text(k) == "(") ++depth;
      if (text(k) == ")") --depth;
      if (depth == 0 && this->kind(k) == kind) return k;
    }
    return idx_.size();
  }

 private:
  const Context& ctx_;
  std::vector<int> idx_;
};

// Parses one assignment target starting at k: `col`, `col.field`, `col[…]`; advances k past it.
Target ParseTarget(const Tokens& t, size_t& k) {
  Target out;
  out.begin = t.tok(k).begin;
  out.column = Normalise(t.text(k));
  out.end = t.tok(k).end;
  ++k;
  while (k < t.size()) {
    if (t.text(k) == "." && k + 1 < t.size()) {
      if (out.field.empty() && !out.subscript) out.field = Normalise(t.text(k + 1));
      out.end = t.tok(k + 1).end;
      k += 2;
    } else if (t.text(k) == "[") {
      out.subscript = true;
      int depth = 0;
      for (; k < t.size(); ++k) {
        if (t.text(k) == "[") ++depth;
        if (t.text(k) == "]" && --depth == 0) break;
      }
      if (k < t.size()) out.end = t.tok(k).end;
      ++k;
    } else {
      break;
    }
  }
  return out;
}

// SET a = …, (b, c) = …, d.x = … up to `stop` (exclusive), from the token after SET.
std::vector<Target> ParseSetList(const Tokens& t, size_t k, size_t stop) {
  std::vector<Target> out;
  while (k < stop) {
    if (t.text(k) == "(") {
      ++k;
      while (k < stop && t.text(k) != ")") {
        if (t.text(k) == ",") {
          ++k;
          continue;
        }
        out.push_back(ParseTarget(t, k));
      }
      ++k;  // the ')'
    } else {
      out.push_back(ParseTarget(t, k));
    }
    // Skip the value: up to the next comma at depth 0.
    int depth = 0;
    for (; k < stop; ++k) {
      if (t.text(k) == "(" || t.text(k) == "[") ++depth;
      if (t.text(k) == ")" || t.text(k) == "]") --depth;
      if (depth == 0 && t.text(k) == ",") {
        ++k;
        break;
      }
    }
  }
  return out;
}

size_t FirstOf(const Tokens& t, size_t from, std::initializer_list<std::string_view> kinds) {
  size_t best = t.size();
  for (std::string_view k : kinds) best = std::min(best, t.FindTop(from, k));
  return best;
}

class BanDuplicateColumnAssignments : public Rule {
 public:
  std::string_view id() const override { return "ban-duplicate-column-assignments"; }
  Severity default_severity() const override { return Severity::kError; }
  std::string_view summary() const override {
    return "a column named twice in CREATE TABLE, INSERT (…) or SET: the statement fails";
  }

  void CheckStatement(Context& ctx) const override {
    const sql::Statement& s = ctx.statement();
    if (s.kind == sql::Kind::kCreateTable) {
      std::map<std::string, int> seen;
      for (const sql::ColumnDef& c : s.columns) {
        if (seen.count(c.name)) {
          Report(ctx, *this,
                 "Column \"" + c.name + "\" is defined twice in " + Quoted(s.table) +
                     ": PostgreSQL rejects the statement",
                 "Remove or rename one of the two definitions", c.location,
                 c.location >= 0 ? ClauseEnd(ctx, c.location) : -1);
        }
        seen[c.name] = c.location;
      }
      return;
    }
    if (s.kind != sql::Kind::kInsert && s.kind != sql::Kind::kUpdate) return;
    const Tokens t(ctx);
    if (s.kind == sql::Kind::kUpdate) {
      const size_t set = t.FindTop(0, "SET");
      if (set < t.size())
        Check(ctx, ParseSetList(t, set + 1, FirstOf(t, set + 1, {"FROM", "WHERE", "RETURNING"})));
      return;
    }
    // INSERT INTO name [AS alias] (cols) …
    size_t k = t.FindTop(0, "INTO");
    if (k < t.size()) {
      k += 2;
      while (t.text(k) == "." && k + 1 < t.size()) k += 2;
      if (t.kind(k) == "AS") k += 2;
      if (t.text(k) == "(" && t.kind(k + 1) != "SELECT" && t.kind(k + 1) != "VALUES" &&
          t.kind(k + 1) != "WITH") {
        std::vector<Target> cols;
        ++k;
        while (k < t.size() && t.text(k) != ")") {
          if (t.text(k) == ",") {
            ++k;
            continue;
          }
          cols.push_back(ParseTarget(t, k));
        }
        Check(ctx, cols);
      }
    }
    const size_t conflict = t.FindTop(0, "CONFLICT");
    if (conflict < t.size()) {
      const size_t set = t.FindTop(conflict, "SET");
      if (set < t.size())
        Check(ctx, ParseSetList(t, set + 1, FirstOf(t, set + 1, {"WHERE", "RETURNING"})));
    }
  }

 private:
  void Check(Context& ctx, const std::vector<Target>& targets) const {
    for (size_t i = 0; i < targets.size(); ++i) {
      const Target& a = targets[i];
      if (a.subscript) continue;
      for (size_t j = 0; j < i; ++j) {
        const Target& b = targets[j];
        if (b.subscript || a.column != b.column) continue;
        if (!a.field.empty() && !b.field.empty() && a.field != b.field) continue;
        const std::string what = a.field.empty() ? a.column : a.column + "." + a.field;
        Report(ctx, *this,
               "Column \"" + what +
                   "\" is assigned twice in this statement: PostgreSQL rejects "
                   "it with \"multiple assignments to same column\"",
               "Keep one assignment (the last one is probably the intended value)", a.begin, a.end);
        break;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Rule> MakeBanDuplicateColumnAssignments() {
  return std::make_unique<BanDuplicateColumnAssignments>();
}

}  // namespace lockstep::rules
