// SHA-256 (FIPS 180-4) of a buffer, in lowercase hex: the digests of a
// profile directory's SHA256SUMS.
#pragma once

#include <string>
#include <string_view>

namespace profile {

std::string sha256_hex(std::string_view data);

namespace detail {
// The same digest without OpenSSL (its fallback; tests compare the two).
std::string sha256_hex_portable(std::string_view data);
}  // namespace detail

}  // namespace profile
