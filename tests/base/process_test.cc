// The process launcher's contract (base/process.h), on real child processes (/bin/sh).
#include "base/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lockstep {
namespace {

using std::chrono::milliseconds;

RunOptions Capturing() {
  RunOptions o;
  o.capture_stdout = true;
  return o;
}

RunResult RunOrDie(const std::vector<std::string>& argv, const RunOptions& options) {
  Result<RunResult> r = RunProcess(argv, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : RunResult{};
}

TEST(ProcessTest, CapturesStdoutAndReportsTheExitCode) {
  RunResult r = RunOrDie({"/bin/sh", "-c", "printf 'a\\0b'; exit 3"}, Capturing());
  EXPECT_EQ(r.stdout_text, std::string("a\0b", 3));
  EXPECT_EQ(r.exit.code, 3);
  EXPECT_EQ(r.exit.signal, 0);
  EXPECT_EQ(r.exit.ToString(), "exit status 3");
  EXPECT_FALSE(r.timed_out);
}

TEST(ProcessTest, CapturesMoreThanAPipeHolds) {
  RunResult r = RunOrDie({"/bin/sh", "-c", "head -c 300000 /dev/zero"}, Capturing());
  EXPECT_EQ(r.stdout_text.size(), 300000u);
  EXPECT_EQ(r.exit.code, 0);
}

TEST(ProcessTest, ASignalIsReportedAsShellsDo) {
  RunResult r = RunOrDie({"/bin/sh", "-c", "kill -TERM $$"}, {});
  EXPECT_EQ(r.exit.signal, SIGTERM);
  EXPECT_EQ(r.exit.code, 128 + SIGTERM);
  EXPECT_EQ(r.exit.ToString(), "killed by signal 15");
}

TEST(ProcessTest, SearchesPathOnlyWhenAsked) {
  RunOptions o = Capturing();
  o.process.search_path = true;
  EXPECT_EQ(RunOrDie({"sh", "-c", "echo found"}, o).stdout_text, "found\n");
  Result<RunResult> r = RunProcess({"sh", "-c", "echo found"}, Capturing());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "cannot start sh: exec: No such file or directory");
}

TEST(ProcessTest, AProgramThatCannotRunIsAnErrorNotAnExitStatus) {
  Result<pid_t> pid = StartProcess({"/nonexistent/program"}, {});
  ASSERT_FALSE(pid.ok());
  EXPECT_EQ(pid.status().message(),
            "cannot start /nonexistent/program: exec: No such file or directory");
  EXPECT_FALSE(StartProcess({}, {}).ok());
}

TEST(ProcessTest, EnvironmentIsInheritedThenChangedInOrder) {
  ::setenv("LOCKSTEP_PROCESS_TEST_KEEP", "kept", 1);
  ::setenv("LOCKSTEP_PROCESS_TEST_GONE", "present", 1);
  RunOptions o = Capturing();
  o.process.environment = {{"LOCKSTEP_PROCESS_TEST_GONE", ""},
                           {"LOCKSTEP_PROCESS_TEST_NEW", "first"},
                           {"LOCKSTEP_PROCESS_TEST_NEW", "second"}};
  RunResult r = RunOrDie({"/bin/sh", "-c",
                          "echo \"$LOCKSTEP_PROCESS_TEST_KEEP ${LOCKSTEP_PROCESS_TEST_GONE-unset} "
                          "$LOCKSTEP_PROCESS_TEST_NEW\""},
                         o);
  EXPECT_EQ(r.stdout_text, "kept unset second\n");
  ::unsetenv("LOCKSTEP_PROCESS_TEST_KEEP");
  ::unsetenv("LOCKSTEP_PROCESS_TEST_GONE");
}

TEST(ProcessTest, ClearedEnvironmentHoldsOnlyWhatIsGiven) {
  RunOptions o = Capturing();
  o.process.clear_environment = true;
  o.process.environment = {{"ONLY", "this"}};
  EXPECT_EQ(RunOrDie({"/usr/bin/env"}, o).stdout_text, "ONLY=this\n");
}

TEST(ProcessTest, OutputGoesToTheGivenDescriptorAndStdinCanBeEmpty) {
  const std::filesystem::path log = std::filesystem::temp_directory_path() /
                                    ("lockstep-process-test-" + std::to_string(::getpid()));
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  RunOptions o;
  o.process.stdout_fd = fd;
  o.process.stderr_fd = fd;
  o.process.null_stdin = true;
  // `cat` ends at once on /dev/null; with the test's own stdin it might wait.
  RunResult r = RunOrDie({"/bin/sh", "-c", "echo out; echo err >&2; cat"}, o);
  ::close(fd);
  EXPECT_EQ(r.exit.code, 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "out\nerr\n");
  std::filesystem::remove(log);
}

TEST(ProcessTest, OnlyTheStandardDescriptorsAreOpenInTheChild) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec
  ASSERT_GT(leaked, 2);
  RunResult r = RunOrDie({"/bin/sh", "-c",
                          "if [ -e /proc/self/fd/" + std::to_string(leaked) +
                              " ]; then echo open; else echo closed; fi"},
                         Capturing());
  ::close(leaked);
  EXPECT_EQ(r.stdout_text, "closed\n");
}

TEST(ProcessTest, NewProcessGroupIsLedByTheChild) {
  RunOptions o = Capturing();
  o.process.new_process_group = true;
  // Field 5 of /proc/<pid>/stat is the process group.
  RunResult r = RunOrDie({"/bin/sh", "-c", "echo $$; cut -d' ' -f5 /proc/$$/stat"}, o);
  std::istringstream in(r.stdout_text);
  std::string pid, group;
  in >> pid >> group;
  EXPECT_EQ(pid, group);
  EXPECT_NE(group, std::to_string(::getpgrp()));
}

TEST(ProcessTest, TimeoutSendsSigterm) {
  RunOptions o;
  o.timeout = milliseconds(100);
  RunResult r = RunOrDie({"/bin/sh", "-c", "exec sleep 30"}, o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit.signal, SIGTERM);
  EXPECT_GE(r.wall_ms, 100);
  EXPECT_LT(r.wall_ms, 10000);
}

TEST(ProcessTest, TimeoutEndsWithSigkillWhenSigtermIsIgnored) {
  RunOptions o = Capturing();
  o.timeout = milliseconds(100);
  o.kill_grace = milliseconds(200);
  RunResult r = RunOrDie({"/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 30"}, o);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit.signal, SIGKILL);
  EXPECT_EQ(r.stdout_text, "ready\n");
  EXPECT_GE(r.wall_ms, 300);
  EXPECT_LT(r.wall_ms, 10000);
}

TEST(ProcessTest, WaitProcessTimesOutWhileTheChildRuns) {
  Result<pid_t> pid = StartProcess({"/bin/sh", "-c", "exec sleep 30"}, {});
  ASSERT_TRUE(pid.ok()) << pid.status().ToString();
  EXPECT_FALSE(WaitProcess(*pid, milliseconds(0)));
  EXPECT_FALSE(WaitProcess(*pid, milliseconds(20)));
  ::kill(*pid, SIGKILL);
  std::optional<ExitStatus> e = WaitProcess(*pid, milliseconds(10000));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->signal, SIGKILL);
  // Reaped: nothing left to wait for.
  std::optional<ExitStatus> again = WaitProcess(*pid, std::nullopt);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code, 0);
}

}  // namespace
}  // namespace lockstep
