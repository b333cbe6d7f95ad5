#include "migrations/layout.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "base/paths.h"
#include "base/printable.h"
#include "base/source.h"
#include "migrations/checksum.h"
#include "migrations/naming.h"
#include "migrations/prisma_config.h"

// toml++ is optional at build time; without it the lock file is read the way Prisma itself reads
// it (line by line), which is what matters for compatibility anyway.
#if __has_include(<toml++/toml.h>)
#include <toml++/toml.h>
#define LOCKSTEP_HAVE_TOMLPLUSPLUS 1
#endif

namespace fs = std::filesystem;

namespace lockstep::migrations {
namespace {

constexpr std::string_view kMigrationFile = "migration.sql";
constexpr std::string_view kLockFile = "migration_lock.toml";
constexpr std::string_view kOpsFile = "ops.json";  // a Prisma 8 package's operations
// How deep below a project root to look for a migrations directory: monorepos keep it at
// `packages/<pkg>/prisma/migrations`, or with a multi-file schema at
// `packages/<pkg>/prisma/schema/migrations`, five levels down.
constexpr int kSearchDepth = 5;
// Prisma's `_prisma_migrations.migration_name` is VARCHAR(255).
constexpr size_t kMaxNameLength = 255;

struct Entry {
  std::string name;
  fs::file_type type = fs::file_type::none;    // of the entry itself (symlinks not followed)
  fs::file_type target = fs::file_type::none;  // symlinks followed
};

// A path normalised, without a trailing separator.
fs::path Clean(const fs::path& p) {
  fs::path n = LexicallyNormal(p);
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
  return n.empty() ? fs::path(".") : n;
}

// A path for messages: Clean, and its control characters escaped (a folder name is untrusted).
std::string PathString(const fs::path& p) { return EscapeControl(Clean(p).string()); }

// The type readdir(3) reports, or none when the file system does not say (DT_UNKNOWN).
fs::file_type TypeOf(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return fs::file_type::regular;
    case DT_DIR:
      return fs::file_type::directory;
    case DT_LNK:
      return fs::file_type::symlink;
    case DT_FIFO:
      return fs::file_type::fifo;
    case DT_SOCK:
      return fs::file_type::socket;
    case DT_CHR:
      return fs::file_type::character;
    case DT_BLK:
      return fs::file_type::block;
    default:
      return fs::file_type::none;
  }
}

// The directory's entries sorted by name. Errors name the directory. readdir rather than
// fs::directory_iterator: the listing's own entry types (d_type, given by ext4, xfs, btrfs,
// tmpfs, overlayfs …) make an lstat per entry unnecessary, where directory_entry's
// symlink_status() always asks again; a migrations directory is a thousand entries.
Result<std::vector<Entry>> List(const fs::path& dir) {
  auto fail = [&dir](int err) {
    return Status::Error("cannot list directory: " + std::generic_category().message(err),
                         PathString(dir));
  };
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return fail(errno);
  std::vector<Entry> out;
  for (;;) {
    errno = 0;
    const struct dirent* de = ::readdir(d);
    if (de == nullptr) {
      const int err = errno;
      ::closedir(d);
      if (err != 0) return fail(err);
      break;
    }
    const std::string_view name = de->d_name;
    if (name == "." || name == "..") continue;
    Entry e;
    e.name = std::string(name);
    e.type = TypeOf(de->d_type);
    std::error_code ignored;
    if (e.type == fs::file_type::none) e.type = fs::symlink_status(dir / e.name, ignored).type();
    e.target = e.type == fs::file_type::symlink ? fs::status(dir / e.name, ignored).type() : e.type;
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return CompareNames(a.name, b.name) < 0; });
  return out;
}

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::symlink_status(p, ec).type() != fs::file_type::not_found && !ec;
}

