#include "fix/edit.h"

#include <algorithm>

#include "base/quote.h"

namespace lockstep::fix {
namespace {

bool IsComment(const sql::Token& t) { return t.kind == "SQL_COMMENT" || t.kind == "C_COMMENT"; }

int LineStart(std::string_view t, int pos) {
  while (pos > 0 && t[pos - 1] != '\n') --pos;
  return pos;
}
// Offset of the '\n' ending the line that holds `pos`, or the text size.
int LineEnd(std::string_view t, int pos) {
  const size_t nl = t.find('\n', pos);
  return nl == std::string_view::npos ? static_cast<int>(t.size()) : static_cast<int>(nl);
}
bool Blank(std::string_view t, int from, int to) {
  for (int i = from; i < to; ++i)
    if (t[i] != ' ' && t[i] != '\t' && t[i] != '\r') return false;
  return true;
}
bool CommentLine(std::string_view t, int from, int to) {
  int i = from;
  while (i < to && (t[i] == ' ' || t[i] == '\t')) ++i;
  return i + 1 < to && t[i] == '-' && t[i + 1] == '-';
}

}  // namespace

std::pair<int, int> StatementRemovalRange(std::string_view t, const sql::ParsedFile& parsed,
                                          size_t index) {
  const sql::Statement& s = parsed.statements[index];
  const int n = static_cast<int>(t.size());
  int b = s.begin, e = s.end;
  int p = e;
  while (p < n && (t[p] == ' ' || t[p] == '\t' || t[p] == '\r' || t[p] == '\n')) ++p;
  if (p < n && t[p] == ';') e = p + 1;
  int q = e;
  while (q < n && (t[q] == ' ' || t[q] == '\t' || t[q] == '\r')) ++q;
  if (q + 1 < n && t[q] == '-' && t[q + 1] == '-') {
    q = LineEnd(t, q);
    if (q > e && t[q - 1] == '\r') --q;
    while (q < n && t[q] == '\r') ++q;
  }
  const bool ends_line = q >= n || t[q] == '\n';
  const int ls = LineStart(t, b);
  const bool starts_line = Blank(t, ls, b) && !(ls < b && t[b - 1] == '\r');
  if (!ends_line) {
    // Another statement follows on the same line: take the statement and the space after it.
    while (q < n && (t[q] == ' ' || t[q] == '\t')) ++q;
    return {b, q};
  }
  if (!starts_line) {
    // "a; b;\n": keep the line (and its break) for `a`.
    while (b > ls && (t[b - 1] == ' ' || t[b - 1] == '\t')) --b;
    int end = q;
    if (end > 0 && end < n && t[end - 1] == '\r') --end;
    return {b, end};
  }
  b = ls;
  e = q < n ? q + 1 : n;
  int c = b;
  while (c > 0) {
    const int prev = LineStart(t, c - 1);
    if (!CommentLine(t, prev, c - 1)) break;
    c = prev;
  }
  const bool above_blank = c == 0 || Blank(t, LineStart(t, c - 1), c - 1);
  const bool at_eof = e >= n;
  const bool below_blank = !at_eof && Blank(t, e, LineEnd(t, e));
  if (above_blank && (at_eof || below_blank)) {
    b = c;
    if (c > 0) {
      b = LineStart(t, c - 1);
    } else if (below_blank) {
      const int le = LineEnd(t, e);
      e = le < n ? le + 1 : n;
    }
  }
  return {b, e};
}

std::optional<AlterSpans> SplitAlterTable(const sql::ParsedFile& parsed, const sql::Statement& s) {
  if (s.kind != sql::Kind::kAlterTable) return std::nullopt;
  std::vector<const sql::Token*> toks;
  for (int i = s.first_token; i < s.last_token && i < static_cast<int>(parsed.tokens.size()); ++i)
    if (!IsComment(parsed.tokens[i])) toks.push_back(&parsed.tokens[i]);
  size_t i = 0;
  auto kind = [&](size_t k) -> std::string_view {
    return k < toks.size() ? toks[k]->kind.name() : "";
  };
  if (kind(0) != "ALTER" || kind(1) != "TABLE") return std::nullopt;
  i = 2;
  if (kind(i) == "IF_P" && kind(i + 1) == "EXISTS") i += 2;
  if (kind(i) == "ONLY") ++i;
  if (i >= toks.size()) return std::nullopt;
  AlterSpans out;
  out.name_begin = toks[i]->begin;
  ++i;
  while (kind(i) == "ASCII_46" && i + 1 < toks.size()) i += 2;
  out.name_end = toks[i - 1]->end;
  if (kind(i) == "ASCII_42") ++i;  // `*`: descendants included
  int depth = 0;
  size_t start = i;
  for (size_t k = i; k <= toks.size(); ++k) {
    const bool at_end = k == toks.size();
    if (!at_end) {
      const std::string_view kd = toks[k]->kind;
      if (kd == "ASCII_40" || kd == "ASCII_91") ++depth;
      if (kd == "ASCII_41" || kd == "ASCII_93") --depth;
      if (!(kd == "ASCII_44" && depth == 0)) continue;
    }
    if (k == start) return std::nullopt;
    out.cmds.push_back({toks[start]->begin, toks[k - 1]->end});
    start = k + 1;
  }
  if (out.cmds.size() != s.cmds.size()) return std::nullopt;
  return out;
}

std::vector<Edit> RemoveAlterActions(const AlterSpans& spans, const std::vector<size_t>& remove) {
  const size_t n = spans.cmds.size();
  std::vector<bool> gone(n, false);
  for (size_t r : remove)
    if (r < n) gone[r] = true;
  std::vector<Edit> edits;
  for (size_t i = 0; i < n;) {
    if (!gone[i]) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && gone[j]) ++j;
    if (j < n) {
      edits.push_back({spans.cmds[i].first, spans.cmds[j].first, ""});
    } else if (i > 0) {
      edits.push_back({spans.cmds[i - 1].second, spans.cmds[j - 1].second, ""});
    }
    i = j;
  }
  return edits;
}

int EndOfLastToken(const sql::ParsedFile& parsed, int begin, int end) {
  int out = begin;
  for (const sql::Token& t : parsed.tokens) {
    if (t.begin >= end) break;
    if (t.begin >= begin && !IsComment(t)) out = t.end;
  }
  return out;
}

std::string QuoteQName(const sql::QName& q) { return QuoteQualified(q.schema, q.name); }

std::string PgObjectName(std::string_view name1, std::string_view name2, std::string_view label) {
  constexpr int kMaxName = 63;  // NAMEDATALEN - 1
  int n1 = static_cast<int>(name1.size());
  int n2 = static_cast<int>(name2.size());
  int overhead = static_cast<int>(label.size()) + 1 + (name2.empty() ? 0 : 1);
  const int avail = kMaxName - overhead;
  while (n1 + n2 > avail) {
    if (n1 > n2)
      --n1;
    else
      --n2;
  }
  // Never cut a UTF-8 character in half (pg_mbcliplen).
  auto clip = [](std::string_view s, int len) {
    while (len > 0 && len < static_cast<int>(s.size()) &&
           (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80)
      --len;
    return len;
  };
  n1 = clip(name1, n1);
  n2 = clip(name2, n2);
  std::string out(name1.substr(0, n1));
  if (!name2.empty()) out += "_" + std::string(name2.substr(0, n2));
  out += "_";
  out += label;
  return out;
}

}  // namespace lockstep::fix
