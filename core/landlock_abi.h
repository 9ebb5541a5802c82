// Landlock's rights and scopes as landlock.json names them. The names and
// bits are the kernel's (include/uapi/linux/landlock.h); they are defined
// here because the installed headers may predate the ABI the kernel offers.
#pragma once

#include <cstdint>
#include <vector>

namespace profile {

inline constexpr int kLandlockSchema = 1;

struct LandlockRight {
  const char* name;  // as written in landlock.json
  uint64_t bit;
  int min_abi;    // first Landlock ABI with it
  bool file_ok;   // may be granted on a non-directory
};

const std::vector<LandlockRight>& landlock_fs_rights();
const std::vector<LandlockRight>& landlock_net_rights();
const std::vector<LandlockRight>& landlock_scopes();

// The access bits, for code that builds rule masks.
namespace landlock_bit {
enum : uint64_t {
  kExecute = 1ull << 0, kWriteFile = 1ull << 1, kReadFile = 1ull << 2, kReadDir = 1ull << 3,
  kRemoveDir = 1ull << 4, kRemoveFile = 1ull << 5, kMakeChar = 1ull << 6, kMakeDir = 1ull << 7,
  kMakeReg = 1ull << 8, kMakeSock = 1ull << 9, kMakeFifo = 1ull << 10, kMakeBlock = 1ull << 11,
  kMakeSym = 1ull << 12, kRefer = 1ull << 13, kTruncate = 1ull << 14, kIoctlDev = 1ull << 15,
};
inline constexpr uint64_t kBindTcp = 1ull << 0, kConnectTcp = 1ull << 1;
}  // namespace landlock_bit

}  // namespace profile
