// Notes for the user that a library produces while it works, some on a
// background thread (a stop signal escalating, a lock being waited for).
// Libraries never print: the CLI passes a Reporter that does.
#pragma once

#include <functional>
#include <string>

namespace profile {

// Receives one line, without the "profile: " prefix and without a newline.
// May be called from any thread. An empty Reporter drops the notes.
using Reporter = std::function<void(const std::string& line)>;

inline void report(const Reporter& r, const std::string& line) {
  if (r) r(line);
}

}  // namespace profile
