#include "wasi/preview1/sandbox_path.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

namespace wasmrun::wasi::preview1 {

namespace {

// Pushes the components of `path` (empty ones dropped) in front of `pending`.
void prepend_components(std::string_view path, std::deque<std::string>& pending) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_front(std::move(*it));
}

// The target of the link `name` in `dir`: Success, Inval when it is not a link, or another errno.
Errno read_link(int dir, const std::string& name, std::string& target) {
  char buffer[kMaxPathBytes];
  ssize_t n = readlinkat(dir, name.c_str(), buffer, sizeof buffer);
  if (n < 0) return errno_from_host(errno);
  if (size_t(n) >= sizeof buffer) return Errno::NameTooLong;
  target.assign(buffer, size_t(n));
  return Errno::Success;
}

}  // namespace

Errno resolve_path(int base_fd, std::string_view path, bool follow_final, ResolvedPath& out) {
  if (path.empty()) return Errno::NoEnt;
  if (path.size() > kMaxPathBytes) return Errno::NameTooLong;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.front() == '/') return Errno::NotCapable;

  bool trailing_slash = path.back() == '/';
  std::deque<std::string> pending;
  prepend_components(path, pending);

  std::vector<UniqueFd> opened;  // the directories walked into, below base_fd
  auto current = [&] { return opened.empty() ? base_fd : opened.back().get(); };
  int links = 0;
  std::string final_name;

  // Splices the target of a link found in the current directory into the remaining path.
  auto expand_link = [&](const std::string& target) -> Errno {
    if (++links > kMaxSymlinks) return Errno::Loop;
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::NotCapable;
    if (pending.empty() && target.back() == '/') trailing_slash = true;
    prepend_components(target, pending);
    return Errno::Success;
  };

  while (!pending.empty()) {
    std::string component = std::move(pending.front());
    pending.pop_front();
    bool last = pending.empty();
    if (component == ".") {
      if (last) final_name = ".";
      continue;
    }
    if (component == "..") {
      if (opened.empty()) return Errno::NotCapable;
      opened.pop_back();
      if (last) final_name = ".";
      continue;
    }
    if (last && !follow_final && !trailing_slash) {
      final_name = std::move(component);
      break;
    }
    if (last) {
      // Follow the final component if it is a link; anything else is the answer.
      std::string target;
      Errno e = read_link(current(), component, target);
      if (e == Errno::Success) {
        if (Errno x = expand_link(target); x != Errno::Success) return x;
        continue;
      }
      if (e != Errno::Inval && e != Errno::NoEnt) return e;
      final_name = std::move(component);
      break;
    }
    int fd = openat(current(), component.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      opened.emplace_back(fd);
      continue;
    }
    int open_errno = errno;
    std::string target;
    if (read_link(current(), component, target) == Errno::Success) {
      if (Errno x = expand_link(target); x != Errno::Success) return x;
      continue;
    }
    return errno_from_host(open_errno);
  }
  if (final_name.empty()) final_name = ".";

  out.name = std::move(final_name);
  out.trailing_slash = trailing_slash;
  if (opened.empty()) {
    out.parent = base_fd;
  } else {
    out.parent_owned = std::move(opened.back());
    out.parent = out.parent_owned.get();
  }
  return Errno::Success;
}

}  // namespace wasmrun::wasi::preview1
