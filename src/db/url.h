// Connection URLs in Prisma's form, turned into libpq connection parameters.
//
//   postgresql://user:pass@host:port/db?schema=app&sslmode=require&connect_timeout=10
//   postgres://user@[::1]:5433/db
//   postgresql://user@localhost/db?host=/var/run/postgresql        (unix socket directory)
//
// `schema` is Prisma's, not libpq's: it is stripped and exposed so callers can SET search_path.
// Prisma-only parameters (connection_limit, pool_timeout, pgbouncer, ...) are dropped. Parameters
// are percent-decoded; in the query string '+' also means a space (Prisma's URL crate does that).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/error.h"

namespace lockstep::db {

struct ConnInfo {
  std::string user;      // empty: libpq's default (the OS user)
  std::string password;  // empty: none (libpq may still use ~/.pgpass)
  std::string host;      // a host name, an IP address (IPv6 without brackets) or a socket directory
  std::string port;      // decimal, empty: libpq's default (5432)
  // "postgres" when the URL has no path, as Prisma; empty ("/"): the server's default, the user.
  std::string dbname;
  // Prisma's ?schema=. Empty when the URL has none (Prisma then uses "public").
  std::string schema;
  // Other libpq parameters in URL order (sslmode, connect_timeout, application_name, options, ...),
  // already validated against the linked libpq's keyword list.
  std::vector<std::pair<std::string, std::string>> params;
  // Names of parameters that were dropped (Prisma-only or unknown to libpq), for a verbose log.
  std::vector<std::string> dropped;

  // All non-empty keyword/value pairs for PQconnectdbParams, including the password.
  std::vector<std::pair<std::string, std::string>> LibpqParams() const;
  // A libpq keyword/value conninfo string ("host='h' port='5432' ..."), including the password.
  std::string ConninfoString() const;
  // A postgresql:// URL with every field (password included) percent-encoded; parses back to
  // an equal ConnInfo (dropped parameters aside). For handing to child processes via env.
  std::string Url() const;
  // Like Url() but the password is replaced by "****" and secret-bearing parameters are omitted:
  // safe for messages and logs.
  std::string Redacted() const;
  // "host:port" or the socket directory, for "cannot connect to ..." messages.
  std::string Endpoint() const;

  bool operator==(const ConnInfo& o) const = default;
};

// Parses a postgresql:// or postgres:// URL. Errors (kind kInvalidUrl) never quote the URL, since
// it may contain a password.
DbResult<ConnInfo> ParseUrl(std::string_view url);

// Percent-decodes `s`; with `plus_is_space`, '+' becomes ' ' (query-string rules). Malformed
// escapes are kept literally, as browsers and Prisma do.
std::string PercentDecode(std::string_view s, bool plus_is_space);
// Percent-encodes everything but RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view s);

}  // namespace lockstep::db
