// Helpers shared by the rules: how locks are named in messages, whether a relation is visible to
// other sessions, and byte ranges of the parts of a statement (from the scanner's tokens).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/rule.h"

namespace lockstep::rules {

// Where fix's contract migrations wait, for the help of the rules whose rewrite has a contract
// phase (the directory is migrations::kHoldingDirectoryName; rules do not depend on migrations/).
// No backticks: in a help text they mark SQL, which HelpSql runs on a real server.
inline constexpr std::string_view kContractWaits =
    ", which waits in lockstep-contract/ beside the migrations directory until you run "
    "lockstep contract release (docs/expand-contract.md)";

// The SQL spelling of a lock mode, as LOCK TABLE and PostgreSQL's documentation write it:
// "ACCESS EXCLUSIVE", "SHARE ROW EXCLUSIVE" …; empty for kNone.
std::string_view SqlLockName(locks::LockMode m);

// `"name"` with the schema when the SQL wrote one. For prose (messages); SQL uses Ident.
std::string Quoted(const sql::QName& q);

// Identifiers in SQL that a help text suggests, quoted as PostgreSQL's quote_ident does
// (sql/quote.h): `User` -> `"User"`, `post` -> `post`, `user` -> `"user"`.
std::string Ident(std::string_view name);
std::string Ident(const sql::QName& q);
// A string literal: 'it''s'.
std::string Literal(std::string_view value);

// Help texts write the SQL they suggest between backticks: complete statements, separated by
// `;` when there are several, that run as written (PostgreSQL 14+) either instead of the flagged
// statement or right after it. Prose around them may use "…" placeholders; a backtick span may
// not. tests/rules/help_sql_test.cc runs every span of every rule case on a real server.
// The backtick spans of `help`, in order.
std::vector<std::string> SuggestedSql(std::string_view help);

// `an ACCESS EXCLUSIVE lock on "users", which blocks reads and writes` (or "…which blocks
// writes"; no clause for locks that block no ordinary traffic).
std::string LockPhrase(locks::LockMode m, const sql::QName& table);

// True when the relation is visible to other sessions: not created earlier in this migration.
bool IsLive(const locks::RelationLock& l);

// True when `l` is the lock a CREATE statement takes on the relation it creates (the lock model
// gives it the origin the name had before: unknown).
bool IsCreatedBy(const analysis::AnalyzedStatement& as, const locks::RelationLock& l);

// Whether a lock held by the transaction is on a live relation, judged by the catalog before the
// current statement (which knows the tables created earlier in this migration).
bool IsLiveNow(const Context& ctx, const locks::RelationLock& l);

// The lock the current statement takes on `table` (matched after schema resolution), or nullptr.
const locks::RelationLock* LockOn(const Context& ctx, const sql::QName& table);

// True when the current statement rewrites / scans `table` (its storage, not its indexes).
bool Rewrites(const Context& ctx, const sql::QName& table);
bool Scans(const Context& ctx, const sql::QName& table);

// True when `a` and `b` name the same relation once unqualified names are resolved.
bool SameRelation(const Context& ctx, const sql::QName& a, const sql::QName& b);

// The text of the token that starts at `offset`, or empty.
std::string_view TokenText(const Context& ctx, int token_index);

// Byte ranges derived from the current statement's tokens. Every function returns offsets into the
// file; when `begin` is not the start of a token of the statement, the result degrades to
// something sensible (the statement end, or begin + 1) rather than failing.
//
// End of the clause starting at `begin`: up to the next comma or unmatched closing parenthesis
// at the clause's own nesting level, or the end of the statement.
int ClauseEnd(const Context& ctx, int begin);
// End of the expression starting at `begin` (a DEFAULT, a USING): like ClauseEnd, and also
// stops before a keyword that starts the next column constraint (NOT NULL, CHECK, REFERENCES …).
int ExprEnd(const Context& ctx, int begin);
// End of the token starting at `begin`.
int TokenEnd(const Context& ctx, int begin);
// The first token of the current statement whose kind is `kind` (libpg_query's token name, e.g.
// "INDEX", "CONCURRENTLY"), at or after byte `from`; its [begin, end).
std::optional<std::pair<int, int>> FindToken(const Context& ctx, std::string_view kind,
                                             int from = 0);

// Like FindToken, but only tokens outside any parentheses (a WHERE of the statement itself, not
// of a sub-query).
std::optional<std::pair<int, int>> FindTopLevelToken(const Context& ctx, std::string_view kind);

// [begin, end) of the i-th sub-command of the current ALTER TABLE statement: the text between the
// commas that follow the table name. The statement's range when the tokens do not line up.
std::pair<int, int> AlterCmdRange(const Context& ctx, size_t i);

// A column type written by the current statement: CREATE TABLE columns, ADD COLUMN, ALTER COLUMN
// … TYPE (`type_change`).
struct WrittenType {
  std::string column;
  const sql::TypeRef* type = nullptr;
  bool type_change = false;
};
std::vector<WrittenType> WrittenTypes(const sql::Statement& s);

// Reports `message`/`help` for every column type the statement writes for which `match` is true,
// pointing at the type. For the type-preference rules (prefer-text-field, ban-char-field …).
void ReportTypes(Context& ctx, const Rule& rule, bool (*match)(const sql::TypeRef&),
                 std::string (*message)(const Context&, const WrittenType&),
                 const std::string& help);

// The type as written in the SQL (e.g. "varchar(255)").
std::string TypeText(const Context& ctx, const sql::TypeRef& t);

// The statement's leading keywords in upper case, e.g. "CREATE UNIQUE INDEX CONCURRENTLY",
// "DROP INDEX", "VACUUM FULL": how messages name the statement.
std::string StatementHead(const Context& ctx);

// 1-based line of a byte offset of the current migration.
int LineOf(const Context& ctx, int offset);

// Reports a finding of `rule` with its id and fixable flag filled in. Negative offsets mean the
// whole statement.
void Report(Context& ctx, const Rule& rule, std::string message, std::string help, int begin = -1,
            int end = -1);

// The statements of earlier migrations that run in the current statement's transaction (the
// packages of one Prisma 8 run share one), oldest first; empty when it began in this migration.
std::vector<TransactionStatement> EarlierMigrationsInSameTransaction(const Context& ctx);
// "line N" of `offset` in `m`, followed by " of <path>" when `m` is not the current migration.
std::string LineIn(const Context& ctx, const analysis::AnalyzedMigration& m, int offset);

}  // namespace lockstep::rules
