#include "rules/common.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sql/quote.h"

namespace lockstep::rules {

std::string_view SqlLockName(locks::LockMode m) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
      "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
  return kNames[static_cast<int>(m)];
}

std::string Quoted(const sql::QName& q) { return "\"" + q.ToString() + "\""; }

std::string Ident(std::string_view name) { return sql::QuoteIdent(name); }
std::string Ident(const sql::QName& q) { return sql::QuoteQName(q); }

std::string Literal(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::vector<std::string> SuggestedSql(std::string_view help) {
  std::vector<std::string> out;
  for (size_t open = help.find('`'); open != std::string_view::npos;) {
    const size_t close = help.find('`', open + 1);
    if (close == std::string_view::npos) break;
    out.emplace_back(help.substr(open + 1, close - open - 1));
    open = help.find('`', close + 1);
  }
  return out;
}

std::string LockPhrase(locks::LockMode m, const sql::QName& table) {
  const std::string_view name = SqlLockName(m);
  const bool vowel = !name.empty() && (name[0] == 'A' || name[0] == 'E');
  std::string s =
      std::string(vowel ? "an " : "a ") + std::string(name) + " lock on " + Quoted(table);
  const std::string_view blocks = locks::BlocksTraffic(m);
  if (!blocks.empty()) s += ", which blocks " + std::string(blocks);
  return s;
}

bool IsLive(const locks::RelationLock& l) { return l.origin != schema::Origin::kThisMigration; }

bool IsCreatedBy(const analysis::AnalyzedStatement& as, const locks::RelationLock& l) {
  const sql::Statement& s = *as.statement;
  using K = sql::Kind;
  if (!as.effect.new_table || l.is_index) return false;
  if (s.kind != K::kCreateTable && s.kind != K::kCreateTableAs && s.kind != K::kCreateMatView &&
      s.kind != K::kCreateView)
    return false;
  return l.relation.name == s.table.name &&
         (s.table.schema.empty() || l.relation.schema == s.table.schema);
}

bool IsLiveNow(const Context& ctx, const locks::RelationLock& l) {
  if (!IsLive(l)) return false;
  if (l.is_index) return true;
  return ctx.catalog().OriginOf(l.relation) != schema::Origin::kThisMigration;
}

bool SameRelation(const Context& ctx, const sql::QName& a, const sql::QName& b) {
  return ctx.catalog().Resolve(a) == ctx.catalog().Resolve(b);
}

const locks::RelationLock* LockOn(const Context& ctx, const sql::QName& table) {
  const sql::QName q = ctx.catalog().Resolve(table);
  for (const locks::RelationLock& l : ctx.effect().locks)
    if (!l.is_index && l.relation == q) return &l;
  return nullptr;
}

bool Rewrites(const Context& ctx, const sql::QName& table) {
  const sql::QName q = ctx.catalog().Resolve(table);
  const auto& r = ctx.effect().rewrites;
  return std::find(r.begin(), r.end(), q) != r.end();
}

bool Scans(const Context& ctx, const sql::QName& table) {
  const sql::QName q = ctx.catalog().Resolve(table);
  const auto& s = ctx.effect().scans;
  return std::find(s.begin(), s.end(), q) != s.end();
}

namespace {

const std::vector<sql::Token>& Tokens(const Context& ctx) { return ctx.migration().parsed.tokens; }

// Index of the statement's token starting at `begin`, or -1.
int TokenAt(const Context& ctx, int begin) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()); ++i) {
    if (toks[i].begin == begin) return i;
    if (toks[i].begin > begin) return -1;
  }
  return -1;
}

bool IsComment(const sql::Token& t) { return t.kind == "SQL_COMMENT" || t.kind == "C_COMMENT"; }

