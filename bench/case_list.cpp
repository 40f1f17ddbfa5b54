#include "bench/case_list.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "bench/sweep.hpp"

namespace actbench::cli {

void print_case_list(std::ostream& out, const Options& o) {
  const std::vector<const Case*> cases = selected_cases(o);
  if (o.list == ListFormat::json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Case* c : cases) {
      nlohmann::json item = {{"activation", c->activation},
                             {"direction", name_of(c->direction)},
                             {"implementation", c->implementation},
                             {"device", name_of(c->device)},
                             {"dtype", name_of(c->dtype)},
                             {"runnable", c->runnable()}};
      if (!c->runnable()) item["unsupported"] = c->unsupported;
      list.push_back(std::move(item));
    }
    out << nlohmann::json{{"cases", list}}.dump(2) << '\n';
    return;
  }
  char line[256];
  std::snprintf(line, sizeof(line), "%-11s %-9s %-13s %-6s %-5s %s\n", "activation", "direction", "implementation",
                "device", "dtype", "status");
  out << line;
  std::size_t runnable = 0;
  for (const Case* c : cases) {
    runnable += c->runnable();
    const std::string status = c->runnable() ? "runnable" : "unsupported: " + c->unsupported;
    std::snprintf(line, sizeof(line), "%-11s %-9s %-13s %-6s %-5s %s\n", c->activation.c_str(),
                  std::string(name_of(c->direction)).c_str(), c->implementation.c_str(),
                  std::string(name_of(c->device)).c_str(), std::string(name_of(c->dtype)).c_str(), status.c_str());
    out << line;
  }
  out << cases.size() << " cases, " << runnable << " runnable\n";
}

}  // namespace actbench::cli
