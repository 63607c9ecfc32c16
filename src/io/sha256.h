// SHA-256 of a byte buffer, as lower-case hex (OpenSSL's EVP digest).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace facetrace {

std::string Sha256Hex(std::span<const uint8_t> bytes);
// The same over the bytes of a string (tokens, canonical records).
std::string Sha256HexOfText(std::string_view text);

}  // namespace facetrace