bool IsDirectory(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsPlainSql(const Entry& e) {
  return e.target == fs::file_type::regular && EndsWith(e.name, ".sql") && e.name.size() > 4;
}

// open(2)'s flags for a file discovery reads. O_NONBLOCK: a FIFO must not hang the open.
constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;

// The bytes of `p`; `fd`, when given, is `p` already opened with kReadFlags (closed here).
Result<std::string> ReadBytes(const fs::path& p, int fd = -1) {
  // The path as messages show it; normalising it costs, so only on an error.
  auto where = [&p] { return PathString(p); };
  // open, then fstat: one system call fewer per file than asking for its type first, which
  // counts when discovery reads a thousand migrations.
  if (fd < 0) fd = ::open(p.c_str(), kReadFlags);
  if (fd < 0) {
    const int err = errno;
    std::error_code ec;
    const fs::file_type type = fs::status(p, ec).type();
    if (type == fs::file_type::not_found) {
      const bool link = fs::symlink_status(p, ec).type() == fs::file_type::symlink;
      return Status::Error(
          link ? "cannot read: dangling symbolic link" : "cannot read: no such file", where());
    }
    if (type != fs::file_type::regular && type != fs::file_type::unknown)
      return Status::Error("cannot read: not a regular file", where());
    return Status::Error(std::string("cannot read: ") + std::strerror(err), where());
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::Error("cannot read: not a regular file", where());
  }
  // Read straight into the string, asking for one byte more than the size fstat reported: a read
  // that returns less than asked, with the whole reported size in, is the end of the file, which
  // saves the usual extra read that returns 0 (one system call per migration). A file that grew
  // since fstat, or a short read before the reported size, just goes on reading.
  const size_t size = static_cast<size_t>(st.st_size);
  std::string out(size + 1, '\0');
  size_t got = 0;
  for (;;) {
    if (got == out.size()) out.resize(out.size() * 2);
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Status::Error(std::string("cannot read: ") + std::strerror(err), where());
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got == size && got < out.size()) break;
  }
  out.resize(got);
  ::close(fd);
  return out;
}

// What prisma-engines' read_provider_from_lock_file yields: the first line starting with
// "provider", stripped of leading "provider = " and of quotes; it does not parse TOML.
std::string ProviderAsPrismaReadsIt(std::string_view text) {
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("provider")) {
      while (line.starts_with("provider = ")) line.remove_prefix(11);
      while (!line.empty() && line.front() == '"') line.remove_prefix(1);
      while (!line.empty() && line.back() == '"') line.remove_suffix(1);
      return std::string(line);
    }
    pos = end + 1;
  }
  return "<PROVIDER NOT FOUND>";
}

// The first byte where `bytes` stops being well-formed UTF-8 (ToWellFormedUtf8 copies
// well-formed text unchanged, so the first difference is there).
size_t FirstInvalidUtf8(std::string_view bytes, std::string_view well_formed) {
  size_t i = 0;
  while (i < bytes.size() && i < well_formed.size() && bytes[i] == well_formed[i]) ++i;
  return i;
}

// Refuses what no PostgreSQL server can be sent as it is: a UTF-16 file, or a NUL byte, which
// the protocol cannot carry (it ends strings there, so everything after it would be silently
// dropped: libpg_query and libpq both take C strings). Prisma fails on such files too.
Status CheckBytes(const fs::path& path, std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    const bool little = bytes[0] == '\xFF';
    return Status::Error(std::string("the file is UTF-16 (") +
                             (little ? "little-endian, byte order mark FF FE"
                                     : "big-endian, byte order mark FE FF") +
                             "), but Prisma and PostgreSQL read migrations as UTF-8: convert it, "
                             "e.g. iconv -f UTF-16 -t UTF-8",
                         PathString(path));
  }
  if (const size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    const SourceFile file(PathString(path), std::string(bytes.substr(0, nul + 1)));
    return Status::Error(
        "NUL byte (0x00): PostgreSQL cannot be sent it, and everything after it would be "
        "silently dropped (Prisma fails on this file too); remove it",
        file.Where(nul));
  }
  return Status::Ok();
}

class Discoverer {
 public:
  explicit Discoverer(std::function<void(const Migration&)> on_read = {})
      : on_read_(std::move(on_read)) {}
  Status Add(const std::string& argument);
  MigrationSet Take() { return std::move(set_); }

 private:
  Status AddPrismaDirectory(const std::string& argument, const fs::path& dir);
  Status AddPrismaFolder(const std::string& argument, const fs::path& folder);
  Status AddPlainDirectory(const std::string& argument, const fs::path& dir,
                           const std::vector<Entry>& entries);
  Status AddPlainFile(const std::string& argument, const fs::path& file);
  Status AddPrisma8Directory(const std::string& argument, const fs::path& dir);
  Status AddPrisma8Package(const std::string& argument, const fs::path& folder);
  Status AddDirectory(const std::string& argument, const fs::path& dir);

