// Reading the bodies of DO blocks and functions: PL/pgSQL through libpg_query's PL/pgSQL parser
// (pg_query_parse_plpgsql, which returns the function as JSON), SQL functions through Parse. What
// is read becomes ordinary Statements, so that the lock model and the catalog treat a DO block's
// ALTER TABLE as they treat one written at the top level. What cannot be read is said, never
// dropped: a DO block that runs EXECUTE format(…) takes locks nobody can predict from the text.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/parser.h"
#include "sql/translate.h"

extern "C" {
#include <pg_query.h>
}

// GCC says ASan with __SANITIZE_ADDRESS__; clang before 17 only through __has_feature (the fuzz
// build, clang 14, leaked past this suppression for want of it).
#if defined(__SANITIZE_ADDRESS__)
#define LOCKSTEP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOCKSTEP_ASAN 1
#endif
#endif

#if defined(LOCKSTEP_ASAN)
// libpg_query 15's pg_query_parse_plpgsql leaks one strdup'd byte (pg_query_raw_parse's stderr
// buffer) when SQL inside the body does not parse; nothing of ours can free it. LeakSanitizer
// (`make check` builds with it) would fail every run that reads such a body, so it is told. The
// library has no frame pointers, so the leak's stack ends at pg_query_raw_parse: that is the
// frame named; it would also hide a leak of ours there, but parser.cc frees every result
// (RawParse).
extern "C" __attribute__((used, visibility("default"))) const char* __lsan_default_suppressions() {
  return "leak:pg_query_raw_parse\n";
}
#endif

namespace lockstep::sql {
namespace {

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return s;
}

// The value of a string constant token ('…' with '' doubled, or $tag$…$tag$); nullopt for other
// spellings (E'…' escapes, U&'…'), whose value lockstep does not compute.
std::optional<std::string> ConstantValue(std::string_view tok) {
  if (tok.size() >= 2 && tok.front() == '\'' && tok.back() == '\'') {
    std::string out;
    for (size_t i = 1; i + 1 < tok.size(); ++i) {
      out += tok[i];
      if (tok[i] == '\'' && i + 2 < tok.size() && tok[i + 1] == '\'') ++i;
    }
    return out;
  }
  if (!tok.empty() && tok.front() == '$') {
    const size_t close = tok.find('$', 1);
    if (close == std::string_view::npos) return std::nullopt;
    const size_t tag = close + 1;
    if (tok.size() < 2 * tag) return std::nullopt;
    return std::string(tok.substr(tag, tok.size() - 2 * tag));
  }
  return std::nullopt;
}

// Identifier-like words of a string: "quoted" ones as written, bare ones both as written (a
// format() argument keeps its case) and folded (SQL text folds it).
void AddNames(std::string_view s, std::vector<std::string>& out) {
  auto add = [&](std::string n) {
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end())
      out.push_back(std::move(n));
  };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') {
      const size_t close = s.find('"', i + 1);
      if (close == std::string_view::npos) break;
      add(std::string(s.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (std::isalpha(c) || c == '_' || c >= 0x80) {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' ||
                              s[j] == '$' || static_cast<unsigned char>(s[j]) >= 0x80))
        ++j;
      std::string w(s.substr(i, j - i));
      add(w);
      add(LowerAscii(w));
      i = j;
    } else {
      ++i;
    }
  }
}

bool StartsWithKeyword(std::string_view q) {
  q = TrimLeft(q);
  size_t n = 0;
  while (n < q.size() && std::isalpha(static_cast<unsigned char>(q[n]))) ++n;
  const std::string w = LowerAscii(std::string(q.substr(0, n)));
  for (const char* k : {"select", "with", "insert", "update", "delete", "values", "table", "merge"})
    if (w == k) return true;
  return false;
}

class BodyReader {
 public:
  BodyReader(Statement& routine) : s_(routine), r_(routine.routine.Mutable()) {
    const std::string& src = r_.routine_source;
    line_starts_.push_back(0);
    for (size_t i = 0; i < src.size(); ++i)
      if (src[i] == '\n') line_starts_.push_back(static_cast<int>(i + 1));
  }

  void ReadSql() {
    ParseOptions o;
    o.tokens = false;
    o.psql_script = false;
    ParsedFile f = Parse(r_.routine_source, o);
    if (!f.ok()) Unread("its SQL body does not parse: " + f.errors.front().message);
    for (Statement& s : f.statements) Add(std::move(s), 0);
  }

