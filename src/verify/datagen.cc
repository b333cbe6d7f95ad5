#include "verify/datagen.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "base/quote.h"
#include "db/connection.h"
#include "migrations/naming.h"

namespace lockstep::verify {
namespace {

// 2^31 - 1 is prime, so multiplying by a unit modulo it permutes 1..2^31-2: distinct values that
// do not come out sorted (index builds then sort real work, as on production data).
constexpr int64_t kPrime = 2147483647;
constexpr int64_t kMultiplier = 1103515245;

int64_t Scramble(int64_t r) { return (r % (kPrime - 1) + 1) * kMultiplier % kPrime; }

struct TypeInfo {
  ValueKind kind;
  bool sequence = false;
};

std::optional<TypeInfo> BuiltinType(const std::string& base) {
  static const std::map<std::string, TypeInfo> kTypes = {
      {"int2", {ValueKind::kInt16}},
      {"smallint", {ValueKind::kInt16}},
      {"int4", {ValueKind::kInt32}},
      {"int", {ValueKind::kInt32}},
      {"integer", {ValueKind::kInt32}},
      {"int8", {ValueKind::kInt64}},
      {"bigint", {ValueKind::kInt64}},
      {"serial", {ValueKind::kInt32, true}},
      {"serial4", {ValueKind::kInt32, true}},
      {"bigserial", {ValueKind::kInt64, true}},
      {"serial8", {ValueKind::kInt64, true}},
      {"smallserial", {ValueKind::kInt16, true}},
      {"serial2", {ValueKind::kInt16, true}},
      {"float4", {ValueKind::kFloat}},
      {"float8", {ValueKind::kFloat}},
      {"real", {ValueKind::kFloat}},
      {"float", {ValueKind::kFloat}},
      {"numeric", {ValueKind::kNumeric}},
      {"decimal", {ValueKind::kNumeric}},
      {"money", {ValueKind::kMoney}},
      {"bool", {ValueKind::kBool}},
      {"boolean", {ValueKind::kBool}},
      {"text", {ValueKind::kText}},
      {"varchar", {ValueKind::kText}},
      {"bpchar", {ValueKind::kText}},
      {"char", {ValueKind::kText}},
      {"character", {ValueKind::kText}},
      {"citext", {ValueKind::kText}},
      {"name", {ValueKind::kText}},
      {"uuid", {ValueKind::kUuid}},
      {"json", {ValueKind::kJson}},
      {"jsonb", {ValueKind::kJson}},
      {"date", {ValueKind::kDate}},
      {"time", {ValueKind::kTime}},
      {"timetz", {ValueKind::kTimeTz}},
      {"timestamp", {ValueKind::kTimestamp}},
      {"timestamptz", {ValueKind::kTimestampTz}},
      {"interval", {ValueKind::kInterval}},
      {"bytea", {ValueKind::kBytea}},
      {"inet", {ValueKind::kInet}},
      {"cidr", {ValueKind::kInet}},
      {"macaddr", {ValueKind::kMacaddr}},
      {"xml", {ValueKind::kXml}},
      {"tsvector", {ValueKind::kTsvector}},
  };
  auto it = kTypes.find(base);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

std::string TypeText(const sql::TypeRef& t) {
  std::string out;
  for (const std::string& n : t.names) {
    if (n == "pg_catalog" && t.names.size() > 1) continue;
    if (!out.empty()) out += ".";
    out += n;
  }
  if (!t.typmods.empty()) {
    out += "(";
    for (size_t i = 0; i < t.typmods.size(); ++i)
      out += (i ? "," : "") + std::to_string(t.typmods[i]);
    out += ")";
  }
  for (int i = 0; i < t.array_dims; ++i) out += "[]";
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Base36(int64_t v) {
  static const char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v % 36]);
    v /= 36;
  } while (v > 0);
  return out;
}

uint32_t NameHash(const std::string& s) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

constexpr int64_t kDays2000 = 10957;          // 2000-01-01
constexpr int64_t kSeconds2020 = 1577836800;  // 2020-01-01T00:00:00Z

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04" PRId64 "-%02u-%02u", y, m, d);
  return buf;
}

