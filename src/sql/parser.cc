#include "sql/parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <regex>

#include "sql/token_capture.h"
#include "sql/translate.h"
// Last: the server headers define macros. With libpg_query 15 the scanner's tokens come through
// protobuf (18 returns them as plain structs).
// clang-format off
#include "sql/pg_nodes.h"
#if PG_VERSION_NUM < 180000
#include <pg_query/pg_query.pb-c.h>
#endif
// clang-format on

namespace lockstep::sql {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool StartsSqlComment(std::string_view t, int i, int end) {
  return t[i] == '-' && i + 1 < end && t[i + 1] == '-';
}
bool StartsCComment(std::string_view t, int i, int end) {
  return t[i] == '/' && i + 1 < end && t[i + 1] == '*';
}

// The end of the comment that starts at `i` (`--` up to the line's end, as PostgreSQL's scanner
// ends it, or a nested `/* */`), at most `end`.
int CommentEnd(std::string_view t, int i, int end) {
  if (StartsSqlComment(t, i, end)) {
    while (i < end && t[i] != '\n' && t[i] != '\r') ++i;
    return i;
  }
  int depth = 0;
  while (i < end) {
    if (StartsCComment(t, i, end)) {
      ++depth;
      i += 2;
    } else if (t[i] == '*' && i + 1 < end && t[i + 1] == '/') {
      i += 2;
      if (--depth == 0) break;
    } else
      ++i;
  }
  return i;
}

// Skips white space and comments from `i`; returns the first offset of real text (or `end`).
int SkipSpaceAndComments(std::string_view t, int i, int end) {
  while (i < end) {
    if (IsSpace(t[i])) {
      ++i;
    } else if (StartsSqlComment(t, i, end) || StartsCComment(t, i, end)) {
      i = CommentEnd(t, i, end);
    } else {
      break;
    }
  }
  return i;
}

// psql runs a script, not SQL: backslash commands and COPY … FROM stdin data are psql's. This
// blanks them out (keeping byte offsets and newlines), turning a backslash command into a
// statement end as psql does, and records a note for each.
std::string BlankPsqlParts(std::string_view in, std::vector<Note>& notes) {
  std::string out(in);
  const int n = static_cast<int>(in.size());
  int stmt_start = 0;
  bool line_start = true;
  static const std::regex kCopyStdin(R"(^\s*copy\b[\s\S]*\bfrom\s+stdin\b)", std::regex::icase);
  int i = 0;
  auto blank_to_eol = [&](int from) {
    int k = from;
    while (k < n && in[k] != '\n') {
      out[k] = ' ';
      ++k;
    }
    return k;
  };
  while (i < n) {
    const char c = in[i];
    if (c == '\n') {
      line_start = true;
      ++i;
      continue;
    }
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && in[i + 1] == '-') {
      while (i < n && in[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && in[i + 1] == '*') {
      i = SkipSpaceAndComments(in, i, n);
      line_start = false;
      continue;
    }
    line_start = false;
    if (c == '\'') {
      // E'…' strings treat backslash as an escape; standard strings only double quotes.
      const bool escape = i > 0 && (in[i - 1] == 'e' || in[i - 1] == 'E') &&
                          (i < 2 || !std::isalnum(static_cast<unsigned char>(in[i - 2])));
      ++i;
      while (i < n) {
        if (escape && in[i] == '\\') {
          i += 2;
          continue;
        }
        if (in[i] == '\'') {
          if (i + 1 < n && in[i + 1] == '\'') {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      continue;
    }
    if (c == '"') {
      ++i;
      while (i < n && in[i] != '"') ++i;
      ++i;
      continue;
    }
    if (c == '$') {
      int k = i + 1;
      while (k < n && (std::isalnum(static_cast<unsigned char>(in[k])) || in[k] == '_')) ++k;
      if (k < n && in[k] == '$' &&
          !(i > 0 && (std::isalnum(static_cast<unsigned char>(in[i - 1])) || in[i - 1] == '_'))) {
        const std::string_view tag = in.substr(i, k - i + 1);
        const size_t close = in.find(tag, k + 1);
        i = close == std::string_view::npos ? n : static_cast<int>(close + tag.size());
        continue;
      }
      ++i;
      continue;
    }
    if (c == '\\') {
      int k = i + 1;
      while (k < n && std::isalpha(static_cast<unsigned char>(in[k]))) ++k;
      std::string cmd(in.substr(i, k - i));
      notes.push_back({i, "skipped psql meta-command " + cmd});
      const int eol = blank_to_eol(i);
      out[i] = ';';  // psql sends the query buffer here, as if the statement ended
      i = eol;
      stmt_start = i;
      continue;
    }
    if (c == ';') {
      const std::string_view stmt = in.substr(stmt_start, i - stmt_start);
      ++i;
      stmt_start = i;
      if (stmt.size() < 4096 && std::regex_search(stmt.begin(), stmt.end(), kCopyStdin)) {
        // Data follows on the next line, up to a line holding only "\.".
        int k = i;
        while (k < n && in[k] != '\n') ++k;
        if (k < n) ++k;
        const int data_start = k;
        while (k < n) {
          int eol = k;
          while (eol < n && in[eol] != '\n') ++eol;
          std::string_view line = in.substr(k, eol - k);
          while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.remove_suffix(1);
          for (int b = k; b < eol; ++b) out[b] = ' ';
          k = eol < n ? eol + 1 : n;
          if (line == "\\.") break;
        }
        if (k > data_start) notes.push_back({data_start, "skipped COPY … FROM stdin data"});
        i = k;
        stmt_start = i;
        line_start = true;
      }
      continue;
    }
    ++i;
  }
  (void)line_start;
  return out;
}

// libpg_query's raw parse of `input`, in a memory context of its own that lives as long as this
// object (the tree is freed with it).
class RawParse {
 public:
  explicit RawParse(const char* input) : ctx_(pg_query_enter_memory_context()) {
    r_ = LOCKSTEP_RAW_PARSE(input);
  }
  ~RawParse() {
    if (r_.error) pg_query_free_error(r_.error);
    std::free(r_.stderr_buffer);
    pg_query_exit_memory_context(ctx_);
  }
  RawParse(const RawParse&) = delete;
  RawParse& operator=(const RawParse&) = delete;
  const PgQueryError* error() const { return r_.error; }
  const List* tree() const { return r_.tree; }

 private:
  MemoryContext ctx_;
  PgQueryInternalParsetreeAndError r_{};
};

// Trims a statement span to its real text: no leading/trailing space or comments, no ';'.
void SetSpan(std::string_view text, int loc, int len, Statement& s) {
  const int n = static_cast<int>(text.size());
  int end = len > 0 ? std::min(n, loc + len) : n;
  int begin = SkipSpaceAndComments(text, loc, end);
  // Trailing: strip space and a trailing comment-only tail. Comments at the end are rare; only
  // white space and ';' are trimmed here, comments are excluded by the token pass when present.
  while (end > begin && (IsSpace(text[end - 1]) || text[end - 1] == ';')) --end;
  s.begin = begin;
  s.end = end;
}

void AddError(std::string_view text, int piece_offset, const PgQueryError* err,
              std::vector<ParseError>& errors) {
  ParseError e;
  e.message = err->message ? err->message : "syntax error";
  if (err->cursorpos > 0) {
    e.offset = piece_offset +
               static_cast<int>(CharIndexToByteOffset(text.substr(piece_offset), err->cursorpos));
  } else {
    e.offset = piece_offset;
  }
  errors.push_back(std::move(e));
}

#if PG_VERSION_NUM >= 180000
void AddComments(std::string_view input, int offset, size_t first, ParsedFile& out);
#endif

// Parses `input` (NUL-terminated) whose first byte is at `offset` in the file; appends statements,
// and with `capture_tokens` (only where CaptureMatchesScan) the tokens and comments. Returns false
// (and records the error, with no tokens appended) on a syntax error.
bool ParseInto(const std::string& input, std::string_view file, int offset, ParsedFile& out,
               bool capture_tokens = false) {
  const size_t first_token = out.tokens.size();
  std::optional<TokenCapture> capture;
  if (capture_tokens) {
    // The corpus has a token per 7.6 bytes: one allocation instead of a dozen doublings, each
    // copying the tokens so far to fresh pages. Piece by piece the vector grows by doubling.
    if (out.tokens.empty()) out.tokens.reserve(input.size() / 6 + 16);
    capture.emplace(out.tokens, offset);
  }
  RawParse parse(input.c_str());
  capture.reset();
  if (parse.error()) {
    out.tokens.resize(first_token);
    AddError(file, offset, parse.error(), out.errors);
    return false;
  }
#if PG_VERSION_NUM >= 180000
  if (capture_tokens) AddComments(input, offset, first_token, out);
#endif
  const pg::Items stmts(parse.tree());
  // A Statement is large (dozens of members): growing the vector one push at a time moved each
  // one about twice. Callers that parse piece by piece reserve for the whole file themselves;
  // reserving exactly here would then reallocate on every piece.
  if (offset == 0) out.statements.reserve(out.statements.size() + stmts.size());
  for (const Node* n : stmts) {
    const RawStmt* raw = pg::As<RawStmt>(n, T_RawStmt);
    if (!raw) continue;
    // Built in place: moving a finished Statement copies each of its dozens of members.
    Statement& s = out.statements.emplace_back();
    TranslateStatement(raw->stmt, s);
    // Offsets in the tree are the piece's own.
    if (offset != 0) ShiftLocations(s, offset);
    SetSpan(file, offset + raw->stmt_location,
            raw->stmt_len > 0 ? raw->stmt_len : static_cast<int>(input.size()) - raw->stmt_location,
            s);
  }
  return true;
}

// Token numbers are below this in both grammars (PostgreSQL 18's highest is 781).
constexpr int kTokenNumbers = 1024;

// libpg_query's token names by number, looked up once: rules compare them token by token.
const std::array<std::string_view, kTokenNumbers>& TokenNames() {
  static const std::array<std::string_view, kTokenNumbers> names = [] {
    std::array<std::string_view, kTokenNumbers> out{};
    for (int i = 0; i < kTokenNumbers; ++i) {
#if PG_VERSION_NUM >= 180000
      if (const char* name = pg_query_token_name(static_cast<PgQueryToken>(i))) out[i] = name;
#else
      if (const ProtobufCEnumValue* v =
              protobuf_c_enum_descriptor_get_value(&pg_query__token__descriptor, i))
        out[i] = v->name;  // static storage in the descriptor
#endif
    }
    return out;
  }();
  return names;
}

#if PG_VERSION_NUM >= 180000
// The scanner's tokens, as libpg_query 18 returns them: plain structs, numbered as the
// grammar's tokens (TokenKind names them).
bool Scan(const std::string& input, int offset, ParsedFile& out) {
  PgQueryScanTokensResult r = pg_query_scan_tokens(input.c_str());
  if (r.error) {
    // The parser reports the same problem with a better message; tokens stay empty.
    pg_query_free_scan_tokens_result(r);
    return false;
  }
  // Piece by piece, the vector grows by doubling: an exact reserve would copy it every piece.
  if (out.tokens.empty()) out.tokens.reserve(r.n_tokens);
  for (int i = 0; i < r.n_tokens; ++i) {
    const PgQueryScanToken& t = r.tokens[i];
    Token tok;
    tok.begin = offset + t.start;
    tok.end = offset + t.end;
    tok.kind = TokenKind(static_cast<uint16_t>(t.token));
    tok.is_keyword = t.keyword_kind != PG_QUERY_NO_KEYWORD;
    if (t.token == PG_QUERY_TOKEN_SQL_COMMENT || t.token == PG_QUERY_TOKEN_C_COMMENT)
      out.comments.push_back({tok.begin, tok.end});
    out.tokens.push_back(tok);
  }
  pg_query_free_scan_tokens_result(r);
  return true;
}

// Puts the comments of `input` among the tokens a parse of it captured (out.tokens from `first`,
// shifted by `offset`) and in out.comments, where pg_query_scan_tokens would have put them: the
// lexer skips only white space and comments, so they are what the gaps between tokens hold.
void AddComments(std::string_view input, int offset, size_t first, ParsedFile& out) {
  const size_t comments_before = out.comments.size();
  auto comments_in_gap = [&](int at, int gap_end) {
    // Most gaps are one space or none; a comment takes two bytes at least.
    if (gap_end - at < 2) return;
    while (at < gap_end) {
      if (!StartsSqlComment(input, at, gap_end) && !StartsCComment(input, at, gap_end)) {
        ++at;
        continue;
      }
      const int end = CommentEnd(input, at, gap_end);
      out.comments.push_back({offset + at, offset + end});
      at = end;
    }
  };
  int gap_begin = 0;
  for (size_t i = first; i < out.tokens.size(); ++i) {
    comments_in_gap(gap_begin, out.tokens[i].begin - offset);
    gap_begin = out.tokens[i].end - offset;
  }
  comments_in_gap(gap_begin, static_cast<int>(input.size()));
  // Merge the comments in from the back, in place: no second vector of the file's tokens.
  size_t c = out.comments.size();
  if (c == comments_before) return;
  size_t t = out.tokens.size();
  out.tokens.resize(t + (c - comments_before));
  for (size_t to = out.tokens.size(); c > comments_before;) {
    const Comment& comment = out.comments[c - 1];
    if (t > first && out.tokens[t - 1].begin > comment.begin) {
      out.tokens[--to] = out.tokens[--t];
      continue;
    }
    Token& k = out.tokens[--to];
    k.begin = comment.begin;
    k.end = comment.end;
    k.kind = TokenKind(input[comment.begin - offset] == '-' ? PG_QUERY_TOKEN_SQL_COMMENT
                                                            : PG_QUERY_TOKEN_C_COMMENT);
    k.is_keyword = false;
    --c;
  }
}

bool SameTokens(const ParsedFile& a, const ParsedFile& b) {
  auto same = [](const Token& x, const Token& y) {
    return x.begin == y.begin && x.end == y.end && x.kind.name() == y.kind.name() &&
           x.is_keyword == y.is_keyword;
  };
  auto same_comment = [](const Comment& x, const Comment& y) {
    return x.begin == y.begin && x.end == y.end;
  };
  return std::equal(a.tokens.begin(), a.tokens.end(), b.tokens.begin(), b.tokens.end(), same) &&
         std::equal(a.comments.begin(), a.comments.end(), b.comments.begin(), b.comments.end(),
                    same_comment);
}

// Whether this program takes tokens from the parse (TokenCapture): it was linked with the wrap,
// and on a text with every kind of token the capture gives what pg_query_scan_tokens gives (it
// reads the lexer's state as libpg_query does, which another build of the library could change).
bool CaptureMatchesScan() {
  static const bool matches = [] {
    const std::string probe =
        "/* a /* nested */ comment */ SELECT a.\"B\", U&\"d\\0061\" UESCAPE '\\', 'x''y', "
        "E'\\n', b'01', x'1F', $$q$$, $t$r$t$, 1.5e3, 0x1F, 1_000, $1::int, h[1:2] -- c\r\n"
        "FROM t WHERE c <> 2 AND d != 3 AND e >= 4 AND f <= 5 AND i @> j AND f(k => 1) IS NOT "
        "NULL;\n-- tail\n";
    ParsedFile captured;
    {
      TokenCapture capture(captured.tokens, 0);
      RawParse parse(probe.c_str());
      if (parse.error() || !capture.saw_lexer()) return false;
    }
    AddComments(probe, 0, 0, captured);
    ParsedFile scanned;
    return Scan(probe, 0, scanned) && !scanned.tokens.empty() && SameTokens(captured, scanned);
  }();
  return matches;
}
#else
// Reads one base-128 varint of the protobuf wire format at `p`, advancing it.
bool ReadVarint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && p < end; shift += 7) {
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Skips a field of wire type `wire` (the ones proto3 messages use). False when malformed.
bool SkipField(uint64_t wire, const uint8_t*& p, const uint8_t* end) {
  uint64_t n = 0;
  switch (wire) {
    case 0:
      return ReadVarint(p, end, n);
    case 1:
      n = 8;
      break;
    case 2:
      if (!ReadVarint(p, end, n)) return false;
      break;
    case 5:
      n = 4;
      break;
    default:
      return false;
  }
  if (n > static_cast<uint64_t>(end - p)) return false;
  p += n;
  return true;
}

// Decodes one ScanToken message (pg_query.proto: start = 1, end = 2, token = 4,
// keyword_kind = 5, all varints) in [p, end); its offsets are shifted by `offset`.
bool DecodeToken(const uint8_t* p, const uint8_t* end, int offset, ParsedFile& out) {
  uint64_t start = 0, stop = 0, token = 0, keyword = 0;
  while (p < end) {
    uint64_t key = 0;
    if (!ReadVarint(p, end, key)) return false;
    const uint64_t field = key >> 3, wire = key & 7;
    uint64_t* dst = field == 1 ? &start
                    : field == 2 ? &stop
                    : field == 4 ? &token
                    : field == 5 ? &keyword
                                 : nullptr;
    if (dst && wire == 0) {
      if (!ReadVarint(p, end, *dst)) return false;
    } else if (!SkipField(wire, p, end)) {
      return false;
    }
  }
  Token tok;
  tok.begin = offset + static_cast<int>(start);
  tok.end = offset + static_cast<int>(stop);
  tok.kind = TokenKind(static_cast<uint16_t>(token));
  tok.is_keyword = keyword != PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
  if (token == PG_QUERY__TOKEN__SQL_COMMENT || token == PG_QUERY__TOKEN__C_COMMENT)
    out.comments.push_back({tok.begin, tok.end});
  out.tokens.push_back(tok);
  return true;
}

// The scanner's tokens. libpg_query returns them only as a serialised ScanResult; protobuf-c's
// generic unpack allocates a struct per token (a third of lint's scanning time), so the four
// varint fields of each are read in place instead (the same tokens over the whole corpus).
bool Scan(const std::string& input, int offset, ParsedFile& out) {
  PgQueryScanResult r = pg_query_scan(input.c_str());
  if (r.error) {
    // The parser reports the same problem with a better message; tokens stay empty.
    pg_query_free_scan_result(r);
    return false;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(r.pbuf.data);
  const uint8_t* const end = p + r.pbuf.len;
  // Three bytes at least per token: a guess that avoids most regrowth (piece by piece, the
  // vector grows by doubling: an exact reserve would copy it every piece).
  if (out.tokens.empty()) out.tokens.reserve(r.pbuf.len / 12);
  bool ok = true;
  while (ok && p < end) {
    uint64_t key = 0;
    if (!ReadVarint(p, end, key)) {
      ok = false;
      break;
    }
    if ((key >> 3) == 2 && (key & 7) == 2) {  // repeated ScanToken tokens = 2
      uint64_t len = 0;
      if (!ReadVarint(p, end, len) || len > static_cast<uint64_t>(end - p)) {
        ok = false;
        break;
      }
      ok = DecodeToken(p, p + len, offset, out);
      p += len;
    } else {
      ok = SkipField(key & 7, p, end);
    }
  }
  if (!ok) {  // never seen: libpg_query wrote it; keep the parse, drop the tokens
    out.tokens.clear();
    out.comments.clear();
  }
  pg_query_free_scan_result(r);
  return ok;
}

// libpg_query 15's scanner records no token ends (yyllocend): its tokens are always scanned.
bool CaptureMatchesScan() { return false; }
#endif

// Maps each statement to its token range, and trims trailing comments from its span.
void AttachTokens(ParsedFile& out) {
  if (out.tokens.empty()) return;
  for (Statement& s : out.statements) {
    auto first = std::lower_bound(out.tokens.begin(), out.tokens.end(), s.begin,
                                  [](const Token& t, int off) { return t.begin < off; });
    auto last = std::lower_bound(first, out.tokens.end(), s.end,
                                 [](const Token& t, int off) { return t.begin < off; });
    // Drop trailing comment tokens from the statement.
    while (last != first && ((last - 1)->kind == "SQL_COMMENT" || (last - 1)->kind == "C_COMMENT"))
      --last;
    s.first_token = static_cast<int>(first - out.tokens.begin());
    s.last_token = static_cast<int>(last - out.tokens.begin());
    if (last != first) s.end = std::max(s.begin, std::min(s.end, (last - 1)->end));
    if (s.index) {
      for (auto t = first; t != last; ++t) {
        if (t->kind == "INDEX") {
          s.index->concurrently_insert_at = t->end;
          break;
        }
      }
    }
    if (s.update && s.update->has_where) {
      // The statement's own WHERE is the one outside parentheses: a WHERE of a subquery (in
      // SET, FROM or a CTE) is always inside some.
      int depth = 0;
      for (auto t = first; t != last; ++t) {
        if (t->kind == "ASCII_40") ++depth;
        if (t->kind == "ASCII_41") --depth;
        if (depth == 0 && t->kind == "WHERE") {
          s.update->where_begin = t->begin;
          s.update->where_end = t->end;
          break;
        }
      }
    }
  }
}

}  // namespace

std::string_view TokenKind::name() const {
  return code_ < kTokenNumbers ? TokenNames()[code_] : std::string_view();
}

namespace {

// A file larger than this is parsed in pieces of whole statements of about this size, each
// piece's libpg_query tree freed once translated: the tree of a whole file took several times
// the file's size, on top of the statements translated from it (README, "Scale").
constexpr size_t kPieceBytes = size_t{1} << 20;
// ParseEach's pieces are smaller: its caller keeps far less than a Statement per statement, so a
// piece's Statements, tokens and libpg_query tree (together ~50x its text) are what its memory
// peaks at. A quarter MiB costs no more time: the file is scanned once for the cuts either way.
constexpr size_t kBatchBytes = size_t{1} << 18;

// Where pieces of `input` end: just after a ';' that libpg_query's scanner sees as the end of a
// statement, once the piece holds `piece_bytes`; the last ends with the file. The scanner does not
// parse: a cut may fall inside a construct with ';' of its own (BEGIN ATOMIC … END), which the
// piece's parse then rejects. Empty when the scanner fails.
struct Pieces {
  std::vector<int> ends;
  int statements = 0;  // as the scanner counts them: what to reserve for
};

Pieces CutIntoPieces(const std::string& input, size_t piece_bytes) {
  Pieces out;
  PgQuerySplitResult split = pg_query_split_with_scanner(input.c_str());
  if (!split.error) {
    out.statements = split.n_stmts;
    size_t begin = 0;
    for (int i = 0; i < split.n_stmts; ++i) {
      const size_t semicolon =
          static_cast<size_t>(split.stmts[i]->stmt_location) + split.stmts[i]->stmt_len;
      if (semicolon < input.size() && input[semicolon] == ';' &&
          semicolon + 1 - begin >= piece_bytes) {
        begin = semicolon + 1;
        out.ends.push_back(static_cast<int>(begin));
      }
    }
    if (begin < input.size()) out.ends.push_back(static_cast<int>(input.size()));
  }
  pg_query_free_split_result(split);
  return out;
}

// Whether a parse with these options takes tokens from the parse itself (no second lexing).
bool CaptureTokens(const ParseOptions& options) { return options.tokens && CaptureMatchesScan(); }

// Parses (and scans, with options.tokens) `input` piece by piece. False, with `out` emptied,
// when there is only one piece or one does not parse: the caller then parses the whole, which
// tells a real syntax error (at its place in the file) from a cut in the wrong place.
bool ParseInPieces(const std::string& input, const ParseOptions& options, ParsedFile& out) {
  const bool capture = CaptureTokens(options);
  const Pieces pieces = CutIntoPieces(input, kPieceBytes);
  if (pieces.ends.size() < 2) return false;
  out.statements.reserve(pieces.statements);
  int begin = 0;
  for (const int end : pieces.ends) {
    const std::string piece = input.substr(begin, end - begin);
    if (!ParseInto(piece, input, begin, out, capture) ||
        (options.tokens && !capture && !Scan(piece, begin, out))) {
      out.statements.clear();
      out.tokens.clear();
      out.comments.clear();
      out.errors.clear();
      return false;
    }
    begin = end;
  }
  return true;
}

// Parses `input` in one piece; on a syntax error, statement by statement (below). Returns whether
// it took the tokens from the parse (asked with `capture_tokens`, and no syntax error).
bool ParseWhole(const std::string& input, bool capture_tokens, ParsedFile& out) {
  if (ParseInto(input, input, 0, out, capture_tokens)) return capture_tokens;
  // Recover: split with the scanner and parse each statement alone, so that one bad statement
  // does not hide the others (psql runs a script on past an error, and so do regress files).
  out.errors.clear();
  out.statements.clear();
  PgQuerySplitResult split = pg_query_split_with_scanner(input.c_str());
  if (split.error) {
    AddError(input, 0, split.error, out.errors);
  } else {
    for (int i = 0; i < split.n_stmts; ++i) {
      const PgQuerySplitStmt* st = split.stmts[i];
      std::string piece = input.substr(st->stmt_location, st->stmt_len);
      ParseInto(piece, input, st->stmt_location, out);
    }
    if (out.errors.empty()) {
      // The whole failed but no piece did (e.g. an error spanning a split point): report the
      // whole-file error.
      RawParse whole(input.c_str());
      if (whole.error()) AddError(input, 0, whole.error(), out.errors);
    }
  }
  pg_query_free_split_result(split);
  return false;
}

// `input` is the NUL-terminated text to parse (the file, or its psql-blanked copy).
void ParseText(const std::string& input, const ParseOptions& options, ParsedFile& out) {
  const bool in_pieces = input.size() > kPieceBytes && ParseInPieces(input, options, out);
  const bool have_tokens = in_pieces || ParseWhole(input, CaptureTokens(options), out);
  for (Statement& s : out.statements) ReadRoutineBody(input, s);
  if (options.tokens) {
    if (!have_tokens) Scan(input, 0, out);
    AttachTokens(out);
  }
}

bool NeedsPsqlBlanking(std::string_view text, const ParseOptions& options) {
  return options.psql_script && text.find('\\') != std::string_view::npos;
}

}  // namespace

ParsedFile Parse(std::string_view text, const ParseOptions& options) {
  ParsedFile out;
  ParseText(NeedsPsqlBlanking(text, options) ? BlankPsqlParts(text, out.notes) : std::string(text),
            options, out);
  return out;
}

ParsedFile ParseString(const std::string& text, const ParseOptions& options) {
  if (NeedsPsqlBlanking(text, options)) return Parse(std::string_view(text), options);
  ParsedFile out;
  ParseText(text, options, out);
  return out;
}

// Hands `out`'s statements (with `out`'s tokens attached) to `sink`, then drops both.
void Hand(const std::string& text, const StatementSink& sink, ParsedFile& out) {
  for (Statement& s : out.statements) ReadRoutineBody(text, s);
  AttachTokens(out);
  if (sink.take_with_tokens) {
    ParsedFile batch;
    batch.statements = std::move(out.statements);
    batch.tokens = std::move(out.tokens);
    batch.comments = std::move(out.comments);
    sink.take_with_tokens(batch);
  } else {
    // The tokens go with the batch: an index into them would point at the next batch's.
    for (Statement& s : out.statements) s.first_token = s.last_token = 0;
    sink.take(out.statements);
  }
  out.statements.clear();
  out.tokens.clear();
  out.comments.clear();
}

ParsedFile ParseEach(const std::string& text, const StatementSink& sink, size_t batch_bytes) {
  ParsedFile out;
  const bool capture = CaptureMatchesScan();
  if (batch_bytes == 0) batch_bytes = kBatchBytes;
  const Pieces pieces = text.size() > batch_bytes ? CutIntoPieces(text, batch_bytes) : Pieces{};
  if (pieces.ends.size() >= 2) {
    int begin = 0;
    for (const int end : pieces.ends) {
      const std::string piece = text.substr(begin, end - begin);
      if (!ParseInto(piece, text, begin, out, capture) || (!capture && !Scan(piece, begin, out)))
        break;
      Hand(text, sink, out);
      begin = end;
    }
    if (out.errors.empty() && out.statements.empty()) {
      out.statements.shrink_to_fit();
      out.tokens.shrink_to_fit();
      return out;
    }
    // A cut in the wrong place, or a syntax error: the whole file tells which, and where.
    out = ParsedFile{};
    sink.restart();
  }
  if (!ParseWhole(text, capture, out)) Scan(text, 0, out);
  Hand(text, sink, out);
  out.statements.shrink_to_fit();
  out.tokens.shrink_to_fit();
  out.comments.shrink_to_fit();
  return out;
}

std::vector<std::string> FormatErrors(const SourceFile& source, const ParsedFile& parsed) {
  std::vector<std::string> lines;
  for (const ParseError& e : parsed.errors) {
    lines.push_back(source.Where(e.offset) + ": error: " + e.message);
  }
  return lines;
}

const char* GrammarVersion() { return PG_VERSION; }
int GrammarVersionNum() { return PG_VERSION_NUM; }

bool RawParseForBenchmark(const std::string& text) {
  RawParse parse(text.c_str());
  return parse.error() == nullptr;
}

bool TokensFromParse() { return CaptureMatchesScan(); }

ParsedFile ScanOnly(const std::string& text) {
  ParsedFile out;
  Scan(text, 0, out);
  return out;
}

bool MustRunOutsideTransaction(const Statement& s) {
  switch (s.kind) {
    case Kind::kCreateIndex:
      return s.index && s.index->concurrently;
    case Kind::kDrop:
      return s.object_type == ObjectType::kIndex && s.concurrently;
    case Kind::kReindex:
      return s.concurrently || s.reindex->target == ReindexTarget::kSystem ||
             s.reindex->target == ReindexTarget::kDatabase ||
             s.reindex->target == ReindexTarget::kSchema;
    case Kind::kVacuum:
      return !s.is_analyze_only;
    case Kind::kAlterTable:
      for (const AlterCmd& c : s.cmds)
        if (c.type == AlterType::kDetachPartition && c.concurrently) return true;
      return false;
    case Kind::kCreateDatabase:
    case Kind::kDropDatabase:
      return true;
    case Kind::kAlterEnum:
      return false;  // PG12+: allowed in a block (value unusable until commit)
    default:
      // CREATE/DROP TABLESPACE, ALTER SYSTEM, CREATE SUBSCRIPTION … also refuse; by node name.
      return s.node_name == "CreateTableSpaceStmt" || s.node_name == "DropTableSpaceStmt" ||
             s.node_name == "AlterSystemStmt" || s.node_name == "CreateSubscriptionStmt" ||
             s.node_name == "DropSubscriptionStmt";
  }
}

}  // namespace lockstep::sql
