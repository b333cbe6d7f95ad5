#include "db/url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>

namespace lockstep::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

ConnInfo MustParse(const std::string& url) {
  DbResult<ConnInfo> r = ParseUrl(url);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : ConnInfo{};
}

// What libpq itself makes of a conninfo string: an independent check of our quoting.
std::map<std::string, std::string> LibpqParse(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  std::map<std::string, std::string> out;
  if (opts == nullptr) {
    ADD_FAILURE() << "libpq rejected the conninfo: " << (err ? err : "?");
    PQfreemem(err);
    return out;
  }
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val != nullptr) out[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

TEST(ParseUrl, PrismaUrlWithSchemaAndLibpqParameters) {
  ConnInfo c = MustParse(
      "postgresql://johndoe:randompassword@db.example.com:5433/mydb?schema=app&sslmode=require"
      "&connect_timeout=10");
  EXPECT_EQ(c.user, "johndoe");
  EXPECT_EQ(c.password, "randompassword");
  EXPECT_EQ(c.host, "db.example.com");
  EXPECT_EQ(c.port, "5433");
  EXPECT_EQ(c.dbname, "mydb");
  EXPECT_EQ(c.schema, "app");
  EXPECT_THAT(c.params, ElementsAre(Pair("sslmode", "require"), Pair("connect_timeout", "10")));
  EXPECT_TRUE(c.dropped.empty());
}

TEST(ParseUrl, SchemaIsNotALibpqParameter) {
  ConnInfo c = MustParse("postgresql://u@h/db?schema=tenant_1");
  EXPECT_EQ(c.schema, "tenant_1");
  for (const auto& [k, v] : c.LibpqParams()) EXPECT_NE(k, "schema");
  EXPECT_THAT(c.ConninfoString(), Not(HasSubstr("schema")));
}

TEST(ParseUrl, AcceptsPostgresSchemeInAnyCase) {
  EXPECT_EQ(MustParse("postgres://a@b/c").host, "b");
  EXPECT_EQ(MustParse("PostgreSQL://a@b/c").dbname, "c");
}

TEST(ParseUrl, PercentDecodesEveryPart) {
  ConnInfo c = MustParse(
      "postgresql://us%40er:p%40ss%3Aw%2Frd%23%3F@localhost/my%20db?application_name=a%26b");
  EXPECT_EQ(c.user, "us@er");
  EXPECT_EQ(c.password, "p@ss:w/rd#?");
  EXPECT_EQ(c.dbname, "my db");
  EXPECT_THAT(c.params, ElementsAre(Pair("application_name", "a&b")));
}

TEST(ParseUrl, PlusIsASpaceOnlyInTheQuery) {
  ConnInfo c = MustParse("postgresql://u:a+b@h/db?options=-c+statement_timeout%3D5s");
  EXPECT_EQ(c.password, "a+b");
  EXPECT_THAT(c.params, ElementsAre(Pair("options", "-c statement_timeout=5s")));
}

TEST(ParseUrl, MalformedEscapesStayLiteral) {
  EXPECT_EQ(MustParse("postgresql://u:100%25%zz%@h/db").password, "100%%zz%");
}

TEST(ParseUrl, Ipv6Hosts) {
  ConnInfo c = MustParse("postgresql://u@[::1]:5434/db");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, "5434");
  ConnInfo d = MustParse("postgres://u@[2001:db8::7]/db");
  EXPECT_EQ(d.host, "2001:db8::7");
  EXPECT_EQ(d.port, "");
  EXPECT_EQ(d.Endpoint(), "[2001:db8::7]:5432");
}

TEST(ParseUrl, UnixSocketViaHostParameter) {
  ConnInfo c = MustParse("postgresql://postgres@localhost/db?host=/var/run/postgresql");
  EXPECT_EQ(c.host, "/var/run/postgresql");
  EXPECT_EQ(c.Endpoint(), "unix socket /var/run/postgresql/.s.PGSQL.5432");
  EXPECT_EQ(LibpqParse(c.ConninfoString())["host"], "/var/run/postgresql");
  ConnInfo d = MustParse("postgresql://postgres@%2Ftmp%2Fsock:6000/db");
  EXPECT_EQ(d.host, "/tmp/sock");
  EXPECT_EQ(d.port, "6000");
}

TEST(ParseUrl, NoHostNoPortLeaveLibpqDefaults) {
  ConnInfo c = MustParse("postgresql://");
  EXPECT_EQ(c.host, "");
  EXPECT_EQ(c.port, "");
  EXPECT_EQ(c.LibpqParams(),
            (std::vector<std::pair<std::string, std::string>>{{"dbname", "postgres"}}));
}

// issue 17.15: Prisma (quaint's PostgresUrl::dbname) connects a URL without a path to the
// database "postgres", not to libpq's default (the user name). An empty name ("/") is sent as
// such, and the server then uses the user name: both tools do that.
TEST(ParseUrl, NoDatabaseNameIsPrismasPostgres) {
  EXPECT_EQ(MustParse("postgresql://u@h:5432").dbname, "postgres");
  EXPECT_EQ(MustParse("postgresql://u@h:5432?schema=s").dbname, "postgres");
  EXPECT_EQ(MustParse("postgresql://u@h:5432/").dbname, "");
  EXPECT_EQ(MustParse("postgresql://u@h?dbname=x").dbname, "x");
}