std::string FormatTimestamp(int64_t epoch_seconds) {
  const int64_t days = epoch_seconds / 86400;
  const int64_t secs = epoch_seconds % 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d:%02d", FormatDate(days).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

// A value within a CHECK's integer bounds, distinct per row id while the range allows it.
int64_t Bounded(const ColumnPlan& c, int64_t r) {
  int64_t type_max = c.kind == ValueKind::kInt16 ? 32767 : kPrime - 1;
  if (c.kind == ValueKind::kNumeric && c.numeric_digits >= 0 && c.numeric_digits < 10) {
    int64_t limit = 1;  // numeric(p, s) holds p - s digits before the point
    for (int i = 0; i < c.numeric_digits; ++i) limit *= 10;
    type_max = limit - 1;
  }
  const int64_t type_min = c.kind == ValueKind::kInt16 ? -32768 : -(kPrime - 1);
  const int64_t lo =
      c.min_value.value_or(c.max_value ? std::max(type_min, *c.max_value - type_max) : 0);
  const int64_t hi = c.max_value.value_or(type_max);
  return lo + Scramble(r) % std::max<int64_t>(hi - lo + 1, 1);
}

std::string ScalarValue(const ColumnPlan& c, int64_t r) {
  char buf[64];
  const bool bounded = !c.sequence && (c.min_value || c.max_value);
  if (bounded) {
    switch (c.kind) {
      case ValueKind::kInt16:
      case ValueKind::kInt32:
      case ValueKind::kInt64:
      case ValueKind::kFloat:
      case ValueKind::kNumeric:
      case ValueKind::kMoney:
        return std::to_string(Bounded(c, r));
      default:
        break;
    }
  }
  switch (c.kind) {
    case ValueKind::kInt16:
      return std::to_string(c.sequence ? r % 32767 + 1 : Scramble(r) % 32767);
    case ValueKind::kInt32:
    case ValueKind::kInt64:
      return std::to_string(c.sequence ? r : Scramble(r));
    case ValueKind::kFloat:
      return std::to_string(Scramble(r)) + ".5";
    case ValueKind::kNumeric: {
      int64_t v = Scramble(r);
      if (c.numeric_digits == 0) return "0";
      if (c.numeric_digits > 0 && c.numeric_digits < 18) {
        int64_t mod = 1;
        for (int i = 0; i < c.numeric_digits; ++i) mod *= 10;
        v %= mod;
      }
      return std::to_string(v);
    }
    case ValueKind::kMoney:
      return std::to_string(Scramble(r) % 1000000) + ".25";
    case ValueKind::kBool:
      return r % 2 ? "t" : "f";
    case ValueKind::kText: {
      std::string prefix = migrations::SnakeCase(c.name, 12);
      if (prefix.empty()) prefix = "v";
      std::string v = prefix + "-" + std::to_string(r);
      if (c.max_length > 0 && static_cast<int>(v.size()) > c.max_length) {
        v = Base36(r);
        if (static_cast<int>(v.size()) > c.max_length) v.resize(c.max_length);
      }
      return v;
    }
    case ValueKind::kUuid: {
      // The row id, permuted (odd multiplier modulo 2^48), in the last 48 bits: distinct.
      const uint64_t low = (static_cast<uint64_t>(r) * 0x5DEECE66DULL) & 0xFFFFFFFFFFFFULL;
      const uint32_t h = NameHash(c.name);
      std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012" PRIx64, h, (h >> 7) & 0xFFFF,
                    (h >> 3) & 0xFFF, static_cast<unsigned>(r >> 48) & 0xFFF, low);
      return buf;
    }
    case ValueKind::kJson:
      return "{\"n\": " + std::to_string(r) + ", \"k\": \"v" + std::to_string(r % 10) + "\"}";
    case ValueKind::kDate:
      return FormatDate(kDays2000 + r - 1);
    case ValueKind::kTime:
    case ValueKind::kTimeTz: {
      const int64_t s = r % 86400;
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d%s", static_cast<int>(s / 3600),
                    static_cast<int>(s / 60 % 60), static_cast<int>(s % 60),
                    c.kind == ValueKind::kTimeTz ? "+00" : "");
      return buf;
    }
    case ValueKind::kTimestamp:
      return FormatTimestamp(kSeconds2020 + r);
    case ValueKind::kTimestampTz:
      return FormatTimestamp(kSeconds2020 + r) + "+00";
    case ValueKind::kInterval:
      return std::to_string(r) + " seconds";
    case ValueKind::kBytea:
      std::snprintf(buf, sizeof buf, "\\x%016" PRIx64, static_cast<uint64_t>(r));
      return buf;
    case ValueKind::kInet:
      if (r < (int64_t{1} << 24)) {
        std::snprintf(buf, sizeof buf, "10.%d.%d.%d", static_cast<int>((r >> 16) & 255),
                      static_cast<int>((r >> 8) & 255), static_cast<int>(r & 255));
      } else {
        std::snprintf(buf, sizeof buf, "fd00::%" PRIx64 ":%" PRIx64, static_cast<uint64_t>(r >> 16),
                      static_cast<uint64_t>(r & 0xFFFF));
      }
      return buf;
    case ValueKind::kMacaddr:
      std::snprintf(buf, sizeof buf, "08:00:2b:%02x:%02x:%02x", static_cast<int>((r >> 16) & 255),
                    static_cast<int>((r >> 8) & 255), static_cast<int>(r & 255));
      return buf;
    case ValueKind::kXml:
      return "<v>" + std::to_string(r) + "</v>";
    case ValueKind::kTsvector:
      return "w" + std::to_string(r);
    case ValueKind::kEnum:
      return c
          .enum_values[static_cast<size_t>((r - 1) % static_cast<int64_t>(c.enum_values.size()))];
    case ValueKind::kChoice:
      return c.allowed_values[static_cast<size_t>((r - 1) %
                                                  static_cast<int64_t>(c.allowed_values.size()))];
    case ValueKind::kForeignKey:
    case ValueKind::kNull:
    case ValueKind::kOmitted:
      break;
  }
  return {};
}

