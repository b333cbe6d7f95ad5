#include "ledger/status.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "ledger/ledger.h"
#include "migrations/checksum.h"

namespace lockstep::ledger {
namespace {

TEST(LedgerTest, UuidsAreVersion4AndDistinct) {
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string u = NewUuidV4();
    EXPECT_TRUE(std::regex_match(u, v4)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 200u);
}

MigrationRow Row(const std::string& name, const std::string& sql, bool finished,
                 bool rolled_back = false) {
  MigrationRow r;
  r.id = NewUuidV4();
  r.migration_name = name;
  r.checksum = migrations::Sha256Hex(sql);
  r.started_at = "2026-01-01 00:00:00+00";
  if (finished) r.finished_at = "2026-01-01 00:00:01+00";
  if (rolled_back) r.rolled_back_at = "2026-01-01 00:00:02+00";
  if (!finished && !rolled_back) r.logs = "Database error code: 42P01\n\nmore";
  return r;
}

TEST(StatusTest, ClassifiesEveryState) {
  std::vector<DiskMigration> disk = {{"1_applied", "A;\n"},     {"2_crlf", "B;\r\n"},
                                     {"3_modified", "C2;\n"},   {"4_failed", "D;\n"},
                                     {"5_rolled_back", "E;\n"}, {"6_partial", "F;\n"},
                                     {"7_pending", "G;\n"}};
  std::vector<MigrationRow> rows = {Row("1_applied", "A;\n", true),
                                    Row("2_crlf", "B;\n", true),
                                    Row("3_modified", "C1;\n", true),
                                    Row("4_failed", "D;\n", false),
                                    Row("5_rolled_back", "E;\n", false, true),
                                    Row("0_gone", "Z;\n", true)};
  ProgressRow partial;
  partial.migration_name = "6_partial";
  partial.statements_done = 2;
  const StatusReport r = ComputeStatus(disk, rows, {partial});
  ASSERT_EQ(r.entries.size(), 8u);
  std::vector<std::string> states;
  for (const StatusEntry& e : r.entries)
    states.push_back(e.name + "=" + MigrationStateName(e.state));
  EXPECT_EQ(states,
            (std::vector<std::string>{"1_applied=applied", "2_crlf=applied", "3_modified=modified",
                                      "4_failed=failed", "5_rolled_back=pending",
                                      "6_partial=partial", "7_pending=pending", "0_gone=missing"}));
  EXPECT_NE(r.entries[3].detail.find("42P01"), std::string::npos);
  EXPECT_EQ(r.Code(), StatusCode::kBlocked);
}

// issue 17.14: status said "`lockstep deploy` resumes it" for a partial migration whose file had
// changed since, which deploy refuses (exit 6). It now says what deploy will do.
TEST(StatusTest, PartialMigrationWhoseFileChangedIsNotSaidToResume) {
  std::vector<DiskMigration> disk = {{"1_partial", "A;\nB;\n"}};
  ProgressRow partial;
  partial.migration_name = "1_partial";
  partial.statements_done = 1;
  partial.checksum = migrations::PrismaChecksum("A;\nB;\n");
  const StatusReport same = ComputeStatus(disk, std::vector<MigrationRow>{}, {partial});
  ASSERT_EQ(same.entries.size(), 1u);
  EXPECT_NE(same.entries[0].detail.find("`lockstep deploy` resumes it"), std::string::npos)
      << same.entries[0].detail;

  partial.checksum = migrations::PrismaChecksum("A;\nB2;\n");
  const StatusReport changed = ComputeStatus(disk, std::vector<MigrationRow>{}, {partial});
  ASSERT_EQ(changed.entries.size(), 1u);
  EXPECT_EQ(changed.entries[0].detail.find("resumes it"), std::string::npos)
      << changed.entries[0].detail;
  EXPECT_NE(changed.entries[0].detail.find("refuses to resume it (exit 6)"), std::string::npos)
      << changed.entries[0].detail;
}

TEST(StatusTest, ExitCodesByPriority) {
  std::vector<DiskMigration> disk = {{"1_a", "A;"}, {"2_b", "B;"}};
  EXPECT_EQ(ComputeStatus(disk, std::nullopt, {}).Code(), StatusCode::kPending);
  std::vector<MigrationRow> both = {Row("1_a", "A;", true), Row("2_b", "B;", true)};
  EXPECT_EQ(ComputeStatus(disk, both, {}).Code(), StatusCode::kOk);
  std::vector<MigrationRow> one = {Row("1_a", "A;", true)};
  EXPECT_EQ(ComputeStatus(disk, one, {}).Code(), StatusCode::kPending);
  std::vector<MigrationRow> changed = {Row("1_a", "A2;", true)};
  EXPECT_EQ(ComputeStatus(disk, changed, {}).Code(), StatusCode::kDrift);
  std::vector<MigrationRow> extra = {Row("1_a", "A;", true), Row("2_b", "B;", true),
                                     Row("3_c", "C;", true)};
  EXPECT_EQ(ComputeStatus(disk, extra, {}).Code(), StatusCode::kDrift);
}

// deploy's refusals and resolve's checks read one migration's rows through RecordedFor: the
// latest applied and failed rows, and lockstep's progress row, each only for that name.
TEST(StatusTest, RecordedForKeepsTheLatestRowsOfThatNameOnly) {
  std::vector<MigrationRow> rows = {Row("1_a", "A;", false, true), Row("1_a", "A1;", true),
                                    Row("2_b", "B;", false), Row("1_a", "A2;", true)};
  ProgressRow other;
  other.migration_name = "2_b";
  const Recorded a = RecordedFor("1_a", rows, {other});
  ASSERT_NE(a.applied, nullptr);
  EXPECT_EQ(a.applied, &rows[3]);
  EXPECT_EQ(a.failed, nullptr);
  EXPECT_EQ(a.progress, nullptr);

  std::vector<ProgressRow> progress = {other};
  const Recorded b = RecordedFor("2_b", rows, progress);
  EXPECT_EQ(b.applied, nullptr);
  EXPECT_EQ(b.failed, &rows[2]);
  EXPECT_EQ(b.progress, &progress[0]);

  const Recorded none = RecordedFor("3_c", rows, progress);
  EXPECT_EQ(none.applied, nullptr);
  EXPECT_EQ(none.failed, nullptr);
  EXPECT_EQ(none.progress, nullptr);
}

TEST(StatusTest, AppliedNamesAreTheFinishedRowsNotRolledBackInOrder) {
  const std::vector<MigrationRow> rows = {Row("2_b", "B;", true), Row("1_a", "A;", false),
                                          Row("3_c", "C;", true, true), Row("1_a", "A;", true)};
  EXPECT_EQ(AppliedNames(rows), (std::vector<std::string>{"2_b", "1_a"}));
}

}  // namespace
}  // namespace lockstep::ledger
