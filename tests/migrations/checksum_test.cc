#include "migrations/checksum.h"

#include <gtest/gtest.h>

namespace lockstep::migrations {
namespace {

// FIPS 180-2 / NIST test vectors, and the one prisma-engines' own checksum test uses.
TEST(Checksum, KnownSha256Vectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(Sha256Hex("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256Hex(with_nul), Sha256Hex("a"));  // bytes, not a C string
}

TEST(Checksum, PrismaChecksumIsTheSha256OfValidUtf8Bytes) {
  for (const std::string s :
       {"CREATE TABLE t (id int);\n", "SELECT 'é';\r\n", "\xEF\xBB\xBFSELECT 1;", ""}) {
    EXPECT_EQ(PrismaChecksum(s), Sha256Hex(s));
  }
}

TEST(Checksum, InvalidUtf8IsHashedAsNodeDecodesIt) {
  // Node: fs.readFile(p, {encoding: 'utf-8'}) of the bytes 41 FF 42, then sha256 of the string.
  EXPECT_EQ(PrismaChecksum("A\xFF"
                           "B"),
            "b9070035264f4bad638fbb193b6a0e0a1453a4a7b340a3907e06c43c3f7c19b4");
  EXPECT_EQ(PrismaChecksum("A\xFF"
                           "B"),
            Sha256Hex("A\xEF\xBF\xBD"
                      "B"));
}

TEST(Checksum, ReplacementFollowsWhatwgMaximalSubparts) {
  // Expected strings from Node's Buffer.toString('utf8').
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(ToWellFormedUtf8("\xF0\x9F"
                             "A"),
            fffd + "A");
  EXPECT_EQ(ToWellFormedUtf8("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate
  EXPECT_EQ(ToWellFormedUtf8("\xC0\xAF"), fffd + fffd);             // overlong
  EXPECT_EQ(ToWellFormedUtf8("\xE0\x80\xAF"), fffd + fffd + fffd);  // overlong
  EXPECT_EQ(ToWellFormedUtf8("\xE2\x82"), fffd);                    // truncated at the end
  EXPECT_EQ(ToWellFormedUtf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
  EXPECT_EQ(ToWellFormedUtf8("\xFF"), fffd);
  EXPECT_EQ(ToWellFormedUtf8("\xE2\x82\xAC \xF0\x9F\x98\x80"), "\xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_TRUE(IsValidUtf8("\xEF\xBB\xBF\xE2\x82\xAC"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));
}

TEST(Checksum, MatchesTheSameScript) {
  const std::string script = "CREATE TABLE t (id int);\n";
  EXPECT_TRUE(ChecksumMatches(script, Sha256Hex(script)));
  EXPECT_FALSE(ChecksumMatches(script + " ", Sha256Hex(script)));
  EXPECT_FALSE(ChecksumMatches("abc", Sha256Hex("abcd")));
  EXPECT_FALSE(ChecksumMatches("abc\n", Sha256Hex("abc")));
  EXPECT_FALSE(ChecksumMatches(script, ""));
}

TEST(Checksum, ToleratesLineEndingConversions) {
  // prisma-engines' own cases: each script matches the other's checksum. A lone CR stays.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"ab\ncd\nef\ngh\rab", "ab\r\ncd\r\nef\r\ngh\rab"},
      {"ab\ncd\nef\ngh\rab\n", "ab\r\ncd\r\nef\r\ngh\rab\r\n"},
  };
  for (const auto& [lf, crlf] : pairs) {
    EXPECT_TRUE(ChecksumMatches(lf, Sha256Hex(crlf)));
    EXPECT_TRUE(ChecksumMatches(crlf, Sha256Hex(lf)));
    EXPECT_TRUE(ChecksumMatches(lf, Sha256Hex(lf)));
    EXPECT_TRUE(ChecksumMatches(crlf, Sha256Hex(crlf)));
  }
  EXPECT_FALSE(ChecksumMatches("a\rb", Sha256Hex("a\nb")));
}

TEST(Checksum, MixedLineEndingsMatchOnlyWhatPrismaWouldMatch) {
  // LF -> CRLF is a plain replace in Prisma, so a file with mixed endings turns into
  // "a\r\r\nb\r\nc", never into the all-CRLF form.
  const std::string mixed = "a\r\nb\nc";
  EXPECT_TRUE(ChecksumMatches(mixed, Sha256Hex("a\nb\nc")));
  EXPECT_TRUE(ChecksumMatches(mixed, Sha256Hex("a\r\r\nb\r\nc")));
  EXPECT_FALSE(ChecksumMatches(mixed, Sha256Hex("a\r\nb\r\nc")));
}

TEST(Checksum, AcceptsChecksumsStoredWithoutZeroPadding) {
  // Old Prisma versions wrote each byte with {:x}: "0e" became "e" (prisma-engines#1887).
  const std::string script = "hello";
  const std::string padded = Sha256Hex(script);
  std::string legacy;
  for (size_t i = 0; i < padded.size(); i += 2) {
    if (padded[i] != '0') legacy.push_back(padded[i]);
    legacy.push_back(padded[i + 1]);
  }
  ASSERT_LT(legacy.size(), 64u);  // "hello" hashes to bytes below 0x10 (…a30e…)
  EXPECT_TRUE(ChecksumMatches(script, legacy));
  EXPECT_FALSE(ChecksumMatches("hello!", legacy));
}

TEST(Checksum, ComparesInvalidUtf8AsDecodedText) {
  EXPECT_TRUE(
      ChecksumMatches("A\xFF"
                      "B",
                      "b9070035264f4bad638fbb193b6a0e0a1453a4a7b340a3907e06c43c3f7c19b4"));
  EXPECT_TRUE(
      ChecksumMatches("A\xFE"
                      "B",
                      PrismaChecksum("A\xFF"
                                     "B")));  // both decode to A U+FFFD B
}

}  // namespace
}  // namespace lockstep::migrations
