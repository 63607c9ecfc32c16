// SHA-256 of a byte buffer, as lower-case hex (OpenSSL's EVP digest).
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace facetrace {

std::string Sha256Hex(std::span<const uint8_t> bytes);

}  // namespace facetrace
