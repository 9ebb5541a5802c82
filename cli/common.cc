#include "cli/common.h"

#include <iostream>

namespace profile::cli {

int report(const Error& e) {
  std::cerr << "profile: error: " << e.message << "\n";
  return e.exit_code;
}

void note(const std::string& message) { std::cerr << "profile: " << message << "\n"; }

}  // namespace profile::cli