// A one-element array literal: {"value"} with the element quoted, whatever it holds.
std::string ArrayOf(const std::string& element, int dims) {
  std::string quoted = "\"";
  for (char ch : element) {
    if (ch == '"' || ch == '\\') quoted += '\\';
    quoted += ch;
  }
  quoted += '"';
  std::string out = quoted;
  for (int i = 0; i < dims; ++i) out = "{" + out + "}";
  return out;
}

void AppendCopyEscaped(const std::string& v, std::string* out) {
  for (char ch : v) {
    switch (ch) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += ch;
    }
  }
}

struct Builder {
  const schema::Catalog& catalog;
  int64_t rows;
  FillPlan plan;
  // Nullable foreign keys loaded as NULL ("schema.table/constraint"): the edges that break the
  // cycles of the foreign-key graph.
  const std::set<std::string>& nulled_edges;
  std::map<std::string, size_t> index_of;  // key -> index in plan.tables (once finished)
  std::set<std::string> on_stack;
  // The tables being visited, outermost first, each with the nullable foreign key (its edge id)
  // through which the visit reached it, or "" when it came through a NOT NULL one.
  std::vector<std::pair<std::string, std::string>> path;
  // Set when a cycle of foreign keys closes through a NOT NULL one but passes through a nullable
  // one: that edge must be nulled, and the plan made again (PlanFill does).
  std::optional<std::string> edge_to_null;

  static std::string EdgeId(const std::string& table_key, const std::string& constraint) {
    return table_key + "/" + constraint;
  }

  static std::string Key(const sql::QName& q) { return q.schema + "." + q.name; }

  // Columns of `t` that a unique index or the primary key covers, PK first.
  std::vector<std::vector<std::string>> UniqueKeys(const schema::Table& t) const {
    std::vector<std::vector<std::string>> pk, others;
    for (const schema::Index* ix : catalog.IndexesOn(t.name)) {
      if (!ix->unique || ix->partial || ix->has_expressions) continue;
      (ix->primary ? pk : others).push_back(ix->columns);
    }
    for (const schema::Constraint& c : t.constraints)
      if (c.type == sql::Constraint::Type::kPrimaryKey && pk.empty()) pk.push_back(c.columns);
    pk.insert(pk.end(), others.begin(), others.end());
    return pk;
  }

