#include "deploy/backfill.h"

#include <algorithm>
#include <map>

#include "base/quote.h"

namespace lockstep::deploy {
namespace {

// How the statement's clauses name the table: its alias, else its name as written.
std::string Reference(const Backfill& b) {
  return b.alias.empty() ? Qualified(b.table) : QuoteIdent(b.alias);
}

std::string FromClause(const Backfill& b) {
  return (b.only ? "ONLY " : "") + Qualified(b.table) +
         (b.alias.empty() ? std::string() : " AS " + QuoteIdent(b.alias));
}

std::string Columns(const Backfill& b, const BackfillKey& key, const std::string& suffix) {
  std::string out;
  for (const std::string& c : key.columns)
    out += (out.empty() ? "" : ", ") + Reference(b) + "." + QuoteIdent(c) + suffix;
  return out;
}

std::string Tuple(const Backfill& b, const BackfillKey& key) {
  const std::string list = Columns(b, key, "");
  return key.columns.size() == 1 ? list : "(" + list + ")";
}

std::string Values(const BackfillKey& key, const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < key.columns.size() && i < values.size(); ++i)
    out += (i ? ", " : "") + QuoteLiteral(values[i]) + "::" + key.types[i];
  return key.columns.size() == 1 ? out : "(" + out + ")";
}

std::string Quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + QuoteIdent(n);
  return out;
}

}  // namespace

db::DbResult<KeyChoice> ChooseBackfillKey(db::Connection& conn, const Backfill& b) {
  const std::string table = Qualified(b.table);
  db::DbResult<db::Rows> found = conn.Exec("SELECT pg_catalog.to_regclass($1)::oid::text", {table});
  if (!found.ok()) return found.error();
  KeyChoice choice;
  if (found->empty() || !found->rows[0][0]) {
    choice.refusal = "there is no table " + table + " (with this search_path)";
    return choice;
  }
  // Unique btree indexes that are valid, immediate and not partial, one row per key column
  // (an expression column has no attribute: such an index cannot order the batches).
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT c.relname, i.indisprimary::text, a.attname, pg_catalog.format_type(a.atttypid, "
      "NULL), a.attnotnull::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid "
      "= i.indexrelid JOIN pg_catalog.pg_am am ON am.oid = c.relam CROSS JOIN LATERAL "
      "unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) LEFT JOIN "
      "pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE "
      "i.indrelid = $1::oid AND i.indisunique AND i.indisvalid AND i.indimmediate AND i.indpred "
      "IS NULL AND am.amname = 'btree' AND k.ord <= i.indnkeyatts ORDER BY i.indisprimary DESC, "
      "i.indnkeyatts, c.relname, k.ord",
      {found->rows[0][0]});
  if (!r.ok()) return r.error();
  std::vector<BackfillKey> keys;
  std::map<std::string, bool> usable;  // by index name
  std::vector<std::string> nullable, assigned;
  for (const auto& row : r->rows) {
    const std::string index = row[0].value_or("");
    if (keys.empty() || keys.back().index != index) {
      keys.push_back(BackfillKey{index, row[1] == std::optional<std::string>("true"), {}, {}});
      usable[index] = true;
    }
    if (!row[2]) {
      usable[index] = false;
      continue;
    }
    keys.back().columns.push_back(*row[2]);
    keys.back().types.push_back(row[3].value_or("text"));
    if (row[4] != std::optional<std::string>("true") && usable[index]) {
      usable[index] = false;
      nullable.push_back(index);
    }
    if (std::find(b.set_columns.begin(), b.set_columns.end(), *row[2]) != b.set_columns.end() &&
        usable[index]) {
      usable[index] = false;
      assigned.push_back(index);
    }
  }
  for (const BackfillKey& k : keys) {
    if (usable[k.index]) {
      choice.key = k;
      return choice;
    }
  }
  if (keys.empty()) {
    choice.refusal = table + " has no primary key and no unique index";
  } else {
    choice.refusal = table + " has no usable key:";
    for (const std::string& i : nullable)
      choice.refusal += " unique index " + QuoteIdent(i) + " has a nullable column;";
    for (const std::string& i : assigned)
      choice.refusal += " the UPDATE sets a column of " + QuoteIdent(i) + ";";
    if (nullable.empty() && assigned.empty())
      choice.refusal += " its unique indexes are on expressions;";
    choice.refusal.pop_back();
  }
  return choice;
}

