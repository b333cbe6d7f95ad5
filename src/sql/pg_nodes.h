// PostgreSQL's own parse-node headers, for reading libpg_query's raw parse tree directly: those
// libpg_query 18 ships (pg_query/postgres/), or with bookworm's libpg_query 15 Debian's
// postgresql-server-dev-15 (CMakeLists.txt picks the pair). Internal to src/sql/: include it last,
// after every standard and lockstep header, because the server headers define macros for their own
// use.
//
// Why not libpg_query's protobuf API: serialising the tree to protobuf and unpacking it again
// cost five times the parse itself (lint spent most of its time there). libpg_query is built
// from one PostgreSQL major's sources, and node layouts do not change within a major version, so
// the server headers of the same major describe the tree it returns; the static_assert below keeps
// the majors equal, and tests/sql/ checks the translation on real statements.
#pragma once

// postgres.h must come first (it defines what the node headers use): keep this order.
// clang-format off
extern "C" {
#include <postgres.h>
#include <nodes/parsenodes.h>
#include <nodes/pg_list.h>
#include <nodes/primnodes.h>
#include <nodes/value.h>
}
// clang-format on

// c.h and port.h re-route the printf family, strerror and gettext to the server's versions.
#undef printf
#undef fprintf
#undef sprintf
#undef snprintf
#undef vprintf
#undef vfprintf
#undef vsprintf
#undef vsnprintf
#undef strerror
#undef strerror_r
#undef gettext
#undef dgettext
#undef ngettext
#undef dngettext

namespace lockstep::sql::pg {
inline constexpr int kServerHeadersVersion = PG_VERSION_NUM;
}
// pg_query.h defines the same version macros, for libpg_query's PostgreSQL.
#undef PG_MAJORVERSION
#undef PG_MAJORVERSION_NUM
#undef PG_VERSION
#undef PG_VERSION_NUM

extern "C" {
#include <pg_query.h>
}
static_assert(lockstep::sql::pg::kServerHeadersVersion / 10000 == PG_VERSION_NUM / 10000,
              "the PostgreSQL server headers must be of libpg_query's major version");

#if PG_VERSION_NUM >= 180000
// libpg_query's internal entry points (the raw parse, and the memory context the tree lives in);
// 18 ships their header. The raw parse then takes parser options (0: SQL, default GUCs).
extern "C" {
#include <pg_query/pg_query_internal.h>
}
#define LOCKSTEP_RAW_PARSE(input) pg_query_raw_parse((input), 0)
#else
extern "C" {
// libpg_query 15's internal entry points (pg_query/pg_query_internal.h, which itself includes the
// server headers above): the raw parse, and the memory context the tree lives in.
struct PgQueryInternalParsetreeAndError {
  List* tree;
  char* stderr_buffer;
  PgQueryError* error;
};
PgQueryInternalParsetreeAndError pg_query_raw_parse(const char* input);
void pg_query_free_error(PgQueryError* error);
MemoryContext pg_query_enter_memory_context();
void pg_query_exit_memory_context(MemoryContext ctx);
}
#define LOCKSTEP_RAW_PARSE(input) pg_query_raw_parse(input)
#endif

namespace lockstep::sql::pg {

// `for (const Node* item : Items(list))`: a List's elements as nodes (NIL is empty).
class Items {
 public:
  explicit Items(const List* l) : l_(l) {}
  struct It {
    const ListCell* c;
    const Node* operator*() const { return static_cast<const Node*>(c->ptr_value); }
    It& operator++() {
      ++c;
      return *this;
    }
    bool operator!=(const It& o) const { return c != o.c; }
  };
  It begin() const { return {l_ ? l_->elements : nullptr}; }
  It end() const { return {l_ ? l_->elements + l_->length : nullptr}; }
  int size() const { return l_ ? l_->length : 0; }

 private:
  const List* l_;
};

// The node as a T when it has tag `tag`, else nullptr: `As<RangeVar>(n, T_RangeVar)`.
template <typename T>
const T* As(const Node* n, NodeTag tag) {
  return n && nodeTag(n) == tag ? reinterpret_cast<const T*>(n) : nullptr;
}

}  // namespace lockstep::sql::pg