  // Makes the generated values of `tp` pass the CHECKs of `t`, or sets tp->skip_reason when a
  // CHECK is not one of the simple kinds (sql::ColumnCondition) or cannot be met.
  static Status ApplyChecks(const schema::Table& t, TablePlan* tp) {
    for (const schema::Constraint& k : t.constraints) {
      if (k.type != sql::Constraint::Type::kCheck || !tp->skip_reason.empty()) continue;
      auto skip = [&](const std::string& why) {
        tp->skip_reason = "CHECK " + k.name + " " + why;
        return Status::Ok();
      };
      if (!k.check_conditions) return skip("is not one verify can generate rows for");
      for (const sql::ColumnCondition& cond : *k.check_conditions) {
        auto col = std::find_if(tp->columns.begin(), tp->columns.end(),
                                [&](const ColumnPlan& c) { return c.name == cond.column; });
        if (col == tp->columns.end()) return skip("names an unknown column " + cond.column);
        if (cond.not_null) {
          if (col->kind == ValueKind::kNull || col->kind == ValueKind::kOmitted)
            return skip("needs " + cond.column + " NOT NULL, which verify leaves NULL");
          continue;
        }
        if (col->kind == ValueKind::kForeignKey || col->kind == ValueKind::kNull ||
            col->kind == ValueKind::kOmitted || col->array_dims > 0)
          return skip("constrains " + cond.column + ", whose values verify cannot choose");
        if (!cond.values.empty()) {
          std::vector<std::string> allowed = cond.values;
          if (col->kind == ValueKind::kChoice) {  // two CHECKs on one column: both hold
            std::vector<std::string> both;
            for (const std::string& v : allowed)
              if (std::count(col->allowed_values.begin(), col->allowed_values.end(), v))
                both.push_back(v);
            allowed = both;
          }
          if (allowed.empty()) return skip("allows no value of " + cond.column);
          col->kind = ValueKind::kChoice;
          col->allowed_values = std::move(allowed);
          col->sequence = false;
          continue;
        }
        switch (col->kind) {
          case ValueKind::kInt16:
          case ValueKind::kInt32:
          case ValueKind::kInt64:
          case ValueKind::kFloat:
          case ValueKind::kNumeric:
          case ValueKind::kMoney:
            break;
          case ValueKind::kChoice:
            continue;  // the values another condition lists decide
          default:
            return skip("bounds " + cond.column + ", which is not a number");
        }
        if (cond.min) {
          const int64_t lo = static_cast<int64_t>(cond.min_exclusive ? std::floor(*cond.min) + 1
                                                                     : std::ceil(*cond.min));
          col->min_value = std::max(col->min_value.value_or(lo), lo);
        }
        if (cond.max) {
          const int64_t hi = static_cast<int64_t>(cond.max_exclusive ? std::ceil(*cond.max) - 1
                                                                     : std::floor(*cond.max));
          col->max_value = std::min(col->max_value.value_or(hi), hi);
        }
        if (col->min_value && col->max_value && *col->min_value > *col->max_value)
          return skip("leaves no integer value for " + cond.column);
        col->sequence = false;
      }
    }
    return Status::Ok();
  }

