#include "migrations/naming.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace lockstep::migrations {
namespace {

Timestamp T(int y, int mo, int d, int h, int mi, int s) { return {y, mo, d, h, mi, s}; }

std::string Plus(std::string_view name, int64_t seconds) {
  const std::optional<Timestamp> t = ParseTimestampPrefix(name);
  if (!t) return "unparsed";
  const std::optional<Timestamp> r = AddSeconds(*t, seconds);
  return r ? FormatTimestamp(*r) : "out of range";
}

TEST(Naming, ByteOrderPutsNonTimestampPrefixesWhereLexicalOrderDoes) {
  std::vector<std::string> names = {"20260123015816_add_v2_tables",
                                    "0_init",
                                    "20241231_add_dataroom",
                                    "202310122339_NewColumn",
                                    "20231013165123_create_document_version",
                                    "01_init"};
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return CompareNames(a, b) < 0; });
  EXPECT_EQ(names,
            (std::vector<std::string>{"01_init", "0_init", "202310122339_NewColumn",
                                      "20231013165123_create_document_version",
                                      "20241231_add_dataroom", "20260123015816_add_v2_tables"}));
  EXPECT_LT(CompareNames("a\x7f", "a\x80"), 0);  // bytes compare unsigned
  EXPECT_EQ(CompareNames("x", "x"), 0);
}

TEST(Naming, PrismaCliOrderMatchesNodeLocaleCompare) {
  // Each list is sorted by Node 20 (ICU 78) `a.localeCompare(b)`, the Prisma CLI's comparator.
  const std::vector<std::vector<std::string>> sorted_by_node = {
      {"a", "a b", "a_", "a_b", "a_B", "A_b", "a_c", "a-b", "ab"},
      {"20241231_add_b", "20241231000000_add_a", "20250101000000_add_c", "20250101000000_Add_d"},
      {"0_init", "01_init", "1", "10", "9", "a", "B", "c"},
  };
  for (const auto& list : sorted_by_node) {
    for (size_t i = 0; i < list.size(); ++i) {
      for (size_t j = 0; j < list.size(); ++j) {
        const int expected = i < j ? -1 : i > j ? 1 : 0;
        EXPECT_EQ(CompareNamesLikePrismaCli(list[i], list[j]), expected)
            << list[i] << " vs " << list[j];
      }
    }
  }
  EXPECT_EQ(CompareNamesLikePrismaCli("caf\xc3\xa9", "cafe"), std::nullopt);
  EXPECT_EQ(CompareNamesLikePrismaCli("a\tb", "ab"), std::nullopt);
}

TEST(Naming, ParsesOnlyFourteenDigitValidTimestamps) {
  EXPECT_EQ(ParseTimestampPrefix("20260123015816_add_v2_tables"), T(2026, 1, 23, 1, 58, 16));
  EXPECT_EQ(ParseTimestampPrefix("20260123015816"), T(2026, 1, 23, 1, 58, 16));
  EXPECT_EQ(ParseTimestampPrefix("20240229000000_leap"), T(2024, 2, 29, 0, 0, 0));
  for (const char* bad : {"0_init", "01_init", "20241231_add_x", "202310122339_NewColumn",
                          "202601230158160_x", "20260123015816x", "20261301000000_month",
                          "20260230000000_day", "20250229000000_not_leap", "20260101240000_hour",
                          "20260101006000_minute", "20260101000060_second", "2026012301581_x"}) {
    EXPECT_EQ(ParseTimestampPrefix(bad), std::nullopt) << bad;
  }
}

TEST(Naming, AddSecondsRollsOverEveryField) {
  EXPECT_EQ(Plus("20261231235959_x", 1), "20270101000000");
  EXPECT_EQ(Plus("20260131235959_x", 1), "20260201000000");
  EXPECT_EQ(Plus("20240228235959_x", 1), "20240229000000");  // leap year
  EXPECT_EQ(Plus("20250228235959_x", 1), "20250301000000");
  EXPECT_EQ(Plus("21000228235959_x", 1), "21000301000000");  // century: not leap
  EXPECT_EQ(Plus("20000228235959_x", 1), "20000229000000");  // 400 years: leap
  EXPECT_EQ(Plus("20260430235959_x", 1), "20260501000000");
  EXPECT_EQ(Plus("20260101005959_x", 1), "20260101010000");
  EXPECT_EQ(Plus("20260101000059_x", 1), "20260101000100");
  EXPECT_EQ(Plus("20260101000000_x", 86400 * 365), "20270101000000");
  EXPECT_EQ(Plus("20270101000000_x", -1), "20261231235959");
  EXPECT_EQ(Plus("99991231235959_x", 1), "out of range");
  EXPECT_EQ(Plus("00000101000000_x", -1), "out of range");
}

