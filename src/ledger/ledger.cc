#include "ledger/ledger.h"

#include <openssl/rand.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "base/quote.h"

namespace lockstep::ledger {
namespace {

std::string StartedAt(const Tables& t, const std::string& name, bool tracked) {
  if (!tracked) return "now()";
  return "COALESCE((SELECT started_at FROM " + t.progress() +
         " WHERE migration_name = " + QuoteLiteral(name) + "), now())";
}

int ToInt(const std::optional<std::string>& v) { return v ? std::atoi(v->c_str()) : 0; }

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "ARRAY[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + QuoteLiteral(values[i]);
  return out + "]::text[]";
}

// A text[] read as JSON (array_to_json): nullopt for NULL or anything else.
std::optional<std::vector<std::string>> JsonStrings(const std::optional<std::string>& json) {
  if (!json) return std::nullopt;
  const nlohmann::json j = nlohmann::json::parse(*json, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const nlohmann::json& v : j) {
    if (!v.is_string()) return std::nullopt;
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

std::vector<std::string> AppliedNames(const std::vector<MigrationRow>& rows) {
  std::vector<std::string> out;
  for (const MigrationRow& r : rows)
    if (r.applied()) out.push_back(r.migration_name);
  return out;
}

std::string Tables::migrations() const { return QuoteQualified(schema, "_prisma_migrations"); }
std::string Tables::progress() const { return QuoteQualified(schema, "_lockstep_progress"); }

Tables TablesFor(const db::ConnInfo& info) {
  Tables t;
  if (!info.schema.empty()) t.schema = info.schema;
  return t;
}

std::string CreateMigrationsTableSql(const Tables& t) {
  return "CREATE TABLE IF NOT EXISTS " + t.migrations() +
         " (\n"
         "    \"id\"                    VARCHAR(36) PRIMARY KEY NOT NULL,\n"
         "    \"checksum\"              VARCHAR(64) NOT NULL,\n"
         "    \"finished_at\"           TIMESTAMPTZ,\n"
         "    \"migration_name\"        VARCHAR(255) NOT NULL,\n"
         "    \"logs\"                  TEXT,\n"
         "    \"rolled_back_at\"        TIMESTAMPTZ,\n"
         "    \"started_at\"            TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
         "    \"applied_steps_count\"   INTEGER NOT NULL DEFAULT 0\n"
         ")";
}

std::string CreateProgressTableSql(const Tables& t) {
  return "CREATE TABLE IF NOT EXISTS " + t.progress() +
         " (\n"
         "    \"migration_name\"   VARCHAR(255) PRIMARY KEY NOT NULL,\n"
         "    \"checksum\"         VARCHAR(64) NOT NULL,\n"
         "    \"statements_done\"  INTEGER NOT NULL DEFAULT 0,\n"
         "    \"in_flight\"        INTEGER,\n"
         "    \"started_at\"       TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
         "    \"updated_at\"       TIMESTAMPTZ NOT NULL DEFAULT now(),\n"
         "    \"backfill_key\"     TEXT[],\n"
         "    \"backfill_bound\"   TEXT[],\n"
         "    \"backfill_after\"   TEXT[],\n"
         "    \"backfill_rows\"    BIGINT,\n"
         "    \"backfill_scanned\" BIGINT\n"
         "); ALTER TABLE " +
         t.progress() +
         // A table left by an older lockstep (a migration it had partly applied) gains them.
         " ADD COLUMN IF NOT EXISTS \"backfill_key\" TEXT[], ADD COLUMN IF NOT EXISTS "
         "\"backfill_bound\" TEXT[], ADD COLUMN IF NOT EXISTS \"backfill_after\" TEXT[], ADD "
         "COLUMN IF NOT EXISTS \"backfill_rows\" BIGINT, ADD COLUMN IF NOT EXISTS "
         "\"backfill_scanned\" BIGINT";
}

std::string InsertFinishedSql(const Tables& t, const std::string& id, const std::string& name,
                              const std::string& checksum, bool tracked) {
  return "INSERT INTO " + t.migrations() +
         " (\"id\", \"checksum\", \"finished_at\", \"migration_name\", \"logs\", "
         "\"rolled_back_at\", \"started_at\", \"applied_steps_count\") VALUES (" +
         QuoteLiteral(id) + ", " + QuoteLiteral(checksum) + ", clock_timestamp(), " +
         QuoteLiteral(name) + ", NULL, NULL, " + StartedAt(t, name, tracked) + ", 1)";
}

std::string InsertFailedSql(const Tables& t, const std::string& id, const std::string& name,
                            const std::string& checksum, const std::string& logs, bool tracked) {
  return "INSERT INTO " + t.migrations() +
         " (\"id\", \"checksum\", \"finished_at\", \"migration_name\", \"logs\", "
         "\"rolled_back_at\", \"started_at\", \"applied_steps_count\") VALUES (" +
         QuoteLiteral(id) + ", " + QuoteLiteral(checksum) + ", NULL, " + QuoteLiteral(name) + ", " +
         QuoteLiteral(logs) + ", NULL, " + StartedAt(t, name, tracked) + ", 0)";
}

std::string SaveProgressSql(const Tables& t, const std::string& name, const std::string& checksum,
                            int statements_done, std::optional<int> in_flight) {
  const std::string flight = in_flight ? std::to_string(*in_flight) : "NULL";
  return "INSERT INTO " + t.progress() +
         " (\"migration_name\", \"checksum\", \"statements_done\", \"in_flight\") VALUES (" +
         QuoteLiteral(name) + ", " + QuoteLiteral(checksum) + ", " +
         std::to_string(statements_done) + ", " + flight +
         ") ON CONFLICT (\"migration_name\") DO UPDATE SET \"checksum\" = EXCLUDED.\"checksum\", "
         "\"statements_done\" = EXCLUDED.\"statements_done\", \"in_flight\" = "
         "EXCLUDED.\"in_flight\", \"updated_at\" = clock_timestamp()";
}

std::string SaveBackfillSql(const Tables& t, const std::string& name, const std::string& checksum,
                            int statements_done, const BackfillPosition& p) {
  return "INSERT INTO " + t.progress() +
         " (\"migration_name\", \"checksum\", \"statements_done\", \"in_flight\", "
         "\"backfill_key\", \"backfill_bound\", \"backfill_after\", \"backfill_rows\", "
         "\"backfill_scanned\") VALUES (" +
         QuoteLiteral(name) + ", " + QuoteLiteral(checksum) + ", " +
         std::to_string(statements_done) + ", NULL, " + TextArray(p.key_columns) + ", " +
         TextArray(p.bound) + ", " + (p.after ? TextArray(*p.after) : std::string("NULL")) + ", " +
         std::to_string(p.rows) + ", " + std::to_string(p.scanned) +
         ") ON CONFLICT (\"migration_name\") DO UPDATE SET \"checksum\" = EXCLUDED.\"checksum\", "
         "\"statements_done\" = EXCLUDED.\"statements_done\", \"in_flight\" = NULL, "
         "\"backfill_key\" = EXCLUDED.\"backfill_key\", \"backfill_bound\" = "
         "EXCLUDED.\"backfill_bound\", \"backfill_after\" = EXCLUDED.\"backfill_after\", "
         "\"backfill_rows\" = EXCLUDED.\"backfill_rows\", \"backfill_scanned\" = "
         "EXCLUDED.\"backfill_scanned\", \"updated_at\" = clock_timestamp()";
}

std::string DeleteProgressSql(const Tables& t, const std::string& name) {
  return "DELETE FROM " + t.progress() + " WHERE \"migration_name\" = " + QuoteLiteral(name);
}

std::string PruneProgressSql(const Tables& t) {
  return "DELETE FROM " + t.progress() + " p WHERE EXISTS (SELECT 1 FROM " + t.migrations() +
         " m WHERE m.migration_name = p.migration_name AND m.finished_at IS NOT NULL AND "
         "m.rolled_back_at IS NULL); SELECT count(*)::text FROM " +
         t.progress();
}

std::string DropProgressTableSql(const Tables& t) { return "DROP TABLE IF EXISTS " + t.progress(); }

std::string MarkFailedRolledBackSql(const Tables& t, const std::string& name) {
  return "UPDATE " + t.migrations() +
         " SET rolled_back_at = now() WHERE migration_name = " + QuoteLiteral(name) +
         " AND finished_at IS NULL AND rolled_back_at IS NULL";
}

std::string InsertResolvedAppliedSql(const Tables& t, const std::string& id,
                                     const std::string& name, const std::string& checksum) {
  return "INSERT INTO " + t.migrations() +
         " (id, checksum, logs, started_at, finished_at, migration_name) VALUES (" +
         QuoteLiteral(id) + ", " + QuoteLiteral(checksum) + ", '', now(), now(), " +
         QuoteLiteral(name) + ")";
}

db::DbResult<db::Rows> InsertStartedRow(db::Connection& conn, const Tables& t,
                                        const std::string& id, const std::string& name,
                                        const std::string& checksum) {
  return conn.Exec("INSERT INTO " + t.migrations() +
                       " (id, checksum, migration_name, started_at, applied_steps_count) VALUES "
                       "($1, $2, $3, now(), 0)",
                   {id, checksum, name});
}

db::DbResult<db::Rows> RecordRowError(db::Connection& conn, const Tables& t, const std::string& id,
                                      const std::string& logs) {
  return conn.Exec("UPDATE " + t.migrations() + " SET logs = $2 WHERE id = $1", {id, logs});
}

db::DbResult<db::Rows> FinishRow(db::Connection& conn, const Tables& t, const std::string& id) {
  return conn.Exec("UPDATE " + t.migrations() +
                       " SET finished_at = now(), applied_steps_count = 1 WHERE id = $1",
                   {id});
}

db::DbResult<bool> RolledBackSince(db::Connection& conn, const Tables& t, const std::string& name,
                                   const std::string& since) {
  db::DbResult<db::Rows> r = conn.Exec("SELECT 1 FROM " + t.migrations() +
                                           " WHERE migration_name = $1 AND rolled_back_at > "
                                           "$2::timestamptz",
                                       {name, since});
  if (!r.ok()) return r.error();
  return !r->empty();
}

db::DbResult<bool> SchemaExists(db::Connection& conn, const std::string& schema) {
  db::DbResult<db::Rows> r =
      conn.Exec("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema});
  if (!r.ok()) return r.error();
  return !r->empty();
}

db::DbResult<bool> SchemaHasObjects(db::Connection& conn, const std::string& schema) {
  // Members of extensions (postgis' spatial_ref_sys, …) do not count, as for Prisma.
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT (EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
      "n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','f') AND "
      "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
      "'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')) OR EXISTS "
      "(SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = "
      "t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e' AND NOT EXISTS (SELECT 1 FROM "
      "pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = "
      "t.oid AND d.deptype = 'e')))::text",
      {schema});
  if (!r.ok()) return r.error();
  return !r->empty() && r->rows[0][0] == std::optional<std::string>("true");
}

db::DbResult<std::optional<std::vector<MigrationRow>>> ReadMigrationRows(db::Connection& conn,
                                                                         const Tables& t) {
  db::DbResult<db::Rows> r = conn.Exec(
      "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, "
      "applied_steps_count FROM " +
      t.migrations() + " ORDER BY started_at, migration_name");
  if (!r.ok()) {
    if (r.error().sqlstate == "42P01") return std::optional<std::vector<MigrationRow>>();
    return r.error();
  }
  std::vector<MigrationRow> rows;
  for (const auto& row : r->rows) {
    MigrationRow m;
    m.id = row[0].value_or("");
    m.checksum = row[1].value_or("");
    m.finished_at = row[2];
    m.migration_name = row[3].value_or("");
    m.logs = row[4];
    m.rolled_back_at = row[5];
    m.started_at = row[6].value_or("");
    m.applied_steps_count = ToInt(row[7]);
    rows.push_back(std::move(m));
  }
  return std::optional<std::vector<MigrationRow>>(std::move(rows));
}

db::DbResult<std::optional<std::vector<ProgressRow>>> ReadProgressRows(db::Connection& conn,
                                                                       const Tables& t) {
  const std::string columns =
      "migration_name, checksum, statements_done, in_flight, started_at, updated_at";
  db::DbResult<db::Rows> r =
      conn.Exec("SELECT " + columns +
                ", array_to_json(backfill_key)::text, array_to_json(backfill_bound)::text, "
                "array_to_json(backfill_after)::text, backfill_rows, backfill_scanned FROM " +
                t.progress() + " ORDER BY migration_name");
  if (!r.ok() && r.error().sqlstate == "42703") {
    // Written by an older lockstep, which had no backfills: its rows have none.
    r = conn.Exec("SELECT " + columns + " FROM " + t.progress() + " ORDER BY migration_name");
  }
  if (!r.ok()) {
    if (r.error().sqlstate == "42P01") return std::optional<std::vector<ProgressRow>>();
    return r.error();
  }
  std::vector<ProgressRow> rows;
  for (const auto& row : r->rows) {
    ProgressRow p;
    p.migration_name = row[0].value_or("");
    p.checksum = row[1].value_or("");
    p.statements_done = ToInt(row[2]);
    if (row[3]) p.in_flight = ToInt(row[3]);
    p.started_at = row[4].value_or("");
    p.updated_at = row[5].value_or("");
    if (row.size() > 10) {
      std::optional<std::vector<std::string>> key = JsonStrings(row[6]);
      std::optional<std::vector<std::string>> bound = JsonStrings(row[7]);
      if (key && bound) {
        BackfillPosition b;
        b.key_columns = std::move(*key);
        b.bound = std::move(*bound);
        b.after = JsonStrings(row[8]);
        b.rows = row[9] ? std::atoll(row[9]->c_str()) : 0;
        b.scanned = row[10] ? std::atoll(row[10]->c_str()) : 0;
        p.backfill = std::move(b);
      }
    }
    rows.push_back(std::move(p));
  }
  return std::optional<std::vector<ProgressRow>>(std::move(rows));
}

std::string NewUuidV4() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    std::random_device rd;
    for (unsigned char& c : b) c = static_cast<unsigned char>(rd());
  }
  b[6] = (b[6] & 0x0F) | 0x40;  // version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace lockstep::ledger
