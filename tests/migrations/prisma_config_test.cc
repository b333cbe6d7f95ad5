#include "migrations/prisma_config.h"

#include <gtest/gtest.h>

namespace lockstep::migrations {
namespace {

using Form = ConfigValue::Form;

PrismaConfig Parse(std::string_view text) {
  Result<PrismaConfig> c = ParsePrismaConfig("app/prisma.config.ts", text);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : PrismaConfig{};
}

TEST(PrismaConfigTest, ReadsPrismaInitTemplate) {
  const PrismaConfig c = Parse(R"(import "dotenv/config";
import { defineConfig, env } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    url: env("DATABASE_URL"),
  },
});
)");
  ASSERT_TRUE(c.schema && c.migrations_path && c.url);
  EXPECT_EQ(c.schema->form, Form::kLiteral);
  EXPECT_EQ(c.schema->literal, "prisma/schema.prisma");
  EXPECT_EQ(c.migrations_path->literal, "prisma/migrations");
  EXPECT_EQ(c.migrations_path->where, "app/prisma.config.ts:7:11");
  EXPECT_EQ(c.url->form, Form::kEnv);
  EXPECT_EQ(c.url->env_name, "DATABASE_URL");
  EXPECT_FALSE(c.direct_url);
}

TEST(PrismaConfigTest, ReadsSatisfiesFormProcessEnvAndQuotes) {
  const PrismaConfig c = Parse(R"(import type { PrismaConfig } from 'prisma'
// defineConfig({ schema: "not/this" }) in a comment does not count
export default {
  'schema': 'db/schema.prisma', /* a comment */
  datasource: {
    url: process.env.DATABASE_URL,
    directUrl: process.env["DIRECT_URL"],
    shadowDatabaseUrl: `postgresql://localhost/shadow`,
  },
} satisfies PrismaConfig
)");
  ASSERT_TRUE(c.schema && c.url && c.direct_url && c.shadow_database_url);
  EXPECT_EQ(c.schema->literal, "db/schema.prisma");
  EXPECT_EQ(c.url->env_name, "DATABASE_URL");
  EXPECT_EQ(c.direct_url->form, Form::kEnv);
  EXPECT_EQ(c.direct_url->env_name, "DIRECT_URL");
  EXPECT_EQ(c.shadow_database_url->literal, "postgresql://localhost/shadow");
  EXPECT_FALSE(c.migrations_path);
}

TEST(PrismaConfigTest, ComputedValuesKeepTheirPositionAndText) {
  const PrismaConfig c = Parse(R"(export default defineConfig({
  migrations: { path: path.join(__dirname, "migrations") },
  datasource: { url: process.env.DATABASE_URL ?? "", directUrl: `${host}/db` },
  other: { url: "ignored" },
});
)");
  ASSERT_TRUE(c.migrations_path && c.url && c.direct_url);
  EXPECT_EQ(c.migrations_path->form, Form::kComputed);
  EXPECT_EQ(c.migrations_path->source, "path.join(__dirname, \"migrations\")");
  EXPECT_EQ(c.migrations_path->where, "app/prisma.config.ts:2:23");
  EXPECT_EQ(c.url->form, Form::kComputed);
  EXPECT_EQ(c.url->source, "process.env.DATABASE_URL ?? \"\"");
  EXPECT_EQ(c.direct_url->form, Form::kComputed);
  const Status s = ComputedValueError(*c.url, "datasource.url", "pass --database URL");
  EXPECT_EQ(
      s.ToString(),
      "app/prisma.config.ts:3:22: error: datasource.url is computed (process.env.DATABASE_URL "
      "?? \"\"), which lockstep cannot evaluate (it reads string literals, env(\"NAME\") and "
      "process.env.NAME): pass --database URL");
}

TEST(PrismaConfigTest, MigrationsDirectoryFromPathOrSchema) {
  PrismaConfig with_path = Parse("export default defineConfig({ migrations: { path: 'db/m' } })");
  Result<std::optional<std::filesystem::path>> dir = ConfigMigrationsDirectory(with_path);
  ASSERT_TRUE(dir.ok() && *dir);
  EXPECT_EQ((*dir)->string(), "app/db/m");
  PrismaConfig with_schema = Parse("export default defineConfig({ schema: 'db/schema.prisma' })");
  dir = ConfigMigrationsDirectory(with_schema);
  ASSERT_TRUE(dir.ok() && *dir);
  EXPECT_EQ((*dir)->string(), "app/db/migrations");
  PrismaConfig neither = Parse("export default defineConfig({})");
  dir = ConfigMigrationsDirectory(neither);
  ASSERT_TRUE(dir.ok());
  EXPECT_FALSE(*dir);
  PrismaConfig from_env = Parse("export default defineConfig({ schema: env('SCHEMA') })");
  dir = ConfigMigrationsDirectory(from_env);
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().where(), "app/prisma.config.ts:1:39");
}

TEST(PrismaConfigTest, ErrorsPointAtTheFile) {
  Result<PrismaConfig> none = ParsePrismaConfig("p.ts", "module.exports = makeConfig()\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().ToString().find("p.ts:1:1: error: no configuration object"),
            std::string::npos);
  Result<PrismaConfig> open =
      ParsePrismaConfig("p.ts", "export default defineConfig({\n  schema: 'x\n})\n");
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().ToString(), "p.ts:2:11: error: unterminated string");
}

}  // namespace
}  // namespace lockstep::migrations