TEST(Naming, AddSecondsAgreesWithStdChrono) {
  using namespace std::chrono;
  std::mt19937_64 rng(42);
  const int64_t first_day = sys_days{year{1900} / 1 / 1}.time_since_epoch().count();
  const int64_t last_day = sys_days{year{2200} / 1 / 1}.time_since_epoch().count();
  std::uniform_int_distribution<int64_t> start(first_day, last_day);
  std::uniform_int_distribution<int64_t> delta(-400LL * 86400 * 366, 400LL * 86400 * 366);
  for (int i = 0; i < 20000; ++i) {
    const sys_seconds s{seconds(start(rng) * 86400 + static_cast<int64_t>(rng() % 86400))};
    const int64_t d = i < 100 ? i : delta(rng);
    auto to_ts = [](sys_seconds x) {
      const sys_days day = floor<days>(x);
      const year_month_day ymd(day);
      const hh_mm_ss<seconds> hms(x - day);
      return T(int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())),
               int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
    };
    ASSERT_EQ(AddSeconds(to_ts(s), d), to_ts(s + seconds(d)))
        << FormatTimestamp(to_ts(s)) << " + " << d;
  }
}

TEST(Naming, FormatPadsEveryField) {
  EXPECT_EQ(FormatTimestamp(T(2026, 1, 2, 3, 4, 5)), "20260102030405");
  EXPECT_EQ(FormatTimestamp(T(1, 1, 1, 0, 0, 0)), "00010101000000");
}

TEST(Naming, NewNamesFollowTheTimestamp) {
  auto names = NamesAfter("20260123015816_add_v2_tables",
                          {"0_init", "20260123015816_add_v2_tables"}, {"add_index", "backfill"});
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names,
            (std::vector<std::string>{"20260123015817_add_index", "20260123015818_backfill"}));
}

TEST(Naming, NewNamesRollOverTheYear) {
  auto names = NamesAfter("20261231235959_x", {"20261231235959_x"}, {"a"});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"20270101000000_a"});
}

TEST(Naming, NewNamesSkipTakenSecondsAndStayBeforeTheNextFolder) {
  // 10:00:01 is taken by a folder Prisma ignores (no migration.sql) that sorts before the next
  // real migration; it must neither be reused nor be overtaken in a way that breaks the order.
  const std::vector<std::string> existing = {"20260101100000_a", "20260101100001_draft",
                                             "20260101100005_b"};
  auto names = NamesAfter("20260101100000_a", existing, {"x", "y"});
  ASSERT_TRUE(names.ok());
  // "…01_draft" is the next folder after "…00_a", so timestamps cannot be used: fallback.
  EXPECT_EQ(*names, (std::vector<std::string>{"20260101100000_a_01_x", "20260101100000_a_02_y"}));

  auto later = NamesAfter("20260101100001_draft", existing, {"x", "y", "z"});
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later,
            (std::vector<std::string>{"20260101100002_x", "20260101100003_y", "20260101100004_z"}));
  // Four new names do not fit between 10:00:01 and 10:00:05.
  auto four = NamesAfter("20260101100001_draft", existing, {"w", "x", "y", "z"});
  ASSERT_TRUE(four.ok());
  EXPECT_EQ((*four)[0], "20260101100001_draft_01_w");
}

TEST(Naming, NeverSharesASecondWithAnExistingFolder) {
  // "20260101000001_index" would sort before "20260101000001_zzz", but two folders with one
  // timestamp read as a mistake; the next free second (…02) would run after "…01_zzz".
  auto names =
      NamesAfter("20260101000000_a", {"20260101000000_a", "20260101000001_zzz"}, {"index"});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"20260101000000_a_01_index"});
}

TEST(Naming, NonTimestampPrefixesGetAnExtendedName) {
  auto names = NamesAfter("0_init", {"0_init", "20260123015816_add_v2_tables"}, {"add_index"});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"0_init_01_add_index"});

  auto umami = NamesAfter("01_init", {"01_init", "02_report_schema"}, {"a", "b"});
  ASSERT_TRUE(umami.ok());
  EXPECT_EQ(*umami, (std::vector<std::string>{"01_init_01_a", "01_init_02_b"}));

  auto papermark = NamesAfter(
      "20241231_add_dataroom",
      {"20241212000000_add_yir", "20241231_add_dataroom", "20250106000000_add_download_type"},
      {"x"});
  ASSERT_TRUE(papermark.ok());
  EXPECT_EQ(*papermark, std::vector<std::string>{"20241231_add_dataroom_01_x"});
}

