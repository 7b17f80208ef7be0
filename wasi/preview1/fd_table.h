// The guest's file descriptor table: guest fd numbers mapped to host descriptors, with the
// preview1 rights each carries. New descriptors take the lowest free number, as POSIX does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wasi/preview1/types.h"
#include "wasi/preview1/unique_fd.h"

namespace wasmrun::wasi::preview1 {

struct DirEntry {
  std::string name;
  uint64_t inode;
  Filetype type;
};

struct Descriptor {
  UniqueFd owned;          // the host descriptor, unless borrowed (inherited stdio)
  int host_fd = -1;        // what system calls use: owned.get() or the borrowed fd
  Filetype type = Filetype::Unknown;
  Rights base = 0;
  Rights inheriting = 0;
  std::optional<std::string> preopen;  // the guest path of a preopened directory
  // fd_readdir reads a directory once per listing (cookie 0) and serves later cookies from here.
  std::vector<DirEntry> entries;
};

// The rights a descriptor of this type can meaningfully hold (base, inheriting).
Rights max_base_rights(Filetype type);
Rights max_inheriting_rights(Filetype type);

// The preview1 file type of a host st_mode.
Filetype filetype_from_mode(uint32_t mode);

class FdTable {
 public:
  // Inserts at the lowest free number; none left is MFile.
  Errno insert(Descriptor d, uint32_t& fd);
  void insert_at(uint32_t fd, Descriptor d) { table_[fd] = std::move(d); }
  // The descriptor, BadF when not open, NotCapable when it lacks any of `rights`.
  Errno get(uint32_t fd, Rights rights, Descriptor*& out);
  Errno close(uint32_t fd);
  Errno renumber(uint32_t from, uint32_t to);
  size_t size() const { return table_.size(); }

 private:
  std::map<uint32_t, Descriptor> table_;
};

}  // namespace wasmrun::wasi::preview1
