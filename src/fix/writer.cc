#include "fix/writer.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "migrations/contract.h"
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
  if (plan.contract.empty()) return files;

  // The contract phase, named as if it followed the expand phase (the order it is released in),
  // into the holding directory.
  if (!prisma)
    return Status::Error(
        "the contract phase is held back as Prisma migration folders: fix a Prisma migrations "
        "directory",
        input.source.directory.string());
  std::vector<std::string> contract_suffixes;
  for (const NewMigration& m : plan.contract) {
    std::string s = migrations::SnakeCase(m.slug);
    contract_suffixes.push_back(s.empty() ? "contract" : std::move(s));
  }
  const std::string expand = files.back().migration;
  std::vector<std::string> existing = input.source.existing_names;
  for (const OutputFile& f : files) existing.push_back(f.migration);
  std::sort(existing.begin(), existing.end());
  Result<std::vector<std::string>> held_names =
      migrations::NamesAfter(expand, existing, contract_suffixes);
  if (!held_names.ok())
    return Status::Error(held_names.status().message(), input.source.directory.string());
  const fs::path holding = migrations::HoldingDirectory(input.source.directory);
  for (size_t i = 0; i < plan.contract.size(); ++i) {
    const std::string& name = (*held_names)[i];
    std::error_code ec;
    if (fs::exists(holding / name, ec))
      return Status::Error(
          "a contract migration of that name is already held (from an earlier fix of " +
              target.name + "?): release or remove it first",
          (holding / name).string());
    const std::string header =
        migrations::ContractHeaderText({expand, target.name, plan.contract[i].purpose});
    OutputFile f{relative(name), "", header + plan.contract[i].sql, true, name};
    f.held = true;
    files.push_back(std::move(f));
  }
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
    const fs::path p = (f.held ? migrations::HoldingDirectory(directory) : directory) / f.relative;
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
