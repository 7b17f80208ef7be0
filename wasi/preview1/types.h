// The WASI preview1 ABI (wasi_snapshot_preview1.witx): errno values, flag bits, enumerations and
// the byte layout of every structure a host function reads from or writes to guest memory.
// Values and offsets are part of the ABI and must not change.
#pragma once

#include <cstdint>

namespace wasmrun::wasi::preview1 {

enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Acces = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5, Again = 6,
  Already = 7, BadF = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12, ConnAborted = 13,
  ConnRefused = 14, ConnReset = 15, DeadLk = 16, DestAddrReq = 17, Dom = 18, DQuot = 19, Exist = 20,
  Fault = 21, FBig = 22, HostUnreach = 23, IdRm = 24, IlSeq = 25, InProgress = 26, Intr = 27,
  Inval = 28, Io = 29, IsConn = 30, IsDir = 31, Loop = 32, MFile = 33, MLink = 34, MsgSize = 35,
  Multihop = 36, NameTooLong = 37, NetDown = 38, NetReset = 39, NetUnreach = 40, NFile = 41,
  NoBufs = 42, NoDev = 43, NoEnt = 44, NoExec = 45, NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49,
  NoProtoOpt = 50, NoSpc = 51, NoSys = 52, NotConn = 53, NotDir = 54, NotEmpty = 55,
  NotRecoverable = 56, NotSock = 57, NotSup = 58, NoTty = 59, NxIo = 60, Overflow = 61,
  OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65, ProtoNoSupport = 66, ProtoType = 67, Range = 68,
  RoFs = 69, SPipe = 70, Srch = 71, Stale = 72, TimedOut = 73, TxtBsy = 74, XDev = 75,
  NotCapable = 76,
};

// The closest preview1 errno for a Linux errno value.
Errno errno_from_host(int host_errno);

enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
};

using Rights = uint64_t;
namespace right {
constexpr Rights kFdDatasync = 1ull << 0, kFdRead = 1ull << 1, kFdSeek = 1ull << 2,
                 kFdFdstatSetFlags = 1ull << 3, kFdSync = 1ull << 4, kFdTell = 1ull << 5,
                 kFdWrite = 1ull << 6, kFdAdvise = 1ull << 7, kFdAllocate = 1ull << 8,
                 kPathCreateDirectory = 1ull << 9, kPathCreateFile = 1ull << 10,
                 kPathLinkSource = 1ull << 11, kPathLinkTarget = 1ull << 12, kPathOpen = 1ull << 13,
                 kFdReaddir = 1ull << 14, kPathReadlink = 1ull << 15, kPathRenameSource = 1ull << 16,
                 kPathRenameTarget = 1ull << 17, kPathFilestatGet = 1ull << 18,
                 kPathFilestatSetSize = 1ull << 19, kPathFilestatSetTimes = 1ull << 20,
                 kFdFilestatGet = 1ull << 21, kFdFilestatSetSize = 1ull << 22,
                 kFdFilestatSetTimes = 1ull << 23, kPathSymlink = 1ull << 24,
                 kPathRemoveDirectory = 1ull << 25, kPathUnlinkFile = 1ull << 26,
                 kPollFdReadwrite = 1ull << 27, kSockShutdown = 1ull << 28, kSockAccept = 1ull << 29;
constexpr Rights kAll = (1ull << 30) - 1;
}  // namespace right

namespace fdflag {
constexpr uint16_t kAppend = 1 << 0, kDsync = 1 << 1, kNonblock = 1 << 2, kRsync = 1 << 3, kSync = 1 << 4;
}
namespace oflag {
constexpr uint16_t kCreat = 1 << 0, kDirectory = 1 << 1, kExcl = 1 << 2, kTrunc = 1 << 3;
}
namespace lookupflag {
constexpr uint32_t kSymlinkFollow = 1 << 0;
}
namespace fstflag {
constexpr uint16_t kAtim = 1 << 0, kAtimNow = 1 << 1, kMtim = 1 << 2, kMtimNow = 1 << 3;
}

enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };
enum class ClockId : uint32_t { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 };
enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1 << 0;
constexpr uint16_t kEventFdReadwriteHangup = 1 << 0;
constexpr uint8_t kPreopentypeDir = 0;

// Structure layouts: sizes and field offsets in guest memory (little-endian).
namespace layout {
constexpr uint32_t kIovecSize = 8;  // buf: u32 @0, buf_len: u32 @4 (iovec and ciovec)

constexpr uint32_t kDirentSize = 24;  // d_next: u64 @0, d_ino: u64 @8, d_namlen: u32 @16, d_type: u8 @20

constexpr uint32_t kFdstatSize = 24;  // fs_filetype: u8 @0, fs_flags: u16 @2, rights_base: u64 @8,
                                      // rights_inheriting: u64 @16

constexpr uint32_t kFilestatSize = 64;  // dev @0, ino @8, filetype: u8 @16, nlink @24, size @32,
                                        // atim @40, mtim @48, ctim @56 (u64 unless noted)

constexpr uint32_t kPrestatSize = 8;  // tag: u8 @0, dir.pr_name_len: u32 @4

constexpr uint32_t kSubscriptionSize = 48;  // userdata: u64 @0, tag: u8 @8, then @16:
                                            //  clock: id u32 @16, timeout u64 @24, precision u64 @32,
                                            //         flags u16 @40
                                            //  fd_read / fd_write: file_descriptor u32 @16
constexpr uint32_t kEventSize = 32;  // userdata: u64 @0, error: u16 @8, type: u8 @10,
                                     // fd_readwrite: nbytes u64 @16, flags u16 @24
}  // namespace layout

}  // namespace wasmrun::wasi::preview1