TEST(ParseUrl, DropsPrismaOnlyAndUnknownParameters) {
  ConnInfo c = MustParse(
      "postgresql://u@h/db?connection_limit=5&pool_timeout=10&pgbouncer=true&sslmode=prefer"
      "&statement_cache_size=0&socket_timeout=3&sslaccept=strict&sslidentity=id.p12"
      "&sslpassword=x&no_such_option=1");
  EXPECT_THAT(c.params, ElementsAre(Pair("sslmode", "prefer")));
  EXPECT_THAT(c.dropped, UnorderedElementsAre("connection_limit", "pool_timeout", "pgbouncer",
                                              "statement_cache_size", "socket_timeout", "sslaccept",
                                              "sslidentity", "sslpassword", "no_such_option"));
  // libpq accepts everything that is left.
  EXPECT_EQ(LibpqParse(c.ConninfoString())["sslmode"], "prefer");
}

TEST(ParseUrl, PrismaSslcertIsTheRootCertificate) {
  ConnInfo c = MustParse("postgresql://u@h/db?sslmode=require&sslcert=ca.pem");
  EXPECT_THAT(c.params, ElementsAre(Pair("sslmode", "require"), Pair("sslrootcert", "ca.pem")));
  EXPECT_THAT(c.Url(), HasSubstr("sslcert=ca.pem"));
}

TEST(ParseUrl, QueryOverridesAndLaterDuplicatesWin) {
  ConnInfo c = MustParse(
      "postgresql://u:p@h:1/db?user=v&password=q&port=2&dbname=e&sslmode=allow"
      "&sslmode=disable");
  EXPECT_EQ(c.user, "v");
  EXPECT_EQ(c.password, "q");
  EXPECT_EQ(c.port, "2");
  EXPECT_EQ(c.dbname, "e");
  EXPECT_THAT(c.params, ElementsAre(Pair("sslmode", "disable")));
}

TEST(ParseUrl, FragmentIsIgnored) { EXPECT_EQ(MustParse("postgresql://u@h/db#frag").dbname, "db"); }

TEST(ParseUrl, ErrorsNeverQuoteTheUrl) {
  const char* bad[] = {
      "mysql://u:s3cretpw@h/db",
      "postgresql://u:s3cretpw@h:notaport/db",
      "postgresql://u:s3cretpw@h:70000/db",
      "postgresql://u:s3cretpw@h1,h2/db",
      "postgresql://u:s3cretpw@[::1/db",
      "postgresql://u:s3cretpw@h/db?port=0",
  };
  for (const char* url : bad) {
    DbResult<ConnInfo> r = ParseUrl(url);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidUrl);
    EXPECT_THAT(r.error().message, HasSubstr("invalid database URL"));
    EXPECT_THAT(r.error().message, Not(HasSubstr("s3cretpw"))) << url;
  }
}

TEST(ConnInfo, RedactedHidesThePasswordButKeepsTheRest) {
  ConnInfo c = MustParse("postgresql://alice:hunter2secret@db:5432/app?schema=s1&sslmode=require");
  const std::string r = c.Redacted();
  EXPECT_THAT(r, Not(HasSubstr("hunter2secret")));
  EXPECT_THAT(r, HasSubstr("alice:****@db:5432/app"));
  EXPECT_THAT(r, HasSubstr("schema=s1"));
  EXPECT_THAT(r, HasSubstr("sslmode=require"));
  ConnInfo no_password = MustParse("postgresql://alice@db/app");
  EXPECT_THAT(no_password.Redacted(), Not(HasSubstr("****")));
}

TEST(ConnInfo, UrlRoundTrips) {
  const char* urls[] = {
      "postgresql://us%40er:p%40ss%3Aw%2Frd%23%3F%27%5C@db.example.com:5433/my%20db?schema=a%20b"
      "&sslmode=require&application_name=x%26y",
      "postgresql://u@[::1]:5434/db",
      "postgresql://postgres@localhost:6000/db?host=/tmp/dir%20with%20space",
      "postgres://u:p@h/db?sslcert=/etc/ca.pem&connect_timeout=3",
  };
  for (const char* url : urls) {
    ConnInfo c = MustParse(url);
    ConnInfo again = MustParse(c.Url());
    EXPECT_EQ(again, c) << url << " -> " << c.Url();
  }
}

TEST(ConnInfo, ConninfoStringQuotesForLibpq) {
  ConnInfo c;
  c.host = "h";
  c.user = "o'brien";
  c.password = "back\\slash 'and' space";
  c.dbname = "d b";
  c.params = {{"application_name", "a=b"}};
  std::map<std::string, std::string> parsed = LibpqParse(c.ConninfoString());
  EXPECT_EQ(parsed["user"], c.user);
  EXPECT_EQ(parsed["password"], c.password);
  EXPECT_EQ(parsed["dbname"], c.dbname);
  EXPECT_EQ(parsed["application_name"], "a=b");
}

TEST(PercentCoding, EncodeThenDecodeIsIdentity) {
  const std::string all = [] {
    std::string s;
    for (int c = 1; c < 256; ++c) s += static_cast<char>(c);
    return s;
  }();
  EXPECT_EQ(PercentDecode(PercentEncode(all), true), all);
  EXPECT_EQ(PercentEncode("a-b_c.d~e"), "a-b_c.d~e");
}

}  // namespace
}  // namespace lockstep::db