TEST(Naming, ManyNamesShareOneWidthSoTheySort) {
  std::vector<std::string> suffixes(120, "s");
  auto names = NamesAfter("0_init", {"0_init", "1_next"}, suffixes);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ((*names)[0], "0_init_001_s");
  EXPECT_EQ((*names)[119], "0_init_120_s");
}

TEST(Naming, EveryNewNameSortsBetweenItsNeighbours) {
  const std::vector<std::string> existing = {
      "01_init",          "0_init",           "20241231_a", "20241231000000_b",
      "20260101000000_c", "20260101000001_d", "9_last"};
  for (const std::string& after : existing) {
    auto names = NamesAfter(after, existing, {"p", "q", "r"});
    ASSERT_TRUE(names.ok()) << after << ": " << names.status().ToString();
    std::optional<std::string> next;
    for (const std::string& e : existing)
      if (e > after && (!next || e < *next)) next = e;
    std::string prev = after;
    for (const std::string& n : *names) {
      EXPECT_GT(n, prev) << after;
      if (next) EXPECT_LT(n, *next) << after;
      EXPECT_EQ(std::count(existing.begin(), existing.end(), n), 0) << n;
      prev = n;
    }
  }
}

TEST(Naming, NoRoomIsAnError) {
  // The next folder extends `after` with the smallest possible index.
  auto names = NamesAfter("0_init", {"0_init", "0_init_00"}, {"x"});
  ASSERT_FALSE(names.ok());
  EXPECT_NE(names.status().message().find("'0_init' and '0_init_00'"), std::string::npos);
}

TEST(Naming, SuffixesMustBeSnakeCase) {
  EXPECT_FALSE(NamesAfter("0_init", {}, {""}).ok());
  EXPECT_FALSE(NamesAfter("0_init", {}, {"AddIndex"}).ok());
  EXPECT_FALSE(NamesAfter("0_init", {}, {"a/b"}).ok());
  EXPECT_TRUE(NamesAfter("0_init", {}, {}).ok());
}

TEST(Naming, SnakeCaseIdentifiers) {
  EXPECT_EQ(SnakeCase("BenchmarkSubmission"), "benchmark_submission");
  EXPECT_EQ(SnakeCase("memberId"), "member_id");
  EXPECT_EQ(SnakeCase("HTTPServer"), "http_server");
  EXPECT_EQ(SnakeCase("userID"), "user_id");
  EXPECT_EQ(SnakeCase("v2Tables"), "v2_tables");
  EXPECT_EQ(SnakeCase("oauth2Token"), "oauth2_token");
  EXPECT_EQ(SnakeCase("already_snake_case"), "already_snake_case");
  EXPECT_EQ(SnakeCase("add \"User\".\"emailVerified\" index"), "add_user_email_verified_index");
  EXPECT_EQ(SnakeCase("__Leading--and  trailing__"), "leading_and_trailing");
  EXPECT_EQ(SnakeCase("caf\xc3\xa9Name"), "caf_name");  // non-ASCII separates words
  EXPECT_EQ(SnakeCase("!!!"), "");
  EXPECT_EQ(SnakeCase(""), "");
}

TEST(Naming, SnakeCaseIsIdempotent) {
  for (const char* s : {"BenchmarkSubmission", "memberId", "HTTPServer", "a  b", "X1Y2z"}) {
    EXPECT_EQ(SnakeCase(SnakeCase(s)), SnakeCase(s)) << s;
  }
}

TEST(Naming, SnakeCaseCutsAtAWordBoundary) {
  EXPECT_EQ(SnakeCase("create index concurrently on table", 24), "create_index");
  EXPECT_EQ(SnakeCase("create index concurrently", 25), "create_index_concurrently");
  // No boundary in the second half: hard cut, never a trailing '_'.
  EXPECT_EQ(SnakeCase("a abcdefghijklmnop", 10), "a_abcdefgh");
  EXPECT_EQ(SnakeCase("abcdefghi jklm", 10), "abcdefghi");
  const std::string long_name(300, 'x');
  EXPECT_EQ(SnakeCase(long_name).size(), kDefaultSnakeMaxLength);
}

}  // namespace
}  // namespace lockstep::migrations