// Keywords that start the next column constraint (or ALTER TYPE's USING) after an expression.
bool StartsColumnConstraint(std::string_view kind) {
  static constexpr std::string_view kKinds[] = {
      "NOT",     "NULL_P",  "CONSTRAINT", "CHECK",      "REFERENCES", "PRIMARY", "UNIQUE",
      "DEFAULT", "COLLATE", "GENERATED",  "DEFERRABLE", "INITIALLY",  "USING"};
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

int ScanEnd(const Context& ctx, int begin, bool stop_at_constraint) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  const int first = TokenAt(ctx, begin);
  if (first < 0) return s.end;
  int depth = 0;
  int end = toks[first].end;
  const std::string_view text = ctx.text();
  for (int i = first; i < s.last_token && i < static_cast<int>(toks.size()); ++i) {
    const sql::Token& t = toks[i];
    if (IsComment(t)) continue;
    const std::string_view tt = text.substr(t.begin, t.end - t.begin);
    if (tt == "(" || tt == "[") ++depth;
    if (tt == ")" || tt == "]") {
      if (depth == 0) break;
      --depth;
    }
    if (depth == 0 && i > first) {
      if (tt == "," || tt == ";") break;
      // `CONSTRAINT name CHECK …` is one constraint: its keyword is the third token.
      const bool named_keyword = toks[first].kind == "CONSTRAINT" && i <= first + 2;
      if (stop_at_constraint && !named_keyword && StartsColumnConstraint(t.kind)) break;
    }
    end = t.end;
  }
  return std::min(end, s.end);
}

}  // namespace

std::string_view TokenText(const Context& ctx, int token_index) {
  const auto& toks = Tokens(ctx);
  if (token_index < 0 || token_index >= static_cast<int>(toks.size())) return {};
  return ctx.text().substr(toks[token_index].begin,
                           toks[token_index].end - toks[token_index].begin);
}

int ClauseEnd(const Context& ctx, int begin) { return ScanEnd(ctx, begin, false); }
int ExprEnd(const Context& ctx, int begin) { return ScanEnd(ctx, begin, true); }

int TokenEnd(const Context& ctx, int begin) {
  const int i = TokenAt(ctx, begin);
  return i < 0 ? begin + 1 : Tokens(ctx)[i].end;
}

std::optional<std::pair<int, int>> FindToken(const Context& ctx, std::string_view kind, int from) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()); ++i)
    if (toks[i].begin >= from && toks[i].kind == kind)
      return std::make_pair(toks[i].begin, toks[i].end);
  return std::nullopt;
}

std::optional<std::pair<int, int>> FindTopLevelToken(const Context& ctx, std::string_view kind) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  int depth = 0;
  for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()); ++i) {
    const std::string_view tt = TokenText(ctx, i);
    if (tt == "(") ++depth;
    if (tt == ")") --depth;
    if (depth == 0 && toks[i].kind == kind) return std::make_pair(toks[i].begin, toks[i].end);
  }
  return std::nullopt;
}

std::pair<int, int> AlterCmdRange(const Context& ctx, size_t n) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  const int last = std::min(s.last_token, static_cast<int>(toks.size()));
  std::vector<int> code;  // non-comment token indexes
  for (int i = s.first_token; i < last; ++i)
    if (!IsComment(toks[i])) code.push_back(i);
  size_t k = 0;
  auto kind = [&](size_t at) {
    return at < code.size() ? toks[code[at]].kind : std::string_view();
  };
  auto text = [&](size_t at) {
    return at < code.size() ? TokenText(ctx, code[at]) : std::string_view();
  };
  if (kind(k) == "ALTER") ++k;
  if (kind(k) == "MATERIALIZED" || kind(k) == "FOREIGN") ++k;
  ++k;  // TABLE, INDEX, VIEW, SEQUENCE
  if (kind(k) == "IF" && kind(k + 1) == "EXISTS") k += 2;
  if (kind(k) == "ONLY") ++k;
  ++k;  // the relation name
  while (text(k) == "." && k + 1 < code.size()) k += 2;
  if (text(k) == "*") ++k;
  std::vector<std::pair<int, int>> ranges;
  int depth = 0;
  int begin = -1, end = -1;
  for (; k < code.size(); ++k) {
    const std::string_view tt = text(k);
    if (tt == "(") ++depth;
    if (tt == ")") --depth;
    if (depth == 0 && tt == ",") {
      ranges.push_back({begin, end});
      begin = -1;
      continue;
    }
    if (begin < 0) begin = toks[code[k]].begin;
    end = toks[code[k]].end;
  }
  if (begin >= 0) ranges.push_back({begin, end});
  if (ranges.size() != s.cmds.size() || n >= ranges.size()) return {s.begin, s.end};
  return ranges[n];
}

