// Text edits on a migration file, never a deparse: everything `fix` writes into an existing file
// is a byte range of the original replaced by new text, so comments, blank lines and the
// formatting of untouched statements survive byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/edit.h"
#include "sql/parser.h"

namespace lockstep::fix {

// The byte range to delete so that statement `index` of `parsed` leaves no trace: its text, its
// `;`, a comment on the rest of its last line and the line break. When the statement (with the
// `--` comment lines right above it, as Prisma writes "-- CreateIndex") is a paragraph of its own,
// those comments go too, with one blank line next to the paragraph.
std::pair<int, int> StatementRemovalRange(std::string_view text, const sql::ParsedFile& parsed,
                                          size_t index);

// Byte spans inside an ALTER TABLE statement, from the token stream (ParseOptions::tokens).
struct AlterSpans {
  int name_begin = 0;  // the table name as written: `"public"."User"`, `users`
  int name_end = 0;
  // One [begin, end) per comma-separated action, in the order of Statement::cmds; each ends at
  // its last token (no comma, no trailing comment).
  std::vector<std::pair<int, int>> cmds;
};
// nullopt unless `s` is `ALTER TABLE` whose actions split cleanly into s.cmds.size() spans.
std::optional<AlterSpans> SplitAlterTable(const sql::ParsedFile& parsed, const sql::Statement& s);

// The edits that delete the actions `remove` (indexes into s.cmds) of an ALTER TABLE together
// with their separating commas. The caller removes the whole statement when every action goes.
std::vector<Edit> RemoveAlterActions(const AlterSpans& spans, const std::vector<size_t>& remove);

// Offset just past the last token of [begin, end) that is not a comment.
int EndOfLastToken(const sql::ParsedFile& parsed, int begin, int end);

// `"schema"."name"` or `"name"`.
std::string QuoteQName(const sql::QName& q);

// PostgreSQL's makeObjectName: name1_name2_label, name1/name2 truncated so the result fits in 63
// bytes, as it names unnamed constraints and indexes. `name2` may be empty.
std::string PgObjectName(std::string_view name1, std::string_view name2, std::string_view label);

}  // namespace lockstep::fix