db::DbResult<std::optional<int64_t>> EstimateRows(db::Connection& conn, const Backfill& b) {
  // The planner's estimate: pg_class.reltuples scaled to the table's current size, which also
  // covers a table never analyzed (reltuples -1) and a partitioned one (its partitions added).
  db::DbResult<db::Rows> r = conn.Exec("EXPLAIN SELECT 1 FROM " + FromClause(b));
  if (!r.ok()) return r.error();
  if (r->empty() || !r->rows[0][0]) return std::optional<int64_t>();
  const std::string& line = *r->rows[0][0];
  const size_t at = line.find(" rows=");
  if (at == std::string::npos) return std::optional<int64_t>();
  return std::optional<int64_t>(std::atoll(line.c_str() + at + 6));
}

std::string LargestKeySql(const Backfill& b, const BackfillKey& key) {
  return "SELECT " + Columns(b, key, "::text") + " FROM " + FromClause(b) + " ORDER BY " +
         Columns(b, key, " DESC") + " LIMIT 1";
}

std::string KeyRangeSql(const Backfill& b, const BackfillKey& key,
                        const std::optional<std::vector<std::string>>& after,
                        const std::vector<std::string>& last) {
  const std::string tuple = Tuple(b, key);
  std::string out;
  if (after) out = tuple + " > " + Values(key, *after) + " AND ";
  return out + tuple + " <= " + Values(key, last);
}

std::string BatchEndSql(const Backfill& b, const BackfillKey& key,
                        const std::optional<std::vector<std::string>>& after,
                        const std::vector<std::string>& bound, int64_t n) {
  // Only the key's index reads n keys in order without visiting the rest of the range; without
  // statistics (a table filled by the previous migration) the planner would scan and sort it
  // all, for every batch.
  return "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL "
         "enable_sort = off; SELECT " +
         Columns(b, key, "::text") + " FROM " + FromClause(b) + " WHERE " +
         KeyRangeSql(b, key, after, bound) + " ORDER BY " + Columns(b, key, "") +
         " LIMIT 1 OFFSET " + std::to_string(std::max<int64_t>(n, 1) - 1);
}

std::string BatchUpdateSql(const PlannedStatement& s, const std::string& range) {
  if (!s.backfill || s.backfill->where_begin < 0) return std::string(s.sql()) + "\nWHERE " + range;
  const Backfill& b = *s.backfill;
  // The newline keeps a `--` comment at the end of the user's condition from eating the `)`.
  return std::string(s.sql().substr(0, b.where_begin)) + "WHERE " + range + " AND (" +
         std::string(s.sql().substr(b.where_end)) + "\n)";
}

std::string DescribeKey(const std::vector<std::string>& columns,
                        const std::vector<std::string>& values) {
  std::string v;
  for (const std::string& x : values) v += (v.empty() ? "" : ", ") + x;
  return "(" + Quoted(columns) + ")=(" + v + ")";
}

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

int64_t NextBatchSize(int64_t n, int64_t took_ms, int64_t target_ms) {
  // Growth is capped so that one fast batch (cached pages, an idle table) cannot make the next
  // one many times too long; shrinking is not, so that a slow batch is corrected at once, down
  // to 10 keys: below that a batch's time is its round trips and commit, which fewer keys do not
  // shorten (a batch that hits its statement_timeout is made smaller by the caller).
  const double scaled =
      static_cast<double>(n) * static_cast<double>(target_ms) / std::max<double>(took_ms, 1.0);
  const int64_t next = static_cast<int64_t>(std::min(scaled, 2.0 * static_cast<double>(n)));
  return std::clamp<int64_t>(next, std::max<int64_t>(std::min<int64_t>(n, 10), 1), 10'000'000);
}

}  // namespace lockstep::deploy
