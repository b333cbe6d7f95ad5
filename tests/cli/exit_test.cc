// ExitCodeOf: every StatusCode a module can return becomes the exit code documented in
// base/exit_codes.h (docs/deploy.md, "Exit codes"), and no two codes share one (CI scripts tell
// them apart).
#include "cli/exit.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>
#include <vector>

#include "base/exit_codes.h"
#include "base/process_exit.h"

namespace lockstep::cli {
namespace {

const std::vector<std::pair<StatusCode, int>> kDocumented = {
    {StatusCode::kOk, exit_code::kOk},
    {StatusCode::kPending, exit_code::kFindings},
    {StatusCode::kInvalidInput, exit_code::kUsage},
    {StatusCode::kUnsafe, exit_code::kUnsafe},
    {StatusCode::kDatabase, exit_code::kDatabase},
    {StatusCode::kMigrationFailed, exit_code::kMigrationFailed},
    {StatusCode::kBlocked, exit_code::kBlocked},
    {StatusCode::kDrift, exit_code::kDrift},
    {StatusCode::kAuth, exit_code::kAuth},
    {StatusCode::kNotFound, exit_code::kNotFound},
    {StatusCode::kNoMigrations, exit_code::kNoMigrations},
    {StatusCode::kMissingMigrationFile, exit_code::kMissingMigrationFile},
    {StatusCode::kLockHeld, exit_code::kLockHeld},
    {StatusCode::kTimedOut, exit_code::kTimedOut},
    {StatusCode::kInterrupted, exit_code::kInterrupted},
    {StatusCode::kFleetFailed, exit_code::kFleetFailed},
    {StatusCode::kPreflightRefused, exit_code::kPreflight},
};

TEST(ExitCodeOf, EveryCodeMapsToItsDocumentedExitCode) {
  for (const auto& [code, expected] : kDocumented)
    EXPECT_EQ(ExitCodeOf(code), expected) << "StatusCode " << static_cast<int>(code);
}

TEST(ExitCodeOf, EveryCodeIsListedAndNoTwoShareAnExitCode) {
  std::set<int> codes, exits;
  for (const auto& [code, expected] : kDocumented) {
    codes.insert(static_cast<int>(code));
    exits.insert(ExitCodeOf(code));
  }
  // The enum's codes run from kOk to kPreflightRefused without gaps.
  EXPECT_EQ(codes.size(), static_cast<size_t>(StatusCode::kPreflightRefused) + 1);
  EXPECT_EQ(exits.size(), kDocumented.size());
}

TEST(ExitCodeOf, AStatusMapsByItsCode) {
  EXPECT_EQ(ExitCodeOf(Status::Ok()), exit_code::kOk);
  EXPECT_EQ(ExitCodeOf(Status::Error("bad flag")), exit_code::kUsage);
  EXPECT_EQ(ExitCodeOf(Status::Database("connection refused")), exit_code::kDatabase);
  EXPECT_EQ(ExitCodeOf(Status::WithCode(StatusCode::kLockHeld, "held")), exit_code::kLockHeld);
}

TEST(ProcessExitCode, UsesTheMappingMainInstalls) {
  EXPECT_EQ(ProcessExitCode(StatusCode::kOk), 0);
  EXPECT_EQ(ProcessExitCode(StatusCode::kTimedOut), 1);  // nothing installed yet
  InstallExitCodes(ExitCodeOf);
  EXPECT_EQ(ProcessExitCode(StatusCode::kTimedOut), exit_code::kTimedOut);
  EXPECT_EQ(ProcessExitCode(StatusCode::kInterrupted), exit_code::kInterrupted);
}

}  // namespace
}  // namespace lockstep::cli
