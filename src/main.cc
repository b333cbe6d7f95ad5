// lockstep: zero-downtime schema migrations for PostgreSQL. argv -> one subcommand.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "base/exit_codes.h"
#include "base/process_exit.h"
#include "cli/commands.h"
#include "cli/exit.h"
#include "sql/parser.h"

#if LOCKSTEP_JEMALLOC
// jemalloc reads its options from this symbol at start-up (jemalloc(3), "malloc_conf").
// lint builds parse trees, statements and tokens that are each touched once: on 4 KB pages a
// third of its time went to page faults (each one a trap into a virtualised kernel), so the heap
// asks for 2 MB transparent huge pages (thp:always = madvise; nothing happens where the kernel
// has THP off). Freed memory is kept rather than returned (no decay): every lockstep command is
// a short-lived process. glibc's malloc has the same huge-page switch only as an environment
// tunable (GLIBC_TUNABLES), which a program cannot set for itself. One arena per CPU
// (percpu_arena) instead of jemalloc's default of four per CPU: lockstep runs at most one thread
// per core, and memory spread over more arenas is more pages first touched (on the Prisma
// corpus, 2 cores: about 3,300 page faults instead of 4,000, and 5-10% less wall time).
extern "C" {
const char* malloc_conf =
    "thp:always,metadata_thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1,percpu_arena:percpu";
}
#endif

namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(const lockstep::cli::Args&);
};

const Subcommand kSubcommands[] = {
    {"plan", "show, per statement, the locks PostgreSQL will take, rewrites and scans",
     lockstep::cli::Plan},
    {"trace", "run a migration on a scratch database and report the locks it really took",
     lockstep::cli::Trace},
    {"lint", "check migrations for statements that block production traffic", lockstep::cli::Lint},
    {"rules", "list the lint rules", lockstep::cli::Rules},
    {"explain", "print a lint rule's documentation", lockstep::cli::Explain},
    {"fix", "rewrite a migration into zero-downtime Prisma-compatible folders", lockstep::cli::Fix},
    {"deploy",
     "apply pending migrations like prisma migrate deploy, under lock_timeout with retries",
     lockstep::cli::Deploy},
    {"status", "compare the migrations on disk with _prisma_migrations", lockstep::cli::Status},
    {"resolve", "mark a migration applied or rolled back, as prisma migrate resolve",
     lockstep::cli::Resolve},
    {"contract",
     "list the contract migrations waiting for rollout, or release them into the migrations "
     "directory",
     lockstep::cli::Contract},
    {"verify", "measure what the app feels while the pending migrations run: naive vs lockstep",
     lockstep::cli::Verify},
};

void Usage(FILE* out) {
  std::fprintf(out,
               "lockstep %s: zero-downtime schema migrations for PostgreSQL\n\n"
               "usage: lockstep <command> [options]   (lockstep <command> --help for details)\n\n"
               "commands:\n",
               LOCKSTEP_VERSION);
  for (const Subcommand& c : kSubcommands) std::fprintf(out, "  %-9s %s\n", c.name, c.summary);
}

}  // namespace

int main(int argc, char** argv) {
  // A reader that goes away (`lockstep deploy | head`) must not kill a deploy between a statement
  // and its bookkeeping: with SIGPIPE ignored, writes to a closed pipe just fail and the work
  // finishes.
  std::signal(SIGPIPE, SIG_IGN);
  // Before anything can end the process below cli/ (a signal, a library that cannot be loaded):
  // those places name their exit code through this, cli/'s one mapping.
  lockstep::InstallExitCodes(lockstep::cli::ExitCodeOf);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    Usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? lockstep::exit_code::kUsage : lockstep::exit_code::kOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    // The grammar's version says which libpg_query the build found (README, "Dependencies").
    std::printf("lockstep %s\nPostgreSQL %s grammar (libpg_query)\n", LOCKSTEP_VERSION,
                lockstep::sql::GrammarVersion());
    return 0;
  }
  for (const Subcommand& c : kSubcommands) {
    if (std::string_view(argv[1]) == c.name) {
      lockstep::cli::Args args{std::string("lockstep ") + c.name};
      for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
      return c.run(args);
    }
  }
  std::fprintf(stderr, "lockstep: unknown command '%s'\n\n", argv[1]);
  Usage(stderr);
  return lockstep::exit_code::kUsage;
}
