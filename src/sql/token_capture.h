// Internal to src/sql/: the tokens of a raw parse, taken from the parse's own lexer instead of a
// second lexing pass (pg_query_scan_tokens lexes the whole text again: a quarter of the front
// end's time over the corpus). The link routes libpg_query's calls of PostgreSQL's lexer through
// here (-Wl,--wrap=core_yylex, CMakeLists.txt); parser.cc checks once per process that what is
// recorded is what pg_query_scan_tokens returns, and scans as before when it is not.
#pragma once

#include <vector>

#include "sql/ast.h"

namespace lockstep::sql {

// While alive, appends to `out` each token PostgreSQL's lexer returns on this thread (every
// token of the text when the parse succeeds; comments are not among them: the grammar never
// sees one), with offsets shifted by `offset`. One at a time per thread; not copyable.
class TokenCapture {
 public:
  TokenCapture(std::vector<Token>& out, int offset);
  ~TokenCapture();
  TokenCapture(const TokenCapture&) = delete;
  TokenCapture& operator=(const TokenCapture&) = delete;

  // False when no lexer call came through here: the program was linked without the wrap.
  bool saw_lexer() const { return saw_lexer_; }

 private:
  friend void RecordToken(int token, int begin, int end);
  std::vector<Token>& out_;
  int offset_;
  bool saw_lexer_ = false;
  TokenCapture* previous_;
};

}  // namespace lockstep::sql
