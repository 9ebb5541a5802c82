// File I/O every layer shares: bounded reads (input files are hostile and may
// be huge or endless) and atomic writes (a reader never sees half a file).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "core/error.h"

namespace profile {

// The whole of `path`, refused when it is a directory or larger than
// `max_bytes`; errors name the path.
Result<std::string> read_text_file(const std::string& path, size_t max_bytes = 64 << 20);
// The rest of an open file, refused past `max_bytes`; errors name it as
// `shown` (already quoted or escaped by the caller).
Result<std::string> read_fd_bounded(int fd, const std::string& shown, size_t max_bytes);

// Reads at most cap-1 bytes of a small file (/proc, /sys) into `buf`,
// NUL-terminated, without allocating. Returns the length, or -1 when it
// cannot be opened.
ssize_t read_small_file(const char* path, char* buf, size_t cap) noexcept;

// A file written and made durable under a temporary name next to `path`
// ("PATH.tmp.PID"), not yet renamed into place.
struct PendingFile {
  std::string path, tmp;
};
// First half of an atomic write: the content durable (fsync) under the
// temporary name. Several files can be prepared before any is renamed.
Result<PendingFile> write_temporary(const std::string& path, const std::string& content);
// write_temporary of several files, faster: each file's write-back starts
// as soon as it is written, and the fsyncs come after the last one, so the
// disk works on all of them at once (one journal commit instead of one per
// file). All or nothing: on failure no temporary is left.
struct TemporaryContent {
  std::string path;
  const std::string* content;
};
Result<std::vector<PendingFile>> write_temporaries(const std::vector<TemporaryContent>& files);
// Second half: rename over `path`; the temporary is removed on failure.
Status commit_temporary(const PendingFile& f);
// Both halves.
Status write_file_atomic(const std::string& path, const std::string& content);

}  // namespace profile