  // Reads the file and appends the migration, unless an earlier PATH already brought it.
  // `fd`: sql_path already opened with kReadFlags, or -1. It is closed here.
  Status AddMigration(std::string name, fs::path sql_path, fs::path folder, MigrationKind kind,
                      int fd = -1);
  std::optional<std::string> ReadProvider(const fs::path& dir);
  // Prisma's P3019: a lock file naming another provider than PostgreSQL is refused.
  static Status CheckProvider(const Source& source, const fs::path& dir);
  fs::path Canonical(const fs::path& p);
  // List(dir), once per directory: finding a migrations directory and then adding it listed it
  // twice, and a listing may cost a system call per entry where the file system gives no types.
  Result<std::vector<Entry>> Listing(const fs::path& dir) {
    if (auto it = listed_.find(dir); it != listed_.end()) return it->second;
    Result<std::vector<Entry>> entries = List(dir);
    if (entries.ok()) listed_.emplace(dir, *entries);
    return entries;
  }
  void CheckNames(const fs::path& dir, size_t first_migration);
  void FindMigrationDirectories(const fs::path& dir, int depth, std::vector<fs::path>& found);
  void Warn(const fs::path& where, std::string message) {
    set_.notes.push_back({NoteLevel::kWarning, PathString(where), std::move(message)});
  }
  void Tell(const fs::path& where, std::string message) {
    set_.notes.push_back({NoteLevel::kNote, PathString(where), std::move(message)});
  }
  Source& NewSource(const std::string& argument, LayoutKind kind, const fs::path& directory) {
    Source s;
    s.argument = argument;
    s.kind = kind;
    s.directory = Clean(directory);
    set_.sources.push_back(std::move(s));
    return set_.sources.back();
  }

  std::function<void(const Migration&)> on_read_;
  MigrationSet set_;
  // Keyed by the path's string: fs::path's own ordering compares component by component, which
  // showed in profiles of large histories. Canonical paths are normal, so equal strings is
  // equal paths; for the memo, a differently spelt path is merely a miss.
  std::unordered_set<std::string> seen_;                 // canonical paths of the files read so far
  std::unordered_map<std::string, fs::path> canonical_;  // Canonical's memo
  std::map<fs::path, std::vector<Entry>> listed_;        // Listing's memo
};

// A directory is a Prisma migrations directory when it has the lock file or at least one
// sub-folder holding migration.sql.
// A Prisma 8 migrations directory (migrations/app/): a sub-folder holds ops.json.
bool LooksLikePrisma8Directory(const fs::path& dir, const std::vector<Entry>& entries) {
  for (const Entry& e : entries) {
    if (e.type == fs::file_type::directory && Exists(dir / e.name / kOpsFile)) return true;
  }
  return false;
}

bool IsPrisma8Directory(const fs::path& dir) {
  if (!IsDirectory(dir)) return false;
  Result<std::vector<Entry>> entries = List(dir);
  return entries.ok() && LooksLikePrisma8Directory(dir, *entries);
}

bool LooksLikePrismaDirectory(const fs::path& dir, const std::vector<Entry>& entries) {
  for (const Entry& e : entries) {
    if (e.name == kLockFile) return true;
    // A symbolic link to a migration folder too: Prisma skips it, but the directory is still a
    // migrations directory (one where nothing is applied), not a project root to search.
    if ((e.type == fs::file_type::directory || e.target == fs::file_type::directory) &&
        Exists(dir / e.name / kMigrationFile)) {
      return true;
    }
  }
  return false;
}

Status Discoverer::Add(const std::string& argument) {
  // A URL is never a path, and echoing it would print its password.
  if (LooksLikeUrl(argument)) {
    return Status::Error(
        "a URL where a PATH was expected: give the database with --database or DATABASE_URL",
        Printable(argument));
  }
  const fs::path p(argument);
  std::error_code ec;
  const fs::file_type type = fs::status(p, ec).type();
  if (type == fs::file_type::not_found) {
    return Status::Error("no such file or directory", Printable(argument));
  }
  if (type == fs::file_type::directory) return AddDirectory(argument, p);
  if (type != fs::file_type::regular) {
    return Status::Error(ec ? "cannot access: " + ec.message() : "not a file or directory",
                         Printable(argument));
  }
  const std::string filename = p.filename().string();
  if (filename == kMigrationFile) return AddPrismaFolder(argument, Clean(p).parent_path());
  if (filename == kOpsFile) return AddPrisma8Package(argument, Clean(p).parent_path());
  if (EndsWith(filename, ".sql") && filename.size() > 4) return AddPlainFile(argument, p);
  if (EndsWith(filename, ".prisma")) {
    const fs::path dir = Clean(p).parent_path() / "migrations";
    if (!IsDirectory(dir))
      return Status::Error("no migrations/ directory next to this schema", Printable(argument));
    return AddPrismaDirectory(argument, dir);
  }
  return Status::Error("not a .sql file, a migration folder or a migrations directory",
                       Printable(argument));
}