  void ReadPlpgsql(const std::string& create_function_text) {
    PgQueryPlpgsqlParseResult r = pg_query_parse_plpgsql(create_function_text.c_str());
    if (r.error) {
      Unread(std::string("its PL/pgSQL body does not parse: ") +
             (r.error->message ? r.error->message : "syntax error"));
    } else if (r.plpgsql_funcs) {
      const nlohmann::json j = nlohmann::json::parse(r.plpgsql_funcs, nullptr, false);
      if (j.is_discarded()) {
        Unread("libpg_query's PL/pgSQL tree could not be read");
      } else {
        Walk(j, 1);
      }
    }
    pg_query_free_plpgsql_parse_result(r);
  }

 private:
  void Unread(const std::string& why) {
    if (!r_.body_unread.empty()) r_.body_unread += "; ";
    r_.body_unread += why;
  }

  // File offset of `query` on body line `line` (1-based), or of the line; the DO statement's
  // own start when the body is not in the file verbatim.
  int Locate(std::string_view query, int line) const {
    if (r_.routine_source_offset < 0) return s_.begin;
    const int l = std::clamp(line, 1, static_cast<int>(line_starts_.size())) - 1;
    const size_t at = r_.routine_source.find(query, line_starts_[l]);
    return r_.routine_source_offset +
           (at == std::string::npos ? line_starts_[l] : static_cast<int>(at));
  }

  void Add(Statement s, int by) {
    ShiftLocations(s, by < 0 ? 0 : by);
    // Token indexes belong to the piece's own scan: none here.
    s.first_token = s.last_token = 0;
    r_.body.push_back(std::move(s));
  }

  // Static SQL, or an expression's query: parsed as SQL (an expression as SELECT <expr>).
  void Query(const std::string& query, int line, bool is_expression) {
    const bool prefix = is_expression && !StartsWithKeyword(query);
    const std::string text = prefix ? "SELECT " + query : query;
    ParseOptions o;
    o.tokens = false;
    o.psql_script = false;
    ParsedFile f = ParseString(text, o);
    if (!f.ok()) {
      Unread("line " + std::to_string(line) + " does not parse as SQL (" +
             f.errors.front().message + ")");
      return;
    }
    const int at = Locate(query, line);
    for (Statement& s : f.statements) {
      // Offsets of the prefixed text: "SELECT " is not in the file.
      const int by = at - (prefix ? 7 : 0);
      Add(std::move(s), by);
      if (prefix) r_.body.back().begin = at;
    }
  }

  // EXECUTE <expression>: a constant string is static SQL in disguise; anything else is unknown.
  void Dynamic(const std::string& expression, int line) {
    ParseOptions o;
    o.tokens = true;
    o.psql_script = false;
    const std::string text = "SELECT " + expression;
    ParsedFile f = ParseString(text, o);
    std::vector<const Token*> constants;
    int other_tokens = 0;
    for (const Token& t : f.tokens) {
      if (t.kind == "SCONST")
        constants.push_back(&t);
      else if (t.kind != "SQL_COMMENT" && t.kind != "C_COMMENT")
        ++other_tokens;
    }
    if (f.ok() && constants.size() == 1 && other_tokens == 1) {  // SELECT '…'
      const std::string_view tok(text.data() + constants[0]->begin,
                                 constants[0]->end - constants[0]->begin);
      if (std::optional<std::string> v = ConstantValue(tok)) {
        ParseOptions so;
        so.tokens = false;
        so.psql_script = false;
        ParsedFile inner = ParseString(*v, so);
        if (inner.ok()) {
          const int at = Locate(expression, line);
          for (Statement& s : inner.statements) {
            // The constant's own offsets are not the file's: point at the EXECUTE's expression.
            Add(std::move(s), at);
            r_.body.back().begin = at;
            r_.body.back().end = at + static_cast<int>(expression.size());
          }
          return;
        }
      }
    }
    DynamicSql d;
    d.location = Locate(expression, line);
    d.expression = expression;
    for (const Token* t : constants) {
      const std::string_view tok(text.data() + t->begin, t->end - t->begin);
      if (std::optional<std::string> v = ConstantValue(tok)) AddNames(*v, d.names);
    }
    // The string usually comes through variables (DECLARE tab text := 'User'): every string
    // constant of the routine may end up in it.
    for (const std::string& n : RoutineConstantNames()) AddNames(n, d.names);
    r_.dynamic_sql.push_back(std::move(d));
  }