  Status Visit(const sql::QName& raw, bool workload, const std::string& via_nullable = "") {
    const schema::Table* t = catalog.FindTable(raw);
    if (!t) return Status::Error("table " + raw.ToString() + " is not in the replayed history");
    const std::string key = Key(t->name);
    if (auto it = index_of.find(key); it != index_of.end()) {
      plan.tables[it->second].workload |= workload;
      return Status::Ok();
    }
    if (t->kind != schema::Table::Kind::kTable && t->kind != schema::Table::Kind::kPartitioned)
      return Status::Ok();  // views and foreign tables hold no rows of their own
    on_stack.insert(key);
    path.emplace_back(key, via_nullable);

    TablePlan tp;
    tp.name = t->name;
    tp.rows = rows;
    tp.workload = workload;
    // Foreign keys first: their parents must be loaded before this table.
    std::map<std::string, std::pair<std::string, std::string>> fk_of;  // column -> (parent, col)
    std::set<std::string> nulled;
    for (const schema::Constraint& c : t->constraints) {
      if (c.type != sql::Constraint::Type::kForeignKey) continue;
      const schema::Table* parent = catalog.FindTable(c.ref_table);
      if (!parent)
        return Status::Error("table " + t->name.ToString() + ": foreign key " + c.name +
                             " references " + c.ref_table.ToString() +
                             ", which is not in the replayed history");
      std::vector<std::string> ref = c.ref_columns;
      if (ref.empty()) {
        std::vector<std::vector<std::string>> keys = UniqueKeys(*parent);
        if (!keys.empty()) ref = keys.front();
      }
      if (ref.size() != c.columns.size())
        return Status::Error("table " + t->name.ToString() +
                             ": cannot match the columns of "
                             "foreign key " +
                             c.name);
      const std::string pkey = Key(parent->name);
      const std::string edge = EdgeId(key, c.name);
      const bool nullable = std::none_of(c.columns.begin(), c.columns.end(), [&](const auto& col) {
        const schema::Column* sc = t->FindColumn(col);
        return sc && sc->not_null;
      });
      if (nullable && (nulled_edges.count(edge) || (pkey != key && on_stack.count(pkey)))) {
        // A cycle is broken here: the edge is loaded as NULL, which its columns allow.
        nulled.insert(c.columns.begin(), c.columns.end());
        continue;
      }
      if (pkey != key && on_stack.count(pkey)) {
        // A cycle closes through this NOT NULL edge. It can still be loaded when another edge of
        // it is nullable: the latest one on the way from the parent to here.
        auto from =
            std::find_if(path.begin(), path.end(), [&](const auto& p) { return p.first == pkey; });
        for (auto it = path.end(); it != from + 1;) {
          --it;
          if (!it->second.empty()) {
            edge_to_null = it->second;
            return Status::Error("the foreign-key cycle through " + it->second +
                                 " is broken there");
          }
        }
        return Status::Error("tables " + t->name.ToString() + " and " + parent->name.ToString() +
                             " reference each other through NOT NULL foreign keys; verify "
                             "cannot load such a cycle");
      }
      if (pkey != key) {
        if (Status s = Visit(parent->name, false, nullable ? edge : ""); !s.ok()) return s;
        auto planned = index_of.find(pkey);
        if (planned != index_of.end() && !plan.tables[planned->second].skip_reason.empty()) {
          // The parent has no rows to point at.
          if (nullable) {
            nulled.insert(c.columns.begin(), c.columns.end());
          } else if (tp.skip_reason.empty()) {
            tp.skip_reason = "its NOT NULL foreign key " + c.name + " references " +
                             parent->name.ToString() + ", which is not loaded";
          }
          continue;
        }
      }
      for (size_t i = 0; i < c.columns.size(); ++i)
        if (!fk_of.count(c.columns[i])) fk_of[c.columns[i]] = {pkey, ref[i]};
    }

    for (const schema::Column& col : t->columns) {
      ColumnPlan cp;
      cp.name = col.name;
      cp.type = TypeText(col.type);
      cp.not_null = col.not_null;
      cp.has_default = col.default_expr.has_value() || col.identity;
      cp.array_dims = col.type.array_dims;
      cp.sequence = col.identity;
      if (col.generated) {
        cp.kind = ValueKind::kOmitted;
      } else if (nulled.count(col.name)) {
        cp.kind = ValueKind::kNull;
      } else if (auto fk = fk_of.find(col.name); fk != fk_of.end()) {
        cp.kind = ValueKind::kForeignKey;
        cp.self_reference = fk->second.first == key;
        // The parent's index and column are resolved once the table list is final (below).
      } else {
        const std::string base = Lower(col.type.base());
        std::optional<TypeInfo> info = BuiltinType(base);
        if (info) {
          cp.kind = info->kind;
          cp.sequence |= info->sequence;
          if (cp.kind == ValueKind::kText && !col.type.typmods.empty())
            cp.max_length = static_cast<int>(col.type.typmods[0]);
          if (cp.kind == ValueKind::kNumeric && !col.type.typmods.empty())
            cp.numeric_digits = static_cast<int>(col.type.typmods[0]) -
                                (col.type.typmods.size() > 1 ? col.type.typmods[1] : 0);
        } else {
          sql::QName tn;
          tn.name = col.type.base();
          if (col.type.names.size() >= 2) tn.schema = col.type.names[col.type.names.size() - 2];
          const schema::Enum* e = catalog.FindEnum(tn);
          if (e && !e->values.empty()) {
            cp.kind = ValueKind::kEnum;
            cp.enum_values = e->values;
          } else if (col.default_expr || !col.not_null) {
            cp.kind = ValueKind::kOmitted;
          } else {
            return Status::Error("table " + t->name.ToString() + ", column " + col.name +
                                 ": cannot generate values of type " + cp.type +
                                 " (NOT NULL without a default); give verify a history whose "
                                 "types it knows, or a default");
          }
        }
        if (col.default_expr && std::count(col.default_expr->functions.begin(),
                                           col.default_expr->functions.end(), "nextval"))
          cp.sequence = true;
      }
      tp.columns.push_back(std::move(cp));
    }

    if (Status s = ApplyChecks(*t, &tp); !s.ok()) return s;

    // Resolve foreign keys against the (already planned) parents.
    for (ColumnPlan& cp : tp.columns) {
      if (cp.kind != ValueKind::kForeignKey) continue;
      const auto& [pkey, pcol] = fk_of[cp.name];
      const TablePlan* parent = nullptr;
      if (cp.self_reference) {
        parent = &tp;
      } else {
        cp.parent_table = index_of.at(pkey);
        parent = &plan.tables[cp.parent_table];
      }
      auto it = std::find_if(parent->columns.begin(), parent->columns.end(),
                             [&](const ColumnPlan& p) { return p.name == pcol; });
      if (it == parent->columns.end() || it->kind == ValueKind::kOmitted ||
          it->kind == ValueKind::kNull)
        return Status::Error("table " + t->name.ToString() + ", column " + cp.name +
                             ": the referenced column " + pcol + " cannot be generated");
      cp.parent_column = static_cast<size_t>(it - parent->columns.begin());
    }

    auto column_index = [&](const std::string& name) -> std::optional<size_t> {
      for (size_t i = 0; i < tp.columns.size(); ++i)
        if (tp.columns[i].name == name) return i;
      return std::nullopt;
    };
    for (const std::vector<std::string>& cols : UniqueKeys(*t)) {
      std::vector<size_t> key_cols;
      for (const std::string& c : cols) {
        std::optional<size_t> i = column_index(c);
        if (!i || tp.columns[*i].kind == ValueKind::kOmitted ||
            tp.columns[*i].kind == ValueKind::kNull)
          break;
        key_cols.push_back(*i);
      }
      if (!cols.empty() && key_cols.size() == cols.size()) {
        tp.key = key_cols;
        break;
      }
    }
    std::set<std::string> indexed;
    for (const schema::Index* ix : catalog.IndexesOn(t->name))
      indexed.insert(ix->columns.begin(), ix->columns.end());
    std::optional<size_t> update;
    for (int pass = 0; pass < 2 && !update; ++pass) {
      for (size_t i = 0; i < tp.columns.size() && !update; ++i) {
        const ColumnPlan& c = tp.columns[i];
        if (c.kind == ValueKind::kOmitted || c.kind == ValueKind::kForeignKey || c.sequence ||
            std::count(tp.key.begin(), tp.key.end(), i))
          continue;
        if (pass == 0 && indexed.count(c.name)) continue;
        update = i;
      }
    }
    tp.update_column = update.value_or(tp.key.empty() ? 0 : tp.key.front());

    if (!tp.skip_reason.empty()) {
      tp.rows = 0;
    } else {
      // A unique key whose every column can take only a few values (`CHECK (id = 1)`) bounds
      // the number of distinct rows.
      for (const std::vector<std::string>& cols : UniqueKeys(*t)) {
        int64_t combinations = 1;
        for (const std::string& name : cols) {
          std::optional<size_t> i = column_index(name);
          if (!i || tp.columns[*i].kind != ValueKind::kChoice) {
            combinations = -1;
            break;
          }
          combinations *= static_cast<int64_t>(tp.columns[*i].allowed_values.size());
        }
        if (!cols.empty() && combinations > 0) tp.rows = std::min(tp.rows, combinations);
      }
    }

    on_stack.erase(key);
    path.pop_back();
    index_of[key] = plan.tables.size();
    plan.tables.push_back(std::move(tp));
    return Status::Ok();
  }
};

}  // namespace