Status Discoverer::AddDirectory(const std::string& argument, const fs::path& dir) {
  Result<std::vector<Entry>> entries = Listing(dir);
  if (!entries.ok()) return entries.status();
  for (const Entry& e : *entries) {
    if (e.name == kMigrationFile) return AddPrismaFolder(argument, dir);
  }
  for (const Entry& e : *entries) {
    if (e.name == kOpsFile) return AddPrisma8Package(argument, dir);
  }
  if (LooksLikePrismaDirectory(dir, *entries)) return AddPrismaDirectory(argument, dir);
  if (LooksLikePrisma8Directory(dir, *entries)) return AddPrisma8Directory(argument, dir);
  if (IsPrisma8Directory(dir / "app")) return AddPrisma8Directory(argument, dir / "app");
  if (std::any_of(entries->begin(), entries->end(), IsPlainSql)) {
    return AddPlainDirectory(argument, dir, *entries);
  }
  // A project root. Prisma 7's prisma.config.ts says where the migrations are.
  if (std::optional<fs::path> config = FindPrismaConfig(dir)) {
    Result<PrismaConfig> read = ReadPrismaConfig(*config);
    // Unreadable, the config says nothing: the usual places may still hold the migrations.
    if (!read.ok()) {
      set_.notes.push_back(
          {NoteLevel::kWarning, read.status().where(),
           read.status().message() + "; looking for the migrations as without it"});
      read = PrismaConfig{};
    }
    Result<std::optional<fs::path>> configured = ConfigMigrationsDirectory(*read);
    if (!configured.ok()) return configured.status();
    if (*configured) {
      if (!IsDirectory(**configured)) {
        return Status::Error(
            "the migrations directory it names, " + PathString(**configured) + ", does not exist",
            PathString(*config));
      }
      Tell(**configured, "the migrations directory of " + PathString(*config));
      return AddPrismaDirectory(argument, Clean(**configured));
    }
  }
  if (IsDirectory(dir / "prisma" / "migrations")) {
    if (IsPrisma8Directory(dir / "prisma" / "migrations" / "app"))
      return AddPrisma8Directory(argument, dir / "prisma" / "migrations" / "app");
    return AddPrismaDirectory(argument, dir / "prisma" / "migrations");
  }
  if (IsPrisma8Directory(dir / "migrations" / "app"))
    return AddPrisma8Directory(argument, dir / "migrations" / "app");
  const bool has_schema = std::any_of(entries->begin(), entries->end(), [](const Entry& e) {
    return e.target == fs::file_type::regular && EndsWith(e.name, ".prisma");
  });
  if (has_schema && IsDirectory(dir / "migrations")) {
    return AddPrismaDirectory(argument, dir / "migrations");
  }
  std::vector<fs::path> found;
  FindMigrationDirectories(dir, 1, found);
  if (found.size() == 1) {
    Tell(found[0], "using the Prisma migrations directory found below " + Printable(argument));
    return AddPrismaDirectory(argument, found[0]);
  }
  if (found.size() > 1) {
    std::string list;
    for (size_t i = 0; i < found.size(); ++i) list += (i ? ", " : "") + PathString(found[i]);
    return Status::Error(
        "several Prisma migrations directories below this path (" + list + "): pass one of them",
        Printable(argument));
  }
  return Status::Error(
      "no migrations found: expected prisma/migrations/, <name>/migration.sql folders or .sql "
      "files",
      Printable(argument));
}

void Discoverer::FindMigrationDirectories(const fs::path& dir, int depth,
                                          std::vector<fs::path>& found) {
  if (depth > kSearchDepth) return;
  Result<std::vector<Entry>> entries = Listing(dir);
  if (!entries.ok()) return;
  for (const Entry& e : *entries) {
    // Dependencies and VCS data hold other projects' migrations, never the user's.
    if (e.type != fs::file_type::directory || e.name.starts_with('.') || e.name == "node_modules") {
      continue;
    }
    const fs::path sub = dir / e.name;
    Result<std::vector<Entry>> sub_entries = Listing(sub);
    if (!sub_entries.ok()) continue;
    if (LooksLikePrismaDirectory(sub, *sub_entries)) {
      found.push_back(sub);
    } else {
      FindMigrationDirectories(sub, depth + 1, found);
    }
  }
}

