#include "db/url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace lockstep::db {
namespace {

// Query parameters that only mean something to Prisma's engines; libpq would reject most of them.
// sslidentity/sslpassword/sslaccept are Prisma's PKCS#12 identity and its verification mode, which
// libpq cannot use (libpq's own `sslpassword` means something else).
const std::set<std::string, std::less<>> kPrismaOnly = {
    "connection_limit",
    "pool_timeout",
    "pgbouncer",
    "socket_timeout",
    "statement_cache_size",
    "sslidentity",
    "sslpassword",
    "sslaccept",
    "max_connection_lifetime",
    "max_idle_connection_lifetime",
    "single_use_connections",
};

// Parameters that could carry a secret and are therefore left out of Redacted().
const std::set<std::string, std::less<>> kSecretParams = {"password", "sslpassword", "passfile"};

const std::set<std::string, std::less<>>& LibpqKeywords() {
  static const std::set<std::string, std::less<>> keywords = [] {
    std::set<std::string, std::less<>> out;
    PQconninfoOption* opts = PQconndefaults();
    if (opts != nullptr) {
      for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) out.insert(o->keyword);
      PQconninfoFree(opts);
    }
    return out;
  }();
  return keywords;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

DbError Invalid(std::string message) {
  DbError e;
  e.kind = ErrorKind::kInvalidUrl;
  e.message = "invalid database URL: " + std::move(message);
  return e;
}

bool ValidPort(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  const int n = std::stoi(port);
  return n >= 1 && n <= 65535;
}

// Single quotes and backslashes are escaped for libpq's keyword=value syntax.
std::string QuoteConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string BuildUrl(const ConnInfo& c, bool redact) {
  std::string url = "postgresql://";
  if (!c.user.empty() || !c.password.empty()) {
    url += PercentEncode(c.user);
    if (!c.password.empty())
      url += ":" + (redact ? std::string("****") : PercentEncode(c.password));
    url += "@";
  }
  const bool socket = !c.host.empty() && c.host[0] == '/';
  if (socket) {
    url += "localhost";
  } else if (c.host.find(':') != std::string::npos) {
    url += "[" + c.host + "]";
  } else {
    url += PercentEncode(c.host);
  }
  if (!c.port.empty()) url += ":" + c.port;
  url += "/" + PercentEncode(c.dbname);
  std::vector<std::pair<std::string, std::string>> query;
  if (socket) query.emplace_back("host", c.host);
  if (!c.schema.empty()) query.emplace_back("schema", c.schema);
  for (const auto& [k, v] : c.params) {
    if (k == "sslrootcert") {
      query.emplace_back("sslcert", v);  // Prisma's name for the root certificate
    } else if (!redact || !kSecretParams.contains(k)) {
      query.emplace_back(k, v);
    }
  }
  char sep = '?';
  for (const auto& [k, v] : query) {
    url += sep + PercentEncode(k) + "=" + PercentEncode(v);
    sep = '&';
  }
  return url;
}

}  // namespace

std::string PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

DbResult<ConnInfo> ParseUrl(std::string_view url) {
  std::string_view rest;
  if (StartsWithNoCase(url, "postgresql://")) {
    rest = url.substr(13);
  } else if (StartsWithNoCase(url, "postgres://")) {
    rest = url.substr(11);
  } else {
    return Invalid("it must start with postgresql:// or postgres://");
  }
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos)
    rest = rest.substr(0, hash);

  ConnInfo info;
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);

  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    info.user = PercentDecode(userinfo.substr(0, colon), false);
    if (colon != std::string_view::npos) {
      info.password = PercentDecode(userinfo.substr(colon + 1), false);
    }
  }

  if (authority.find(',') != std::string_view::npos) {
    return Invalid("multiple hosts are not supported");
  }
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("unterminated '[' in the IPv6 host");
    info.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Invalid("unexpected text after the IPv6 host");
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    info.host = PercentDecode(authority.substr(0, colon), false);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    info.port = std::string(port);
    if (!ValidPort(info.port)) return Invalid("the port must be a number from 1 to 65535");
  }

  std::string_view query;
  if (const size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  // No path at all: Prisma connects to "postgres" (quaint's PostgresUrl::dbname), where libpq
  // would pick a database named after the user. An empty path ("/") is an empty name, which the
  // server also resolves to the user name for Prisma.
  info.dbname = rest.empty() ? "postgres" : PercentDecode(rest.substr(1), false);

  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string key = PercentDecode(pair.substr(0, eq), true);
    const std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1), true);
    if (key == "schema") {
      info.schema = value;
    } else if (key == "host") {
      info.host = value;
    } else if (key == "port") {
      if (!ValidPort(value)) return Invalid("the port must be a number from 1 to 65535");
      info.port = value;
    } else if (key == "user") {
      info.user = value;
    } else if (key == "password") {
      info.password = value;
    } else if (key == "dbname") {
      info.dbname = value;
    } else if (kPrismaOnly.contains(key) || !LibpqKeywords().contains(key) || key == "hostaddr" ||
               key == "service") {
      // hostaddr/service would silently override the host the URL names.
      info.dropped.push_back(key);
    } else {
      // Prisma's sslcert is the certificate that verifies the server: libpq's sslrootcert.
      const std::string libpq_key = key == "sslcert" ? "sslrootcert" : key;
      auto it = std::find_if(info.params.begin(), info.params.end(),
                             [&](const auto& p) { return p.first == libpq_key; });
      if (it != info.params.end()) {
        it->second = value;
      } else {
        info.params.emplace_back(libpq_key, value);
      }
    }
  }
  return info;
}

std::vector<std::pair<std::string, std::string>> ConnInfo::LibpqParams() const {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) out.emplace_back(key, value);
  };
  add("host", host);
  add("port", port);
  add("user", user);
  add("password", password);
  add("dbname", dbname);
  for (const auto& p : params) out.push_back(p);
  return out;
}

std::string ConnInfo::ConninfoString() const {
  std::string out;
  for (const auto& [k, v] : LibpqParams()) {
    if (!out.empty()) out += ' ';
    out += k + "=" + QuoteConninfoValue(v);
  }
  return out;
}

std::string ConnInfo::Url() const { return BuildUrl(*this, false); }
std::string ConnInfo::Redacted() const { return BuildUrl(*this, true); }

std::string ConnInfo::Endpoint() const {
  const std::string p = port.empty() ? "5432" : port;
  if (host.empty()) return "the default unix socket (port " + p + ")";
  if (host[0] == '/') return "unix socket " + host + "/.s.PGSQL." + p;
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + p;
  return host + ":" + p;
}

}  // namespace lockstep::db
