#include "core/landlock_abi.h"

namespace profile {

using namespace landlock_bit;

const std::vector<LandlockRight>& landlock_fs_rights() {
  static const std::vector<LandlockRight> t = {
      {"execute", kExecute, 1, true},        {"write_file", kWriteFile, 1, true},
      {"read_file", kReadFile, 1, true},     {"read_dir", kReadDir, 1, false},
      {"remove_dir", kRemoveDir, 1, false},  {"remove_file", kRemoveFile, 1, false},
      {"make_char", kMakeChar, 1, false},    {"make_dir", kMakeDir, 1, false},
      {"make_reg", kMakeReg, 1, false},      {"make_sock", kMakeSock, 1, false},
      {"make_fifo", kMakeFifo, 1, false},    {"make_block", kMakeBlock, 1, false},
      {"make_sym", kMakeSym, 1, false},      {"refer", kRefer, 2, false},
      {"truncate", kTruncate, 3, true},      {"ioctl_dev", kIoctlDev, 5, true},
  };
  return t;
}

const std::vector<LandlockRight>& landlock_net_rights() {
  static const std::vector<LandlockRight> t = {{"bind_tcp", kBindTcp, 4, false},
                                               {"connect_tcp", kConnectTcp, 4, false}};
  return t;
}

const std::vector<LandlockRight>& landlock_scopes() {
  static const std::vector<LandlockRight> t = {{"abstract_unix_socket", 1ull << 0, 6, false},
                                               {"signal", 1ull << 1, 6, false}};
  return t;
}

}  // namespace profile