int64_t FillPlan::total_rows() const {
  int64_t n = 0;
  for (const TablePlan& t : tables) n += t.rows;
  return n;
}

Result<FillPlan> PlanFill(const schema::Catalog& catalog, const std::vector<sql::QName>& touched,
                          int64_t rows) {
  // Each round that meets a cycle closed by a NOT NULL foreign key nulls one more nullable edge
  // of it and plans again from scratch, so that no half-built plan remains; there are at most
  // as many rounds as nullable foreign keys.
  std::set<std::string> nulled_edges;
  for (;;) {
    Builder b{catalog, rows, {}, nulled_edges, {}, {}, {}, {}};
    Status status;
    for (const sql::QName& t : touched)
      if (status = b.Visit(t, true); !status.ok()) break;
    if (status.ok()) return std::move(b.plan);
    if (!b.edge_to_null || !nulled_edges.insert(*b.edge_to_null).second) return status;
  }
}

void MarkColumnsDroppedByPending(const schema::Catalog& after,
                                 const std::vector<RenamedColumn>& renamed, FillPlan* plan) {
  for (TablePlan& tp : plan->tables) {
    const schema::Table* t = after.FindTable(tp.name);
    if (!t) continue;
    auto stays = [&](const ColumnPlan& c) {
      return std::any_of(t->columns.begin(), t->columns.end(),
                         [&](const schema::Column& a) { return a.name == c.name; }) ||
             std::any_of(renamed.begin(), renamed.end(), [&](const RenamedColumn& r) {
               return r.table == tp.name && r.column == c.name;
             });
    };
    for (ColumnPlan& c : tp.columns) c.dropped_by_pending = !stays(c);
    if (!tp.columns.empty() && tp.columns[tp.update_column].dropped_by_pending) {
      // As PlanFill picks it: a plain column, else the key's first column.
      tp.update_column = tp.key.empty() ? 0 : tp.key.front();
      for (size_t i = 0; i < tp.columns.size(); ++i) {
        const ColumnPlan& c = tp.columns[i];
        if (c.dropped_by_pending || c.kind == ValueKind::kOmitted ||
            c.kind == ValueKind::kForeignKey || c.sequence ||
            std::count(tp.key.begin(), tp.key.end(), i))
          continue;
        tp.update_column = i;
        break;
      }
    }
  }
}