Status Discoverer::AddPrismaDirectory(const std::string& argument, const fs::path& dir) {
  Result<std::vector<Entry>> entries = Listing(dir);
  if (!entries.ok()) return entries.status();
  const size_t source = set_.sources.size();
  NewSource(argument, LayoutKind::kPrismaDirectory, dir);
  const size_t first = set_.migrations.size();
  size_t found = 0;
  size_t linked = 0;
  for (const Entry& e : *entries) {
    set_.sources[source].existing_names.push_back(e.name);
    const fs::path path = dir / e.name;
    if (e.type == fs::file_type::symlink && e.target == fs::file_type::directory) {
      ++linked;
      Warn(path, "symbolic link to a folder: Prisma does not follow it, so lockstep skips it too");
    } else if (e.type == fs::file_type::directory) {
      const fs::path sql = path / kMigrationFile;
      // Opened right away rather than asked for its type first (one system call fewer per
      // migration): O_NOFOLLOW opens anything but a symbolic link, so an open file is known
      // not to be one. A link, or a failed open, takes the general way.
      int fd = ::open(sql.c_str(), kReadFlags | O_NOFOLLOW);
      fs::file_type type = fs::file_type::unknown;  // not a symbolic link
      if (fd < 0) {
        std::error_code ec;
        type = fs::symlink_status(sql, ec).type();
        if (ec || type == fs::file_type::not_found) {
          Tell(path, "no migration.sql in this folder: Prisma ignores it, so does lockstep");
          continue;
        }
      }
      // What Canonical would find by asking the file system again: the folder is a real
      // directory (the listing says so), and the file's type was just read. Discovering a
      // thousand migrations is mostly system calls; this saves two per migration.
      const fs::path folder = Canonical(dir) / e.name;
      canonical_.emplace(path.native(), folder);
      if (type != fs::file_type::symlink) canonical_.emplace(sql.native(), folder / kMigrationFile);
      ++found;
      Status s = AddMigration(e.name, sql, path, MigrationKind::kPrismaFolder, fd);
      if (!s.ok()) return s;
    } else if (IsPlainSql(e)) {
      Tell(path, "Prisma ignores .sql files outside migration folders, so does lockstep");
    }
  }
  if (found == 0 && linked > 0) {
    // `prisma migrate deploy` succeeds with nothing to apply here; so does lockstep, saying why.
    Warn(dir,
         "every migration folder here is a symbolic link, which Prisma does not follow: nothing "
         "to apply (replace the links with the folders themselves)");
  } else if (found == 0) {
    return Status::Error("no migrations: no <name>/migration.sql folder here", PathString(dir));
  }
  set_.sources[source].provider = ReadProvider(dir);
  if (Status s = CheckProvider(set_.sources[source], dir); !s.ok()) return s;
  CheckNames(dir, first);
  return Status::Ok();
}

Status Discoverer::AddPrisma8Directory(const std::string& argument, const fs::path& dir) {
  Result<std::vector<Entry>> entries = Listing(dir);
  if (!entries.ok()) return entries.status();
  NewSource(argument, LayoutKind::kPrisma8Directory, dir);
  const size_t source = set_.sources.size() - 1;
  size_t found = 0;
  for (const Entry& e : *entries) {
    set_.sources[source].existing_names.push_back(e.name);
    if (e.type != fs::file_type::directory) continue;
    const fs::path ops = dir / e.name / kOpsFile;
    if (!Exists(ops)) {
      Tell(dir / e.name, "no ops.json in this folder: not a Prisma 8 package, skipped");
      continue;
    }
    ++found;
    Status s = AddMigration(e.name, ops, dir / e.name, MigrationKind::kPrisma8Package);
    if (!s.ok()) return s;
  }
  if (found == 0)
    return Status::Error("no migrations: no <name>/ops.json package here", PathString(dir));
  return Status::Ok();
}

Status Discoverer::AddPrisma8Package(const std::string& argument, const fs::path& folder) {
  std::error_code ec;
  const fs::path absolute = Clean(fs::absolute(folder, ec));
  const fs::path parent = Clean(folder / "..");
  NewSource(argument, LayoutKind::kPrisma8Package, parent);
  const size_t source = set_.sources.size() - 1;
  Status s = AddMigration(absolute.filename().string(), Clean(folder) / kOpsFile, Clean(folder),
                          MigrationKind::kPrisma8Package);
  if (!s.ok()) return s;
  if (Result<std::vector<Entry>> siblings = Listing(parent); siblings.ok()) {
    for (const Entry& e : *siblings) set_.sources[source].existing_names.push_back(e.name);
  }
  return Status::Ok();
}

