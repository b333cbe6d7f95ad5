#include "fix/writer.h"

#include <fstream>
#include <system_error>

#include "migrations/naming.h"

namespace lockstep::fix {

namespace fs = std::filesystem;

Result<FixInput> FindFixInput(const std::string& path) {
  Result<migrations::MigrationSet> given = migrations::Discover(path);
  if (!given.ok()) return given.status();
  if (Status s = migrations::RefusePrisma8(
          *given, "lockstep fix",
          "rewrites migration.sql folders; Prisma 8 packages are generated from migration.ts, "
          "and their SQL is checked against migrationHash");
      !s.ok()) {
    return s;
  }
  if (given->sources.empty() || given->migrations.empty())
    return Status::Error("no migration found", path);
  const migrations::Source& src = given->sources.front();
  FixInput in;
  std::string target_name;
  fs::path target_path;
  if (src.kind == migrations::LayoutKind::kPrismaFolder ||
      src.kind == migrations::LayoutKind::kPlainFile) {
    target_name = given->migrations.front().name;
    target_path = given->migrations.front().sql_path;
    // The history lives beside it.
    Result<migrations::MigrationSet> all = migrations::Discover(src.directory.string());
    if (!all.ok()) return all.status();
    given = std::move(all);
  } else {
    target_name = given->migrations.back().name;
    target_path = given->migrations.back().sql_path;
  }
  in.source = given->sources.front();
  for (const migrations::Note& n : given->notes) in.notes.push_back(n.ToString());
  bool found = false;
  for (migrations::Migration& m : given->migrations) {
    const bool is_target = m.name == target_name;
    in.migrations.push_back(std::move(m));
    if (is_target) {
      in.target = in.migrations.size() - 1;
      found = true;
      break;
    }
  }
  if (!found)
    return Status::Error("cannot find the migration among its neighbours", target_path.string());
  return in;
}

std::vector<analysis::MigrationText> MigrationTexts(const FixInput& input) {
  std::vector<analysis::MigrationText> out;
  for (size_t i = 0; i <= input.target && i < input.migrations.size(); ++i) {
    const migrations::Migration& m = input.migrations[i];
    out.push_back({m.name, m.sql_path.string(), m.sql});
  }
  return out;
}

Result<std::vector<OutputFile>> LayOut(const FixInput& input, const Plan& plan) {
  const migrations::Migration& target = input.migrations[input.target];
  const bool prisma = target.kind == migrations::MigrationKind::kPrismaFolder;
  auto relative = [&](const std::string& name) {
    return prisma ? fs::path(name) / "migration.sql" : fs::path(name + ".sql");
  };
  std::vector<OutputFile> files;
  fs::path target_rel = prisma ? relative(target.name) : target.sql_path.filename();
  files.push_back({target_rel, plan.original, plan.rewritten, false, target.name});
  std::vector<std::string> suffixes;
  for (const NewMigration& m : plan.after) {
    std::string s = migrations::SnakeCase(m.slug);
    if (s.empty()) s = "step";
    suffixes.push_back(std::move(s));
  }
  Result<std::vector<std::string>> names =
      migrations::NamesAfter(target.name, input.source.existing_names, suffixes);
  if (!names.ok()) return Status::Error(names.status().message(), input.source.directory.string());
  for (size_t i = 0; i < plan.after.size(); ++i)
    files.push_back({relative((*names)[i]), "", plan.after[i].sql, true, (*names)[i]});
  return files;
}

namespace {

Status WriteFile(const fs::path& p, const std::string& content) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec)
    return Status::Error("cannot create directory: " + ec.message(), p.parent_path().string());
  // Write then rename, so that an interrupted run never leaves a half-written migration.
  const fs::path tmp = p.string() + ".lockstep-tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Status::Error("cannot write file", tmp.string());
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!f) return Status::Error("cannot write file", tmp.string());
  }
  fs::rename(tmp, p, ec);
  if (ec) return Status::Error("cannot replace file: " + ec.message(), p.string());
  return Status::Ok();
}

}  // namespace

Status WriteFiles(const fs::path& directory, const std::vector<OutputFile>& files) {
  for (const OutputFile& f : files) {
    if (!f.is_new && f.before == f.after) continue;
    const fs::path p = directory / f.relative;
    std::error_code ec;
    if (f.is_new && fs::exists(p, ec))
      return Status::Error("refusing to overwrite an existing file", p.string());
    if (Status s = WriteFile(p, f.after); !s.ok()) return s;
  }
  return Status::Ok();
}

Status WriteCopy(const FixInput& input, const fs::path& out, const std::vector<OutputFile>& files) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec))
    return Status::Error("--out directory exists and is not empty", out.string());
  fs::create_directories(out, ec);
  if (ec) return Status::Error("cannot create directory: " + ec.message(), out.string());
  fs::copy(input.source.directory, out,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec)
    return Status::Error("cannot copy the migrations directory: " + ec.message(), out.string());
  return WriteFiles(out, files);
}

}  // namespace lockstep::fix
