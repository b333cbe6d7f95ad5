// The SQL front end: parse a migration file with PostgreSQL's own grammar (libpg_query 18, or 15
// where the build fell back to it: README, "Dependencies") into the typed view of sql/ast.h, with
// comments, tokens, byte ranges and clear errors.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.h"
#include "sql/ast.h"

namespace lockstep::sql {

struct ParseError {
  int offset = 0;       // byte offset into the file text
  std::string message;  // PostgreSQL's message, e.g. `syntax error at or near "TABL"`
};

// Something lockstep skipped on purpose, e.g. a psql meta-command or COPY … FROM stdin data.
struct Note {
  int offset = 0;
  std::string message;
};

struct ParsedFile {
  std::vector<Statement> statements;  // in file order
  std::vector<Token> tokens;          // empty unless ParseOptions::tokens
  std::vector<Comment> comments;      // empty unless ParseOptions::tokens
  std::vector<ParseError> errors;     // syntax errors; statements holds what did parse
  std::vector<Note> notes;

  bool ok() const { return errors.empty(); }
};

struct ParseOptions {
  // Scan tokens and comments (needed by lint ignores and by fix's text edits; plan does without).
  bool tokens = true;
  // Blank out psql meta-commands (\set, \gset …) and COPY … FROM stdin data blocks, with a note.
  bool psql_script = true;

  bool operator==(const ParseOptions&) const = default;
};

// Parses `text`. Never throws: a syntax error is recorded in `errors` and the file is then
// re-parsed statement by statement so that the statements around the error are still returned.
// Thread-safe (libpg_query keeps its state per thread).
ParsedFile Parse(std::string_view text, const ParseOptions& options = {});

// The same as Parse, without copying `text` (libpg_query needs it NUL-terminated, which a
// std::string is).
ParsedFile ParseString(const std::string& text, const ParseOptions& options = {});

// Where ParseEach hands its statements.
struct StatementSink {
  // The next statements in file order. They are destroyed when this returns: keep what you need.
  std::function<void(std::vector<Statement>& batch)> take;
  // What was taken so far is void; batches start again from the file's first statement. (The file
  // was cut in a place its grammar does not allow, or has a syntax error: it is parsed whole.)
  std::function<void()> restart;
  // When set, called instead of `take`, with the batch's tokens and comments as well: its
  // statements' first_token/last_token then index batch.tokens (lint reads tokens; deploy does
  // not, and its statements' are 0). `batch.errors` and `batch.notes` are empty.
  std::function<void(ParsedFile& batch)> take_with_tokens;
};

// Parses `text` as ParseString does with psql_script off (what deploy sends), but hands the
// statements to `sink` about 256 KiB of the file at a time and frees each batch, with its tokens,
// before the next is parsed: a caller that keeps less than a Statement per statement does not
// hold a whole large file's Statements at once. The statements' ranges and token-derived
// offsets are ParseString's; their first_token/last_token are 0 (the tokens are gone). Returns
// the errors and notes; its statements, tokens and comments are empty. `batch_bytes` (0: the
// default) is how much of the file a batch holds at least; tests make it small.
ParsedFile ParseEach(const std::string& text, const StatementSink& sink, size_t batch_bytes = 0);

// The version of PostgreSQL whose grammar Parse uses, e.g. "18.6" (libpg_query's; 15.x when the
// build fell back to bookworm's libpg_query 15) and the same as a number, e.g. 180006.
const char* GrammarVersion();
int GrammarVersionNum();

// Turns the errors of a parse into "file:line:col: error: message" lines.
std::vector<std::string> FormatErrors(const SourceFile& source, const ParsedFile& parsed);

// Runs libpg_query's raw parse (PostgreSQL's grammar, no translation) alone on `text`,
// discarding the tree; for benchmarks that compare lockstep's whole pipeline against it. Returns
// false on a syntax error.
bool RawParseForBenchmark(const std::string& text);

// Whether Parse takes a file's tokens from its parse (PostgreSQL's lexer hands them to lockstep
// as it hands them to the grammar: libpg_query 18, in a program linked with CMakeLists.txt's
// wrap) rather than from a second lexing pass of the text.
bool TokensFromParse();

// The tokens and comments of `text` from libpg_query's scanner alone (pg_query_scan_tokens), no
// parse: what a Parse's tokens of the same text must be, for tests that check it.
ParsedFile ScanOnly(const std::string& text);

// The text of a statement, [begin, end) of the file.
inline std::string_view StatementText(std::string_view file, const Statement& s) {
  return file.substr(s.begin, s.end - s.begin);
}

// True when PostgreSQL refuses to run the statement inside a transaction block (CREATE INDEX
// CONCURRENTLY, VACUUM, …). Pure syntax: no catalog needed.
bool MustRunOutsideTransaction(const Statement& s);

}  // namespace lockstep::sql
