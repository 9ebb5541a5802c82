#include "cli/common.h"

#include <cstdio>
#include <iostream>

namespace profile::cli {

int report(const Error& e) {
  std::cerr << "profile: error: " << e.message << "\n";
  return e.exit_code;
}

void note(const std::string& message) { std::cerr << "profile: " << message << "\n"; }

Reporter reporter() {
  return [](const std::string& line) {
    std::string text = "profile: " + line + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  };
}

}  // namespace profile::cli
