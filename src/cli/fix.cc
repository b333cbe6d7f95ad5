// `lockstep fix`: rewrite a migration into a zero-downtime sequence of Prisma-compatible
// migrations (the seed's layout, automated). See docs/fix.md.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "base/exit_codes.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "db/connection.h"
#include "db/datasource.h"
#include "db/url.h"
#include "fix/diff.h"
#include "fix/planner.h"
#include "fix/writer.h"
#include "ledger/applied.h"
#include "migrations/contract.h"

namespace lockstep::cli {
namespace {

constexpr const char* kDescription =
    "Rewrites one migration (PATH: a folder, its migration.sql, a .sql file; given a migrations\n"
    "directory or a project root, its last migration; default: the project in the current\n"
    "directory, found as lint and verify find it) into migrations that do not block the\n"
    "application: foreign keys and checks NOT VALID + VALIDATE later, indexes CONCURRENTLY one\n"
    "per migration, and more (docs/fix.md). Replacements are built before what they replace is\n"
    "dropped, so no index or key is ever missing in between. Comments and formatting are kept.\n"
    "The contract phase of an expand/contract rewrite (dropping the old shape) is written to\n"
    "lockstep-contract/ beside the migrations directory, where it waits for `lockstep contract\n"
    "release` (docs/expand-contract.md).";

struct Flags {
  std::string path;
  bool dry_run = false;
  std::string out;
  int pg_version = 15;
  bool pg_version_given = false;
  bool minimal = false;
  bool allow_unsafe = false;
  std::string database;
};

std::string Where(const fix::FixInput& in, const std::string& text, int offset) {
  return SourceFile(in.migrations[in.target].sql_path.string(), text).Where(offset);
}

// nullopt: not applied (or no way to know); a message: applied, or an error to report.
struct AppliedCheck {
  bool applied = false;
  int server_major = 0;  // of the server asked
  std::optional<db::DbError> error;
};

AppliedCheck CheckApplied(const std::string& url, const std::string& name) {
  AppliedCheck out;
  db::DbResult<db::ConnInfo> info = db::ParseUrl(url);
  if (!info.ok()) {
    out.error = info.error();
    return out;
  }
  db::DbResult<db::Connection> conn = db::Connect(*info);
  if (!conn.ok()) {
    out.error = conn.error();
    return out;
  }
  out.server_major = conn->server_version_num() / 10000;
  db::DbResult<bool> applied = ledger::IsApplied(*conn, ledger::TablesFor(*info), name);
  if (!applied.ok()) {
    out.error = applied.error();
    return out;
  }
  out.applied = *applied;
  return out;
}

void PrintNotes(const char* title, const std::vector<fix::Note>& notes, const fix::FixInput& in,
                const std::string& text) {
  if (notes.empty()) return;
  std::printf("%s:\n", title);
  for (const fix::Note& n : notes)
    std::printf("  %s: %s\n      %s\n", Where(in, text, n.offset).c_str(), n.what.c_str(),
                n.how.c_str());
  std::printf("\n");
}

// With a database (--database, else the project's): refuses a migration already applied there,
// and takes the server's major as the target when --pg-version is not given. An exit code when
// fix stops here.
std::optional<int> CheckAgainstDatabase(Flags& f, const fix::FixInput& in, bool path_given) {
  const migrations::Migration& target = in.migrations[in.target];
  if (f.database.empty()) {
    // schema.prisma's directUrl, else its url (DATABASE_URL), as `prisma migrate`.
    Result<std::optional<db::MigrationUrl>> found =
        db::FindMigrationUrl(target.sql_path.parent_path().parent_path(), {});
    if (!found.ok()) {
      std::fprintf(stderr, "lockstep fix: %s\n", found.status().ToString().c_str());
      return exit_code::kUsage;
    }
    if (*found) f.database = (*found)->url;
  }
  if (!f.database.empty()) {
    AppliedCheck applied = CheckApplied(f.database, target.name);
    if (applied.error) {
      std::fprintf(stderr, "lockstep fix: cannot tell whether %s is applied: %s\n",
                   target.name.c_str(), applied.error->OneLine().c_str());
      return applied.error->kind == db::ErrorKind::kInvalidUrl ? exit_code::kUsage
                                                               : exit_code::kDatabase;
    }
    // Without --pg-version, a newer server says which PostgreSQL to write for (as plan and
    // lint): on 18, NOT NULL … NOT VALID instead of the CHECK route.
    if (!f.pg_version_given && applied.server_major > f.pg_version)
      f.pg_version = std::min(applied.server_major, 18);
    if (applied.applied && !path_given) {
      std::printf("nothing to fix: the last migration of %s, %s, is already applied\n",
                  in.source.directory.string().c_str(), target.name.c_str());
      return exit_code::kOk;
    }
    if (applied.applied) {
      std::fprintf(stderr,
                   "%s: error: %s is already applied (_prisma_migrations has a finished row for "
                   "it): rewriting it would not change the database, and `prisma migrate dev` "
                   "would report the edited checksum. Fix a new migration instead.\n",
                   target.sql_path.string().c_str(), target.name.c_str());
      return exit_code::kUsage;
    }
  }

  return std::nullopt;
}

// What the plan does: its notes, the unsafe statements, the migrations in order and those held
// for the contract phase.
void PrintPlan(const Flags& f, const fix::FixInput& in, const fix::Plan& plan,
               const std::vector<fix::OutputFile>& files, bool path_given) {
  const migrations::Migration& target = in.migrations[in.target];
  for (const std::string& n : in.notes) std::fprintf(stderr, "%s\n", n.c_str());
  std::printf("lockstep fix %s (PostgreSQL %d, %s policy)\n", target.sql_path.string().c_str(),
              f.pg_version, f.minimal ? "minimal" : "seed");
  if (!path_given)
    std::printf("no PATH given: %s is the last pending migration of %s\n", target.name.c_str(),
                in.source.directory.string().c_str());
  std::printf("\n");
  PrintNotes("rewrites", plan.rewrites, in, plan.original);
  PrintNotes("left alone", plan.left_alone, in, plan.original);
  if (!plan.unsafe.empty()) {
    std::printf("cannot be made safe automatically (left unchanged):\n");
    for (const fix::Unsafe& u : plan.unsafe) {
      std::printf("  %s: %s\n      %s\n", Where(in, plan.original, u.offset).c_str(),
                  u.what.c_str(), u.why.c_str());
      for (size_t i = 0; i < u.steps.size(); ++i)
        std::printf("      %zu. %s\n", i + 1, u.steps[i].c_str());
    }
    std::printf("\n");
  }
  if (!plan.changed()) {
    // After "cannot be made safe", "nothing to change" would read as "all is well".
    if (plan.unsafe.empty())
      std::printf("nothing to change: %s is already in its zero-downtime form\n",
                  target.name.c_str());
  } else {
    std::printf("migrations, in order:\n");
    for (size_t i = 0; i < files.size(); ++i) {
      const fix::OutputFile& o = files[i];
      if (o.held) continue;
      if (i == 0) {
        std::printf("  %s  %s\n", o.migration.c_str(),
                    o.before == o.after ? "unchanged" : "edited");
      } else {
        const fix::NewMigration& m = plan.after[i - 1];
        std::printf("  %s  new, %s: %s\n", o.migration.c_str(),
                    m.transactional ? "one transaction" : "alone, outside a transaction",
                    m.purpose.c_str());
      }
    }
    std::printf("\n");
    if (!plan.contract.empty()) {
      std::printf(
          "held back for the contract phase (%s; `lockstep contract release` once no running "
          "application uses the old shape: docs/expand-contract.md):\n",
          // --out writes its copy's held folders beside the copy, not beside the source.
          migrations::HoldingDirectory(f.out.empty() ? in.source.directory
                                                     : std::filesystem::path(f.out))
              .string()
              .c_str());
      for (size_t i = 0; i < files.size(); ++i) {
        const fix::OutputFile& o = files[i];
        if (!o.held) continue;
        const fix::NewMigration& m = plan.contract[i - 1 - plan.after.size()];
        std::printf("  %s  drops %s\n", o.migration.c_str(), m.purpose.c_str());
      }
      std::printf("\n");
    }
  }
}

// Shows the diff (--dry-run), or writes the files (into the migrations directory, or a copy with
// --out) unless an unsafe statement blocks it. The exit code.
int WriteOrShow(const Flags& f, const fix::FixInput& in, const fix::Plan& plan,
                const std::vector<fix::OutputFile>& files) {
  const bool blocked = !plan.unsafe.empty() && !f.allow_unsafe;
  if (f.dry_run) {
    for (const fix::OutputFile& o : files) {
      // A held file's path is shown from the migrations directory, like the others.
      const std::string shown = o.held ? "../" + std::string(migrations::kHoldingDirectoryName) +
                                             "/" + o.relative.generic_string()
                                       : o.relative.generic_string();
      std::printf("%s", fix::UnifiedDiff(shown, o.before, o.after, o.is_new).c_str());
    }
  } else if (blocked) {
    std::printf(
        "wrote nothing: fix the statements above by hand, or pass --allow-unsafe to write "
        "the safe rewrites and leave them as they are\n");
  } else if (plan.changed() || !f.out.empty()) {
    // --out always writes its copy, so that `fix --out X && deploy X` works whether or not the
    // migration needed a change.
    lockstep::Status s = f.out.empty() ? fix::WriteFiles(in.source.directory, files)
                                       : fix::WriteCopy(in, f.out, files);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return exit_code::kUsage;
    }
    if (plan.changed())
      std::printf(
          "wrote %zu migration%s to %s\n", files.size(), files.size() == 1 ? "" : "s",
          (f.out.empty() ? in.source.directory : std::filesystem::path(f.out)).string().c_str());
    else
      std::printf("copied %s to %s unchanged\n", in.source.directory.string().c_str(),
                  f.out.c_str());
  }
  return blocked ? exit_code::kUnsafe : exit_code::kOk;
}

}  // namespace

