// libFuzzer target over the whole lint pipeline: file text -> parse -> history replay -> every
// rule -> every reporter. A NUL byte splits the input into an earlier migration (replayed as
// history) and the migration under lint; the first byte picks the settings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lint/rule_info.h"
#include "lint/runner.h"
#include "report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lockstep;
  if (size == 0) return 0;
  const uint8_t knobs = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  lint::Options options;
  options.settings.pg_version = 11 + knobs % 8;
  options.settings.assume_in_transaction = knobs & 0x08;
  options.settings.deployed_by_lockstep = knobs & 0x10;

  std::vector<analysis::MigrationText> migrations;
  size_t history = 0;
  if (const size_t nul = input.find('\0'); nul != std::string_view::npos) {
    migrations.push_back({"0001_history", "history.sql", std::string(input.substr(0, nul))});
    input.remove_prefix(nul + 1);
    history = 1;
  }
  migrations.push_back({"0002_fuzz", "fuzz.sql", std::string(input)});

  analysis::History h = lint::ReplayForLint(std::move(migrations), history, options.settings);
  report::Report r;
  r.diagnostics = lint::Run(h, options);
  for (const auto& m : h.migrations) r.sources[m.source.path()] = &m.source;
  r.files_linted = 1;
  r.rules = lint::DescribeRules();
  for (const Diagnostic& d : r.diagnostics) {
    // The runner's contract: ranges lie inside the file and reporters may rely on it.
    if (d.begin < 0 || d.end < d.begin ||
        static_cast<size_t>(d.end) > h.migrations.back().source.text().size())
      __builtin_trap();
  }
  report::TextOptions color;
  color.color = knobs & 0x20;
  for (report::Format f :
       {report::Format::kText, report::Format::kGcc, report::Format::kJson, report::Format::kSarif,
        report::Format::kGithub, report::Format::kMarkdown})
    (void)report::Render(f, r, color);
  return 0;
}
