// Finding the migrations a user points lockstep at, in the order Prisma applies them.
//
// A PATH may be:
//   - a project root: the migrations directory its Prisma 7 config names (prisma_config.h:
//     `migrations.path`, else `migrations/` next to its `schema`), else
//     `<root>/prisma/migrations/`, or `<dir>/migrations/` next to a `*.prisma` schema; failing
//     both, the one Prisma migrations directory found below (monorepos:
//     `packages/db/prisma/migrations/`; several found is an error that lists them);
//   - a `*.prisma` schema file: the `migrations/` next to it;
//   - a Prisma migrations directory: `<name>/migration.sql` folders (+ `migration_lock.toml`);
//   - one migration folder (holding `migration.sql`), or that `migration.sql` itself;
//   - a directory of plain `*.sql` files, or one `.sql` file;
//   - Prisma 8: its `migrations/app/` directory of `<timestamp>_<slug>/ops.json` packages (also
//     given as `migrations/`, or found from a project root as `migrations/app/` or
//     `prisma/migrations/app/`), one package folder, or its ops.json (prisma8.h).
//
// Prisma semantics kept on purpose: folders without `migration.sql` are ignored (reported as a
// note); symlinks to folders are ignored (Prisma lists entries without following links: a
// directory whose every folder is one has no migrations, which is not an error); loose files in a
// migrations directory are ignored. Lock files naming another provider than postgresql/postgres
// are refused (Prisma's P3019). Files are read eagerly: every Migration holds its
// bytes, so later stages never touch the file system again and see one consistent snapshot.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "migrations/prisma8.h"

namespace lockstep::migrations {

enum class MigrationKind {
  kPrismaFolder,    // <folder>/migration.sql
  kPlainFile,       // <name>.sql
  kPrisma8Package,  // <package>/ops.json (Prisma 8, prisma8.h)
};
// "prisma folder", "plain file", "prisma 8 package"
std::string_view MigrationKindName(MigrationKind k);

// How one PATH argument was understood.
enum class LayoutKind {
  kPrismaDirectory,   // a migrations directory (given directly, or found from a root or schema)
  kPrismaFolder,      // a single migration folder
  kPlainDirectory,    // a directory of plain .sql files
  kPlainFile,         // a single .sql file
  kPrisma8Directory,  // Prisma 8's migrations/app/: <timestamp>_<slug>/ops.json packages
  kPrisma8Package,    // a single Prisma 8 package
};
std::string_view LayoutKindName(LayoutKind k);

struct Migration {
  // The folder name (Prisma: what `_prisma_migrations.migration_name` holds) or the file stem.
  std::string name;
  std::filesystem::path sql_path;  // the file that was read (built on the PATH as given)
  // Prisma: the migration's own folder. Plain file: the directory holding it.
  std::filesystem::path folder;
  MigrationKind kind = MigrationKind::kPrismaFolder;
  // The file's text as Prisma reads it: its bytes unmodified (no BOM or line-ending
  // normalisation), except that a file that is not valid UTF-8 has each ill-formed sequence
  // replaced by U+FFFD (Node's decoder, which Prisma reads it with; a warning says where). Prisma
  // runs and hashes this text, so PrismaChecksum(sql) is what it records.
  std::string sql;
  // sql_path made absolute with symbolic links resolved (std::filesystem::weakly_canonical):
  // tells apart files reached through several PATHs without resolving the path again.
  std::filesystem::path canonical_path;
  size_t source = 0;  // index into MigrationSet::sources
  // Prisma 8 packages only: the operations of ops.json, whose `execute` SQL `sql` holds in
  // ops.json's layout (prisma8.h), so that byte offsets into `sql` are offsets into ops.json.
  std::vector<Prisma8Operation> operations;
  // Prisma 8 packages only: where `sql` holds the package's BEGIN; and COMMIT; (PlaceInRun).
  Prisma8Wrapping prisma8_wrapping;
  // Prisma 8 packages only: the `to` contract hash of the package's migration.json (what
  // prisma_contract.marker holds once it is applied); nullopt without one.
  std::optional<std::string> prisma8_to_hash;
};

struct Source {
  std::string argument;  // the PATH as given
  LayoutKind kind = LayoutKind::kPrismaDirectory;
  // Where new migrations belong: the migrations directory, or for a single folder or file, the
  // directory that holds it.
  std::filesystem::path directory;
  // `provider` of `<directory>/migration_lock.toml`; nullopt when there is no such file.
  std::optional<std::string> provider;
  // Every name already used in `directory`, sorted: Prisma layouts list every entry (folders
  // Prisma ignores included); plain layouts list the stems of the .sql files. New names
  // (naming.h NamesAfter) must avoid these.
  std::vector<std::string> existing_names;
};

enum class NoteLevel { kNote, kWarning };

// Something worth telling the user that does not stop discovery.
struct Note {
  NoteLevel level = NoteLevel::kNote;
  std::string where;  // a path
  std::string message;
  std::string ToString() const;  // "where: note: message" / "where: warning: message"
};

struct MigrationSet {
  std::vector<Source> sources;        // one per PATH, in argument order
  std::vector<Migration> migrations;  // by source in argument order; within one, execution order
  std::vector<Note> notes;
};

// Discovers the migrations of each PATH. Errors (one line, naming the path): a PATH that does not
// exist, cannot be listed, or holds no migration; a URL given as a PATH (its password masked); a
// migration file that cannot be read, is UTF-16, or holds a NUL byte (at its path:line:col); a
// lock file of another provider; an ambiguous project root. Paths and names in messages have
// their control characters escaped. A file reached through two PATHs is kept once (with a note).
// Thread-compatible: reads the file system, keeps no state.
Result<MigrationSet> Discover(const std::vector<std::string>& paths);
// The same, calling `on_read` with each migration as soon as its file has been read (in
// discovery order, on the calling thread), e.g. to start parsing it while discovery goes on.
Result<MigrationSet> Discover(const std::vector<std::string>& paths,
                              const std::function<void(const Migration&)>& on_read);
Result<MigrationSet> Discover(const std::string& path);

// A `prisma db migrate` run applies every pending Prisma 8 package in ONE transaction. Makes the
// Prisma 8 packages among `pending` (in execution order) one run (PlaceInRun: the first keeps its
// BEGIN, the last its COMMIT) and returns, for each element of `pending`, whether it continues
// the transaction of the one before it. Other kinds of migration are left alone (false).
std::vector<bool> PlaceInOneRun(const std::vector<Migration*>& pending);

// An error naming the first Prisma 8 package of `set`, for the commands that cannot take them
// yet: `command` (e.g. "lockstep deploy") followed by `why`. Ok without Prisma 8 packages.
Status RefusePrisma8(const MigrationSet& set, std::string_view command, std::string_view why);

}  // namespace lockstep::migrations
