#pragma once
// The server's master secret on disk (docs/offline-code.md §3.1, DESIGN.md "Interfaces that outside
// tests rely on"): 64 hexadecimal characters, readable by the server's user only.
#include <stdexcept>
#include <string>

#include "ocpp/offline_code/keys.hpp"

namespace ocpp::server {

// The file cannot be made or used; the message names the file and says what to do.
class MasterKeyFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MasterKey {
  offline_code::MasterSecret secret{};
  bool created = false;  // true: this call made the file (first start)
};

// Reads the master secret from `path`, or creates the file with 32 random bytes (OpenSSL RAND_bytes)
// when it does not exist. The file is created with mode 0600 from its first byte (never loosened
// and tightened afterwards). An existing file that grants any permission to group or others, that
// is not a regular file, or whose content is not 64 hexadecimal characters is refused: a secret
// that others could have read is no longer a secret. Throws MasterKeyFileError.
MasterKey load_or_create_master_key(const std::string& path);

}  // namespace ocpp::server