int Fix(const Args& args) {
  CLI::App app{kDescription, args[0]};
  Flags f;
  bool in_place = false;
  app.add_option("PATH", f.path, "the migration to rewrite (default: the project's last)");
  CLI::Option* dry_run =
      app.add_flag("--dry-run", f.dry_run, "print the plan and a unified diff; write nothing");
  CLI::Option* place =
      app.add_flag("--in-place", in_place, "write into the migrations directory (the default)")
          ->excludes(dry_run);
  app.add_option("--out", f.out,
                 "write a full copy of the migrations directory, fixed (or as it is when "
                 "nothing needs a change), to DIR")
      ->check(CLI::Validator(
          [](const std::string& v) { return v.empty() ? std::string("needs a directory") : ""; },
          "DIR"))
      ->excludes(dry_run)
      ->excludes(place);
  CLI::Option* pg_version =
      app.add_option("--pg-version", f.pg_version,
                     "target PostgreSQL major version (default 15, or the --database server's "
                     "major when that is newer, up to 18)")
          ->check(CLI::Range(11, 18));
  app.add_flag("--minimal", f.minimal,
               "only rewrite what locks a table that existed before the migration");
  app.add_flag("--allow-unsafe", f.allow_unsafe,
               "write the safe rewrites even when some statements cannot be made safe");
  app.add_option("--database", f.database,
                 "refuse when the migration is already applied there (default: schema.prisma's "
                 "directUrl, else $DATABASE_URL, when set)");
  if (auto code = ParseArgs(app, args)) return *code;
  f.pg_version_given = pg_version->count() > 0;
  // Without PATH, the project in the current directory, found as lint and verify find it; the
  // migration is its last one, named in the output.
  const bool path_given = !f.path.empty();
  if (!path_given) f.path = ".";

  Result<fix::FixInput> input = fix::FindFixInput(f.path);
  if (!input.ok()) {
    std::fprintf(stderr, "%s\n", input.status().ToString().c_str());
    return exit_code::kUsage;
  }
  if (std::optional<int> code = CheckAgainstDatabase(f, *input, path_given)) return *code;

  fix::Options options;
  options.pg_version = f.pg_version;
  options.minimal = f.minimal;
  Result<fix::Plan> plan = fix::PlanFixOf(fix::MigrationTexts(*input), options);
  if (!plan.ok()) {
    std::fprintf(stderr, "%s\n", plan.status().ToString().c_str());
    return exit_code::kUsage;
  }
  Result<std::vector<fix::OutputFile>> files = fix::LayOut(*input, *plan);
  if (!files.ok()) {
    std::fprintf(stderr, "%s\n", files.status().ToString().c_str());
    return exit_code::kUsage;
  }

  PrintPlan(f, *input, *plan, *files, path_given);
  return WriteOrShow(f, *input, *plan, *files);
}

}  // namespace lockstep::cli