Status Discoverer::AddPrismaFolder(const std::string& argument, const fs::path& folder) {
  // The name comes from the absolute path so that "." or "../x/" still yield the folder's name.
  std::error_code ec;
  const fs::path absolute = Clean(fs::absolute(folder, ec));
  const fs::path parent = Clean(folder / "..");
  const size_t source = set_.sources.size();
  NewSource(argument, LayoutKind::kPrismaFolder, parent);
  const size_t first = set_.migrations.size();
  Status s = AddMigration(absolute.filename().string(), Clean(folder) / kMigrationFile,
                          Clean(folder), MigrationKind::kPrismaFolder);
  if (!s.ok()) return s;
  if (Result<std::vector<Entry>> siblings = Listing(parent); siblings.ok()) {
    for (const Entry& e : *siblings) set_.sources[source].existing_names.push_back(e.name);
  }
  set_.sources[source].provider = ReadProvider(parent);
  if (Status s = CheckProvider(set_.sources[source], parent); !s.ok()) return s;
  CheckNames(parent, first);
  return Status::Ok();
}

Status Discoverer::AddPlainDirectory(const std::string& argument, const fs::path& dir,
                                     const std::vector<Entry>& entries) {
  const size_t source = set_.sources.size();
  NewSource(argument, LayoutKind::kPlainDirectory, dir);
  std::vector<const Entry*> files;
  for (const Entry& e : entries) {
    if (IsPlainSql(e)) files.push_back(&e);
  }
  // Ordered by stem, the migration's name, so that naming.h's order holds for plain files too
  // (by whole file name, `a-b.sql` would sort before `a.sql`).
  auto stem = [](const Entry* e) {
    return std::string_view(e->name).substr(0, e->name.size() - 4);
  };
  std::sort(files.begin(), files.end(),
            [&](const Entry* a, const Entry* b) { return CompareNames(stem(a), stem(b)) < 0; });
  const size_t first = set_.migrations.size();
  for (const Entry* e : files) {
    set_.sources[source].existing_names.emplace_back(stem(e));
    Status s = AddMigration(std::string(stem(e)), dir / e->name, dir, MigrationKind::kPlainFile);
    if (!s.ok()) return s;
  }
  CheckNames(dir, first);
  return Status::Ok();
}

Status Discoverer::AddPlainFile(const std::string& argument, const fs::path& file) {
  const fs::path dir = Clean(Clean(file).parent_path());
  const size_t source = set_.sources.size();
  NewSource(argument, LayoutKind::kPlainFile, dir);
  const std::string filename = file.filename().string();
  const size_t first = set_.migrations.size();
  Status s = AddMigration(filename.substr(0, filename.size() - 4), Clean(file), dir,
                          MigrationKind::kPlainFile);
  if (!s.ok()) return s;
  if (Result<std::vector<Entry>> siblings = Listing(dir); siblings.ok()) {
    for (const Entry& e : *siblings) {
      if (IsPlainSql(e))
        set_.sources[source].existing_names.push_back(e.name.substr(0, e.name.size() - 4));
    }
  }
  CheckNames(dir, first);
  return Status::Ok();
}

// fs::weakly_canonical(p), or p made absolute and normal when that fails. weakly_canonical
// resolves every component (realpath: a readlink per component, a dozen system calls per file of
// a deep history); the directories of a history are few, so each is resolved once here and a path
// that is no symbolic link itself is its resolved parent plus its name.
fs::path Discoverer::Canonical(const fs::path& p) {
  if (auto it = canonical_.find(p.native()); it != canonical_.end()) return it->second;
  fs::path out;
  std::error_code ec;
  const fs::path name = p.filename();
  bool plain =
      p.has_parent_path() && p.has_relative_path() && !name.empty() && name != "." && name != "..";
  if (plain) {
    const fs::file_type t = fs::symlink_status(p, ec).type();
    plain = !ec && t != fs::file_type::symlink && t != fs::file_type::not_found;
  }
  if (plain) {
    out = Canonical(p.parent_path()) / name;
  } else {
    out = fs::weakly_canonical(p, ec);
    if (ec) out = fs::absolute(p, ec).lexically_normal();
  }
  canonical_.emplace(p.native(), out);
  return out;
}