std::vector<WrittenType> WrittenTypes(const sql::Statement& s) {
  std::vector<WrittenType> out;
  if (s.kind == sql::Kind::kCreateTable) {
    for (const sql::ColumnDef& c : s.columns) out.push_back({c.name, &c.type, false});
  } else if (s.kind == sql::Kind::kAlterTable) {
    for (const sql::AlterCmd& c : s.cmds) {
      if (!c.column) continue;
      if (c.type == sql::AlterType::kAddColumn)
        out.push_back({c.column->name, &c.column->type, false});
      if (c.type == sql::AlterType::kAlterColumnType)
        out.push_back({c.name, &c.column->type, true});
    }
  }
  return out;
}

std::string TypeText(const Context& ctx, const sql::TypeRef& t) {
  if (t.location < 0) return t.base();
  const int end = ExprEnd(ctx, t.location);
  return std::string(ctx.text().substr(t.location, end - t.location));
}

void ReportTypes(Context& ctx, const Rule& rule, bool (*match)(const sql::TypeRef&),
                 std::string (*message)(const Context&, const WrittenType&),
                 const std::string& help) {
  for (const WrittenType& w : WrittenTypes(ctx.statement())) {
    if (!match(*w.type)) continue;
    const int b = w.type->location;
    Report(ctx, rule, message(ctx, w), help, b, b >= 0 ? ExprEnd(ctx, b) : -1);
  }
}

std::string StatementHead(const Context& ctx) {
  const sql::Statement& s = ctx.statement();
  const auto& toks = Tokens(ctx);
  std::string out;
  int n = 0;
  for (int i = s.first_token; i < s.last_token && i < static_cast<int>(toks.size()) && n < 5; ++i) {
    if (IsComment(toks[i])) continue;
    if (!toks[i].is_keyword || toks[i].kind == "IF" || toks[i].kind == "ON" ||
        toks[i].kind == "ONLY")
      break;
    const std::string_view t = TokenText(ctx, i);
    if (!out.empty()) out += ' ';
    for (char ch : t) out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    ++n;
  }
  return out.empty() ? std::string(sql::KindName(s.kind)) : out;
}

int LineOf(const Context& ctx, int offset) {
  return ctx.migration().source.PositionOf(static_cast<size_t>(offset)).line;
}

void Report(Context& ctx, const Rule& rule, std::string message, std::string help, int begin,
            int end) {
  Diagnostic d;
  d.rule = std::string(rule.id());
  d.severity = rule.default_severity();
  d.message = std::move(message);
  d.help = std::move(help);
  d.begin = begin;
  d.end = end;
  if (begin >= 0 && end < 0) d.end = TokenEnd(ctx, begin);
  d.fixable = rule.fixable();
  ctx.Report(std::move(d));
}

std::vector<TransactionStatement> EarlierMigrationsInSameTransaction(const Context& ctx) {
  std::vector<TransactionStatement> out;
  if (!ctx.tx.statements) return out;
  // The earlier migrations' statements come first: stop at the current migration's.
  const std::vector<TransactionStatement>& all = *ctx.tx.statements;
  for (size_t i = 0; i < ctx.tx.statement_count && i < all.size(); ++i) {
    if (all[i].migration == &ctx.migration()) break;
    out.push_back(all[i]);
  }
  return out;
}

std::string LineIn(const Context& ctx, const analysis::AnalyzedMigration& m, int offset) {
  const std::string line =
      "line " + std::to_string(m.source.PositionOf(static_cast<size_t>(offset)).line);
  return &m == &ctx.migration() ? line : line + " of " + m.source.path();
}

}  // namespace lockstep::rules
