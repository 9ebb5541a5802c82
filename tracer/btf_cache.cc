#include "tracer/btf_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

extern char** environ;

namespace profile {

namespace btf_cache_detail {

std::string build_id_from_notes(const std::string& notes) {
  // Elf_Nhdr: namesz, descsz, type (4 bytes each), then name and desc, each
  // padded to 4 bytes.
  constexpr uint32_t kGnuBuildId = 3;
  size_t off = 0;
  auto pad4 = [](uint64_t n) { return (n + 3) & ~uint64_t{3}; };
  for (int guard = 0; guard < 256 && off + 12 <= notes.size(); ++guard) {
    uint32_t namesz, descsz, type;
    memcpy(&namesz, notes.data() + off, 4);
    memcpy(&descsz, notes.data() + off + 4, 4);
    memcpy(&type, notes.data() + off + 8, 4);
    uint64_t name_at = off + 12;
    uint64_t desc_at = name_at + pad4(namesz);
    uint64_t next = desc_at + pad4(descsz);
    if (next > notes.size()) return {};
    if (type == kGnuBuildId && namesz == 4 && memcmp(notes.data() + name_at, "GNU", 4) == 0 && descsz >= 8 &&
        descsz <= 64) {
      static const char* hex = "0123456789abcdef";
      std::string out;
      for (uint32_t i = 0; i < descsz; ++i) {
        auto b = static_cast<unsigned char>(notes[desc_at + i]);
        out += hex[b >> 4];
        out += hex[b & 15];
      }
      return out;
    }
    off = next;
  }
  return {};
}

std::string hash_hex(const void* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  char buf[17];
  snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace btf_cache_detail

namespace {

constexpr const char* kDefaultDir = "/var/cache/profile/btf";
constexpr const char* kKernelBtf = "/sys/kernel/btf/vmlinux";

bool private_to_us(const struct stat& st) {
  return st.st_uid == geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool trusted_dir(const std::string& dir) {
  struct stat st;
  return lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && private_to_us(st);
}

// mkdir -p with mode 0700 for what it creates.
Status make_dirs(const std::string& dir) {
  std::string at;
  std::stringstream parts(dir);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part.empty()) continue;
    at += "/" + part;
    if (mkdir(at.c_str(), 0700) != 0 && errno != EEXIST)
      return make_error("cannot create " + at + ": " + strerror(errno));
  }
  return {};
}

std::string find_bpftool() {
  for (const char* p : {"/usr/sbin/bpftool", "/sbin/bpftool", "/usr/local/sbin/bpftool"})
    if (access(p, X_OK) == 0) return p;
  return "bpftool";  // PATH
}

}  // namespace

MinBtfCache min_btf_cache(const void* obj, size_t obj_size) {
  MinBtfCache c;
  const char* env = getenv("PROFILE_BTF_CACHE");
  std::string dir = env && *env ? env : kDefaultDir;
  if (dir == "off" || dir[0] != '/') return c;
  std::ifstream in("/sys/kernel/notes", std::ios::binary);
  std::string notes;
  if (in) {
    std::vector<char> buf(64 * 1024);
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    notes.assign(buf.data(), static_cast<size_t>(in.gcount()));
  }
  std::string id = btf_cache_detail::build_id_from_notes(notes);
  if (id.empty()) return c;  // no way to tell kernels apart: no cache
  c.dir = dir;
  c.key = id + "-" + btf_cache_detail::hash_hex(obj, obj_size);
  return c;
}

bool min_btf_usable(const MinBtfCache& cache) {
  if (cache.dir.empty() || !trusted_dir(cache.dir)) return false;
  struct stat st;
  return lstat(cache.path().c_str(), &st) == 0 && S_ISREG(st.st_mode) && private_to_us(st) && st.st_size > 0;
}

Status build_min_btf(const MinBtfCache& cache, const void* obj, size_t obj_size) {
  if (cache.dir.empty()) return make_error("no BTF cache");
  PROFILE_TRY(make_dirs(cache.dir));
  if (!trusted_dir(cache.dir))
    return make_error(cache.dir + " is not a directory only this user can write; not used as the BTF cache");
  std::string tmpl = cache.dir + "/build.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr) return make_error("mkdtemp in " + cache.dir + ": " + strerror(errno));
  std::string tmp(name.data());
  std::string obj_path = tmp + "/recorder.bpf.o";
  std::string out_path = tmp + "/min.btf";
  auto cleanup = [&] {
    unlink(obj_path.c_str());
    unlink(out_path.c_str());
    rmdir(tmp.c_str());
  };
  {
    std::ofstream o(obj_path, std::ios::binary);
    o.write(static_cast<const char*>(obj), static_cast<std::streamsize>(obj_size));
    if (!o) {
      cleanup();
      return make_error("cannot write " + obj_path);
    }
  }
  std::string tool = find_bpftool();
  std::vector<std::string> args = {tool, "gen", "min_core_btf", kKernelBtf, out_path, obj_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int err = posix_spawnp(&pid, tool.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err != 0) {
    cleanup();
    return make_error("cannot run " + tool + ": " + strerror(err));
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  struct stat out_st;
  bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && stat(out_path.c_str(), &out_st) == 0 && out_st.st_size > 0;
  if (ok) ok = chmod(out_path.c_str(), 0600) == 0 && rename(out_path.c_str(), cache.path().c_str()) == 0;
  cleanup();
  if (!ok) return make_error(tool + " gen min_core_btf failed");
  return {};
}

}  // namespace profile