Status Discoverer::AddMigration(std::string name, fs::path sql_path, fs::path folder,
                                MigrationKind kind, int fd) {
  fs::path key = Canonical(sql_path);
  if (!seen_.insert(key.native()).second) {
    if (fd >= 0) ::close(fd);
    Tell(sql_path, "reached through two PATH arguments; kept once");
    return Status::Ok();
  }
  Result<std::string> bytes = ReadBytes(sql_path, fd);
  if (!bytes.ok()) return bytes.status();
  if (Status s = CheckBytes(sql_path, *bytes); !s.ok()) return s;
  if (!IsValidUtf8(*bytes)) {
    // Prisma reads the file as UTF-8 text, then runs and hashes that text. Running the raw bytes
    // instead fails on the server (22021), and recording that failure fails on the same bytes.
    std::string text = ToWellFormedUtf8(*bytes);
    const size_t at = FirstInvalidUtf8(*bytes, text);
    const SourceFile file(PathString(sql_path), bytes->substr(0, at + 1));
    set_.notes.push_back({NoteLevel::kWarning, file.Where(at),
                          "not valid UTF-8: read as Prisma reads it, each invalid byte sequence "
                          "replaced by U+FFFD, and run that way (the checksum is Prisma's)"});
    *bytes = std::move(text);
  }
  Migration m;
  if (kind == MigrationKind::kPrisma8Package) {
    Result<Prisma8Package> package = ReadOpsJson(PathString(sql_path), *bytes);
    if (!package.ok()) return package.status();
    *bytes = std::move(package->sql);
    m.operations = std::move(package->operations);
    m.prisma8_wrapping = package->wrapping;
    const fs::path manifest = folder / "migration.json";
    std::error_code ec;
    if (fs::is_regular_file(manifest, ec)) {
      Result<std::string> text = ReadBytes(manifest);
      if (!text.ok()) return text.status();
      Result<std::optional<std::string>> to = ReadManifestTo(PathString(manifest), *text);
      if (!to.ok()) return to.status();
      m.prisma8_to_hash = std::move(*to);
    }
  }
  m.name = std::move(name);
  m.sql_path = std::move(sql_path);
  m.folder = std::move(folder);
  m.kind = kind;
  m.sql = std::move(bytes).value();
  m.canonical_path = std::move(key);
  m.source = set_.sources.size() - 1;
  set_.migrations.push_back(std::move(m));
  if (on_read_) on_read_(set_.migrations.back());
  return Status::Ok();
}

// Warnings about names of the migrations [first, end) that Prisma would handle differently.
void Discoverer::CheckNames(const fs::path& dir, size_t first) {
  const std::vector<Migration>& ms = set_.migrations;
  bool prisma = false;
  for (size_t i = first; i < ms.size(); ++i) {
    if (ms[i].name.size() > kMaxNameLength) {
      Warn(ms[i].folder,
           "name longer than 255 bytes: _prisma_migrations.migration_name cannot hold it");
    }
    prisma = prisma || ms[i].kind == MigrationKind::kPrismaFolder;
  }
  if (!prisma) return;
  // Both orders are total on distinct names, so if they differ some neighbours are inverted.
  bool locale_dependent = false;
  for (size_t i = first; i + 1 < ms.size(); ++i) {
    const std::optional<int> cli = CompareNamesLikePrismaCli(ms[i].name, ms[i + 1].name);
    if (!cli) {
      locale_dependent = true;
    } else if (*cli > 0) {
      Warn(dir, "'" + EscapeControl(ms[i].name) + "' runs before '" +
                    EscapeControl(ms[i + 1].name) +
                    "' in byte order (lockstep, prisma-engines) but after it in the Prisma CLI's "
                    "localeCompare order: rename one so that both orders agree");
    }
  }
  if (locale_dependent) {
    Warn(dir,
         "a folder name has bytes outside printable ASCII: the Prisma CLI's order of such "
         "names depends on the locale");
  }
}

