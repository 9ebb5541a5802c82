#include "core/libcrypto.h"

#include <dlfcn.h>
#include <openssl/opensslv.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

namespace profile::libcrypto {

namespace {

static_assert(OPENSSL_VERSION_MAJOR >= 3, "libcrypto is opened by its OpenSSL 3 soname and names");
#define PROFILE_STR2(x) #x
#define PROFILE_STR(x) PROFILE_STR2(x)
// The soname the headers belong to: libcrypto.so.3 for OpenSSL 3.
constexpr const char* kSoname = "libcrypto.so." PROFILE_STR(OPENSSL_VERSION_MAJOR);

struct Loaded {
  Api api;
  std::string error;  // empty: loaded
};

const Loaded& load_once() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded;
    // Never closed: the functions stay valid for the life of the process.
    void* h = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) {
      const char* e = dlerror();
      l->error = std::string("cannot open ") + kSoname + " (OpenSSL's libcrypto): " + (e ? e : "unknown error");
      return l;
    }
#define PROFILE_LIBCRYPTO_RESOLVE(name)                                                          \
  if (l->error.empty()) {                                                                        \
    l->api.name = reinterpret_cast<decltype(&::name)>(dlsym(h, #name));                          \
    if (l->api.name == nullptr) l->error = std::string(kSoname) + " has no " #name;             \
  }
    PROFILE_LIBCRYPTO_FUNCTIONS(PROFILE_LIBCRYPTO_RESOLVE)
#undef PROFILE_LIBCRYPTO_RESOLVE
    return l;
  }();
  return *loaded;
}

}  // namespace

Result<const Api*> api() {
  const Loaded& l = load_once();
  if (!l.error.empty()) return make_error(l.error);
  return &l.api;
}

const Api& loaded() {
  const Loaded& l = load_once();
  if (!l.error.empty()) abort();  // a caller that skipped api()
  return l.api;
}

void preload() {
  try {
    std::thread([] { (void)load_once(); }).detach();
  } catch (const std::system_error&) {
    // No thread to spare: api() opens the library when it is first needed.
  }
}

}  // namespace profile::libcrypto