std::optional<std::string> Value(const FillPlan& plan, size_t table, size_t column, int64_t rowid) {
  const TablePlan& t = plan.tables[table];
  const ColumnPlan& c = t.columns[column];
  switch (c.kind) {
    case ValueKind::kNull:
    case ValueKind::kOmitted:
      return std::nullopt;
    case ValueKind::kForeignKey: {
      if (c.self_reference) return Value(plan, table, c.parent_column, (rowid + 1) / 2);
      const TablePlan& parent = plan.tables[c.parent_table];
      const int64_t prow = (rowid - 1) % std::max<int64_t>(parent.rows, 1) + 1;
      return Value(plan, c.parent_table, c.parent_column, prow);
    }
    default:
      break;
  }
  std::string v = ScalarValue(c, rowid);
  return c.array_dims > 0 ? ArrayOf(v, c.array_dims) : v;
}

std::vector<size_t> LoadedColumns(const TablePlan& table) {
  std::vector<size_t> out;
  for (size_t i = 0; i < table.columns.size(); ++i)
    if (table.columns[i].kind != ValueKind::kOmitted) out.push_back(i);
  return out;
}

std::string QuotedName(const sql::QName& name) { return QuoteQualified(name.schema, name.name); }

std::string CopyStatement(const TablePlan& table) {
  std::string out = "COPY " + QuotedName(table.name) + " (";
  bool first = true;
  for (size_t i : LoadedColumns(table)) {
    if (!first) out += ", ";
    first = false;
    out += QuoteIdent(table.columns[i].name);
  }
  return out + ") FROM STDIN";
}

void AppendCopyRows(const FillPlan& plan, size_t table, int64_t first, int64_t last,
                    std::string* out) {
  const std::vector<size_t> cols = LoadedColumns(plan.tables[table]);
  for (int64_t r = first; r <= last; ++r) {
    for (size_t k = 0; k < cols.size(); ++k) {
      if (k) *out += '\t';
      std::optional<std::string> v = Value(plan, table, cols[k], r);
      if (v)
        AppendCopyEscaped(*v, out);
      else
        *out += "\\N";
    }
    *out += '\n';
  }
}

std::vector<std::string> SequenceFixups(const TablePlan& table) {
  std::vector<std::string> out;
  for (const ColumnPlan& c : table.columns) {
    if (!c.sequence || c.kind == ValueKind::kOmitted) continue;
    // Serial values are the row ids; inserts use ids above `rows` too, so leave them room.
    out.push_back("SELECT setval(s, " + std::to_string(table.rows * 4 + 1000000) +
                  ") FROM pg_get_serial_sequence(" + QuoteLiteral(QuotedName(table.name)) + ", " +
                  QuoteLiteral(c.name) + ") AS s WHERE s IS NOT NULL");
  }
  return out;
}

}  // namespace lockstep::verify