  // The identifier-like words of every string constant of the routine's source (scanned once).
  const std::vector<std::string>& RoutineConstantNames() {
    if (routine_names_scanned_) return routine_names_;
    routine_names_scanned_ = true;
    ParseOptions o;
    o.tokens = true;
    o.psql_script = false;
    const ParsedFile f = ParseString(r_.routine_source, o);
    for (const Token& t : f.tokens) {
      if (t.kind != "SCONST") continue;
      const std::string_view tok(r_.routine_source.data() + t.begin, t.end - t.begin);
      if (std::optional<std::string> v = ConstantValue(tok)) AddNames(*v, routine_names_);
    }
    return routine_names_;
  }

  static std::string QueryOf(const nlohmann::json& expr) {
    const nlohmann::json* e = &expr;
    if (e->is_object() && e->contains("PLpgSQL_expr")) e = &(*e)["PLpgSQL_expr"];
    if (e->is_object() && e->contains("query") && (*e)["query"].is_string())
      return (*e)["query"].get<std::string>();
    return {};
  }

  void Walk(const nlohmann::json& j, int line) {
    if (j.is_array()) {
      for (const nlohmann::json& x : j) Walk(x, line);
      return;
    }
    if (!j.is_object()) return;
    if (j.contains("lineno") && j["lineno"].is_number_integer()) line = j["lineno"].get<int>();
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const nlohmann::json& v = it.value();
      if (key == "PLpgSQL_stmt_execsql" && v.is_object() && v.contains("sqlstmt")) {
        const int l = v.contains("lineno") ? v["lineno"].get<int>() : line;
        Query(QueryOf(v["sqlstmt"]), l, false);
      } else if ((key == "PLpgSQL_stmt_dynexecute" || key == "PLpgSQL_stmt_dynfors") &&
                 v.is_object() && v.contains("query")) {
        const int l = v.contains("lineno") ? v["lineno"].get<int>() : line;
        Dynamic(QueryOf(v["query"]), l);
        for (auto c = v.begin(); c != v.end(); ++c)
          if (c.key() != "query") Walk(c.value(), l);
      } else if (key == "PLpgSQL_stmt_assign" && v.is_object() && v.contains("expr")) {
        // "target := expression" (or "target = …"): the expression is what runs.
        const int l = v.contains("lineno") ? v["lineno"].get<int>() : line;
        const std::string q = QueryOf(v["expr"]);
        size_t at = q.find(":=");
        size_t skip = 2;
        if (at == std::string::npos) {
          at = q.find('=');
          skip = 1;
        }
        if (at != std::string::npos)
          Query(q.substr(at + skip), l, true);
        else
          Query(q, l, true);
      } else if (key == "PLpgSQL_expr") {
        const std::string q = QueryOf(v);
        if (!q.empty()) Query(q, line, true);
      } else {
        Walk(v, line);
      }
    }
  }

  Statement& s_;
  Routine& r_;
  std::vector<int> line_starts_;
  bool routine_names_scanned_ = false;
  std::vector<std::string> routine_names_;
};

// A dollar-quote tag that does not occur in `body`.
std::string FreeTag(const std::string& body) {
  std::string tag = "$lockstep$";
  for (int i = 0; body.find(tag) != std::string::npos; ++i)
    tag = "$lockstep" + std::to_string(i) + "$";
  return tag;
}

}  // namespace

void ReadRoutineBody(std::string_view file, Statement& s) {
  if (s.kind != Kind::kDo && s.kind != Kind::kCreateFunction) return;
  if (s.routine->routine_source.empty()) return;
  Routine& r = s.routine.Mutable();
  const std::string_view text = file.substr(s.begin, s.end - s.begin);
  const size_t at = text.find(r.routine_source);
  if (at != std::string_view::npos) r.routine_source_offset = s.begin + static_cast<int>(at);
  const std::string language = LowerAscii(r.language.empty() ? "sql" : r.language);
  BodyReader reader(s);
  if (language == "plpgsql") {
    if (s.kind == Kind::kDo) {
      const std::string tag = FreeTag(r.routine_source);
      reader.ReadPlpgsql("CREATE FUNCTION lockstep_do() RETURNS void LANGUAGE plpgsql AS " + tag +
                         r.routine_source + tag);
    } else {
      reader.ReadPlpgsql(std::string(text));
    }
  } else if (language == "sql") {
    reader.ReadSql();
  } else {
    r.body_unread = "lockstep does not read " + r.language + " code";
  }
}

}  // namespace lockstep::sql
