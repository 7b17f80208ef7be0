#include "wasi/preview1/fd_table.h"

#include <sys/stat.h>

namespace wasmrun::wasi::preview1 {

namespace {
constexpr Rights kFileRights = right::kFdDatasync | right::kFdRead | right::kFdSeek | right::kFdFdstatSetFlags |
                               right::kFdSync | right::kFdTell | right::kFdWrite | right::kFdAdvise |
                               right::kFdAllocate | right::kFdFilestatGet | right::kFdFilestatSetSize |
                               right::kFdFilestatSetTimes | right::kPollFdReadwrite;
constexpr Rights kDirectoryRights =
    right::kFdFdstatSetFlags | right::kFdSync | right::kFdAdvise | right::kPathCreateDirectory |
    right::kPathCreateFile | right::kPathLinkSource | right::kPathLinkTarget | right::kPathOpen |
    right::kFdReaddir | right::kPathReadlink | right::kPathRenameSource | right::kPathRenameTarget |
    right::kPathFilestatGet | right::kPathFilestatSetSize | right::kPathFilestatSetTimes | right::kFdFilestatGet |
    right::kFdFilestatSetTimes | right::kPathSymlink | right::kPathRemoveDirectory | right::kPathUnlinkFile;
constexpr Rights kStreamRights = right::kFdRead | right::kFdWrite | right::kFdFdstatSetFlags |
                                 right::kFdFilestatGet | right::kPollFdReadwrite;
// A process may hold about this many open files; the guest's numbers stay below it.
constexpr uint32_t kMaxFds = 1u << 20;
}  // namespace

Rights max_base_rights(Filetype type) {
  switch (type) {
    case Filetype::Directory: return kDirectoryRights;
    case Filetype::RegularFile: return kFileRights;
    case Filetype::BlockDevice: return kFileRights;
    default: return kStreamRights;
  }
}

Rights max_inheriting_rights(Filetype type) {
  return type == Filetype::Directory ? (kDirectoryRights | kFileRights) : 0;
}

Filetype filetype_from_mode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG: return Filetype::RegularFile;
    case S_IFDIR: return Filetype::Directory;
    case S_IFCHR: return Filetype::CharacterDevice;
    case S_IFBLK: return Filetype::BlockDevice;
    case S_IFLNK: return Filetype::SymbolicLink;
    case S_IFSOCK: return Filetype::SocketStream;
    default: return Filetype::Unknown;  // FIFOs have no preview1 type
  }
}

Errno FdTable::insert(Descriptor d, uint32_t& fd) {
  uint32_t n = 0;
  for (const auto& [number, _] : table_) {
    if (number != n) break;
    ++n;
  }
  if (n >= kMaxFds) return Errno::MFile;
  table_.emplace(n, std::move(d));
  fd = n;
  return Errno::Success;
}

Errno FdTable::get(uint32_t fd, Rights rights, Descriptor*& out) {
  auto it = table_.find(fd);
  if (it == table_.end()) return Errno::BadF;
  if ((it->second.base & rights) != rights) return Errno::NotCapable;
  out = &it->second;
  return Errno::Success;
}

Errno FdTable::close(uint32_t fd) {
  return table_.erase(fd) ? Errno::Success : Errno::BadF;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  auto source = table_.find(from);
  if (source == table_.end() || !table_.count(to)) return Errno::BadF;
  if (from == to) return Errno::Success;
  Descriptor moved = std::move(source->second);
  table_.erase(source);
  table_[to] = std::move(moved);  // closes what `to` held
  return Errno::Success;
}

}  // namespace wasmrun::wasi::preview1