std::optional<std::string> Discoverer::ReadProvider(const fs::path& dir) {
  const fs::path path = dir / kLockFile;
  if (!Exists(path)) return std::nullopt;
  Result<std::string> text = ReadBytes(path);
  if (!text.ok()) {
    // Prisma treats an unreadable lock file as a missing one.
    Warn(path, text.status().message() + "; treated as absent, as Prisma does");
    return std::nullopt;
  }
  const std::string prisma_view = ProviderAsPrismaReadsIt(*text);
  std::optional<std::string> provider;
#ifdef LOCKSTEP_HAVE_TOMLPLUSPLUS
  std::string toml_error;
  std::optional<toml::table> table;
#if TOML_EXCEPTIONS
  try {
    table = toml::parse(*text, PathString(path));
  } catch (const toml::parse_error& e) {
    toml_error = std::string(e.description()) + " at line " + std::to_string(e.source().begin.line);
  }
#else
  toml::parse_result parsed = toml::parse(*text, PathString(path));
  if (parsed) {
    table = std::move(parsed).table();
  } else {
    toml_error = std::string(parsed.error().description()) + " at line " +
                 std::to_string(parsed.error().source().begin.line);
  }
#endif
  if (!table) {
    Warn(path, "not valid TOML (" + toml_error + "); provider read line by line as Prisma does");
    provider = prisma_view;
  } else if (std::optional<std::string> p = (*table)["provider"].value<std::string>()) {
    provider = *p;
    if (*p != prisma_view) {
      Warn(path, "Prisma reads the provider here as '" + prisma_view + "', not '" + *p +
                     "' (it matches the line text, not TOML): write provider = \"" + *p + "\"");
    }
  } else {
    Warn(path, "no provider = \"…\" entry");
    provider = "";
  }
#else
  provider = prisma_view;
#endif
  return provider;
}

Status Discoverer::CheckProvider(const Source& source, const fs::path& dir) {
  // An empty provider (no entry) was warned about when the lock file was read.
  const std::optional<std::string>& p = source.provider;
  if (!p || p->empty() || *p == "postgresql" || *p == "postgres") return Status::Ok();
  return Status::Error(
      "provider \"" + EscapeControl(*p) +
          "\": this migration history is for another database, and lockstep only "
          "deploys PostgreSQL ones; `prisma migrate deploy` refuses it too (P3019)",
      PathString(dir / kLockFile));
}

}  // namespace

std::string_view MigrationKindName(MigrationKind k) {
  switch (k) {
    case MigrationKind::kPrismaFolder:
      return "prisma folder";
    case MigrationKind::kPlainFile:
      return "plain file";
    case MigrationKind::kPrisma8Package:
      return "prisma 8 package";
  }
  return "?";
}

std::string_view LayoutKindName(LayoutKind k) {
  switch (k) {
    case LayoutKind::kPrismaDirectory:
      return "prisma migrations directory";
    case LayoutKind::kPrismaFolder:
      return "prisma migration folder";
    case LayoutKind::kPlainDirectory:
      return "directory of .sql files";
    case LayoutKind::kPlainFile:
      return ".sql file";
    case LayoutKind::kPrisma8Directory:
      return "prisma 8 migrations directory";
    case LayoutKind::kPrisma8Package:
      return "prisma 8 package";
  }
  return "?";
}

std::string Note::ToString() const {
  return where + (level == NoteLevel::kWarning ? ": warning: " : ": note: ") + message;
}

Result<MigrationSet> Discover(const std::vector<std::string>& paths) { return Discover(paths, {}); }

Result<MigrationSet> Discover(const std::vector<std::string>& paths,
                              const std::function<void(const Migration&)>& on_read) {
  if (paths.empty()) return Status::Error("no PATH given");
  Discoverer d(on_read);
  for (const std::string& p : paths) {
    Status s = d.Add(p);
    if (!s.ok()) return s;
  }
  return d.Take();
}

Result<MigrationSet> Discover(const std::string& path) {
  return Discover(std::vector<std::string>{path});
}

std::vector<bool> PlaceInOneRun(const std::vector<Migration*>& pending) {
  std::vector<bool> continues(pending.size(), false);
  std::vector<size_t> run;
  for (size_t i = 0; i < pending.size(); ++i)
    if (pending[i]->kind == MigrationKind::kPrisma8Package) run.push_back(i);
  for (size_t k = 0; k < run.size(); ++k) {
    Migration& m = *pending[run[k]];
    PlaceInRun(m.sql, m.prisma8_wrapping, k == 0, k + 1 == run.size());
    continues[run[k]] = k > 0;
  }
  return continues;
}

Status RefusePrisma8(const MigrationSet& set, std::string_view command, std::string_view why) {
  for (const Migration& m : set.migrations) {
    if (m.kind != MigrationKind::kPrisma8Package) continue;
    return Status::Error(
        "a Prisma 8 migration package (ops.json): " + std::string(command) + " " + std::string(why),
        PathString(m.sql_path));
  }
  return Status::Ok();
}

}  // namespace lockstep::migrations
