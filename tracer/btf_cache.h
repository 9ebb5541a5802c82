// A minimised kernel BTF for the eBPF recorder's CO-RE relocations.
//
// libbpf relocates the recorder's field accesses against the kernel's BTF
// by scanning all of its types (126k on 6.18) once per kernel struct the
// programs read: ~15 ms of a ~45 ms load. `bpftool gen min_core_btf` writes
// a BTF holding only those types and fields; given to libbpf as
// btf_custom_path it makes the relocation nearly free. It is built once per
// kernel build (its GNU build id) and per build of the programs (a hash of
// the BPF object), and kept in a directory only root can write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace profile {

struct MinBtfCache {
  std::string dir;  // empty: no cache (disabled, or no kernel build id)
  std::string key;  // kernel build id, object hash
  std::string path() const { return dir + "/" + key + ".btf"; }
};

// The cache entry for these BPF object bytes on the running kernel.
// PROFILE_BTF_CACHE names the directory (default /var/cache/profile/btf);
// "off" disables the cache.
MinBtfCache min_btf_cache(const void* obj, size_t obj_size);

// True when the entry exists and can be trusted: a regular file (not a
// symlink) owned by this user and not writable by group or others, in a
// directory that is the same.
bool min_btf_usable(const MinBtfCache& cache);

// Builds the entry with bpftool (from /usr/sbin, /sbin or PATH), written
// under a temporary name and renamed. The cache is an optimisation: the
// caller reports nothing on failure.
Status build_min_btf(const MinBtfCache& cache, const void* obj, size_t obj_size);

namespace btf_cache_detail {
// The GNU build id (hex) in an ELF notes blob such as /sys/kernel/notes;
// empty when there is none. Bounded by the blob: hostile sizes are refused.
std::string build_id_from_notes(const std::string& notes);
// 64-bit FNV-1a of the bytes, as 16 hex digits.
std::string hash_hex(const void* data, size_t size);
}  // namespace btf_cache_detail

}  // namespace profile
