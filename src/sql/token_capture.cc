#include "sql/token_capture.h"

#include <array>

// Last: the server headers define a macro per grammar token (SELECT, TABLE, …).
// clang-format off
#include "sql/pg_nodes.h"
// clang-format on
// libpg_query 15's scanner records no token ends (yyllocend): parser.cc scans tokens there.
#if PG_VERSION_NUM >= 180000
#include <gramparse.h>
#endif

namespace lockstep::sql {
namespace {
thread_local TokenCapture* t_capture = nullptr;
}  // namespace

TokenCapture::TokenCapture(std::vector<Token>& out, int offset)
    : out_(out), offset_(offset), previous_(t_capture) {
  t_capture = this;
}

TokenCapture::~TokenCapture() { t_capture = previous_; }

}  // namespace lockstep::sql

#if PG_VERSION_NUM >= 180000
namespace lockstep::sql {
namespace {

// Grammar token numbers are below this (PostgreSQL 18's highest is 781).
constexpr int kTokenNumbers = 1024;

// Which token numbers are keywords, as pg_query_scan_tokens decides (a token of kwlist.h).
const std::array<bool, kTokenNumbers>& KeywordTokens() {
  static const std::array<bool, kTokenNumbers> table = [] {
    std::array<bool, kTokenNumbers> out{};
#define PG_KEYWORD(name, token, category, label) out[token] = true;
#include <parser/kwlist.h>
#undef PG_KEYWORD
    return out;
  }();
  return table;
}

// The start of flex's scanner state, as libpg_query's own pg_query_scan.c declares it to read the
// length of the token just lexed (flex has no accessor for it in PostgreSQL's scanner).
struct FlexState {
  void* extra;
  FILE *in, *out;
  size_t buffer_stack_top;
  size_t buffer_stack_max;
  void* buffer_stack;
  char hold_char;
  size_t n_chars;
  size_t leng;
};

}  // namespace

void RecordToken(int token, int begin, int end) {
  TokenCapture& c = *t_capture;
  c.saw_lexer_ = true;
  if (token == 0) return;  // the end of the text
  Token t;
  t.begin = c.offset_ + begin;
  t.end = c.offset_ + end;
  t.kind = TokenKind(static_cast<uint16_t>(token));
  t.is_keyword = token < kTokenNumbers && KeywordTokens()[token];
  c.out_.push_back(t);
}

}  // namespace lockstep::sql

extern "C" int __real_core_yylex(core_YYSTYPE* lval, YYLTYPE* lloc, core_yyscan_t scanner);

// Every call of PostgreSQL's lexer from libpg_query comes here when the program is linked with
// -Wl,--wrap=core_yylex. The lexer reports errors by longjmp: nothing here needs unwinding.
extern "C" int __wrap_core_yylex(core_YYSTYPE* lval, YYLTYPE* lloc, core_yyscan_t scanner) {
  const int token = __real_core_yylex(lval, lloc, scanner);
  if (lockstep::sql::t_capture) {
    // The token's end as pg_query_scan_tokens computes it.
    const auto* state = static_cast<const lockstep::sql::FlexState*>(scanner);
    const bool ends_at_llocend = token == SCONST || token == USCONST || token == BCONST ||
                                 token == XCONST || token == IDENT || token == UIDENT ||
                                 token == C_COMMENT;
    const int end = ends_at_llocend
                        ? static_cast<const core_yy_extra_type*>(state->extra)->yyllocend
                        : *lloc + static_cast<int>(state->leng);
    lockstep::sql::RecordToken(token, *lloc, end);
  }
  return token;
}

#endif  // PG_VERSION_NUM >= 180000
