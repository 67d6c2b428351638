"""Landlock: let a process read, write and connect only where it is told to.

Landlock is a Linux security module that any process may use to restrict
itself and every process it starts later, without privileges. The fork
server calls :func:`restrict` once, after its imports and before it forks
any worker, so that no student's code can read the grader's files (answer
keys, suites, the course secret), write outside its own folder, or open TCP
connections, even where the sandbox has no mount namespace of its own.

The restriction only ever grows: a process cannot lift it, and Landlock
applies to root as well (capabilities do not bypass it). It covers the
calling thread and the processes it forks afterwards, which is all the fork
server needs since workers are forked from its main thread.

This module uses only the standard library (through :mod:`ctypes`) because
the fork server loads it beside itself inside the sandbox. The system call
numbers are those of the generic Linux table, shared by x86_64 and aarch64.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Iterable

SYS_CREATE_RULESET = 444
SYS_ADD_RULE = 445
SYS_RESTRICT_SELF = 446
CREATE_RULESET_VERSION = 1 << 0  # flag: ask for the ABI version instead
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

# File system access rights, with the ABI that introduced them.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2: rename and link across folders
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5: ioctl on device files
FS_ABI_1 = (1 << 13) - 1  # every right of the first ABI

NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4

SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
# The only rights a rule on a file (not a folder) may carry; the kernel
# refuses a rule on a file that names any other.
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    """``struct landlock_ruleset_attr`` (ABI 6 layout; older kernels read a prefix)."""

    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    """``struct landlock_path_beneath_attr``, packed: 12 bytes."""

    _pack_ = 1
    _fields_ = [
        ("allowed_access", ctypes.c_uint64),
        ("parent_fd", ctypes.c_int32),
    ]


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):  # the numbers mean something else elsewhere
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _syscall(libc: ctypes.CDLL, number: int, *args: object) -> int:
    """Call a system call; raise ``OSError`` when it fails."""
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(ctypes.c_long(number), *args)
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, f"Landlock system call {number}: {os.strerror(error)}")
    return result


def abi_version() -> int:
    """The Landlock ABI version of the running kernel.

    Returns
    -------
    int
        0 when the kernel has no Landlock (not built in, disabled at boot,
        or not Linux); otherwise 1 or more, each version adding rights.
    """
    libc = _libc()
    if libc is None:
        return 0
    libc.syscall.restype = ctypes.c_long
    version = libc.syscall(
        ctypes.c_long(SYS_CREATE_RULESET),
        ctypes.c_void_p(None),
        ctypes.c_size_t(0),
        ctypes.c_uint32(CREATE_RULESET_VERSION),
    )
    return max(int(version), 0)


def fs_rights(abi: int) -> int:
    """Every file system right the kernel of ABI ``abi`` knows.

    Asking a kernel to handle a right newer than itself is an error, so the
    newer ones are left out, as the kernel documentation recommends.
    """
    rights = FS_ABI_1 if abi >= 1 else 0
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def restrict(read: Iterable[str | os.PathLike], write: Iterable[str | os.PathLike]) -> bool:
    """Restrict this process and its future children to the given paths.

    Afterwards the process may only read (and execute or map) files under
    ``read``; only create, change or delete files under ``write`` (which it
    may read too); with ABI 4 or later neither bind nor connect TCP sockets;
    and with ABI 6 or later neither reach abstract unix sockets nor signal
    processes outside its own restriction. Paths already open are not
    affected, so the fork server keeps its control socket and pipes.

    Parameters
    ----------
    read : iterable of str or path-like
        Files and folders that stay readable; those that do not exist, or
        that this process cannot reach anyway, are skipped.
    write : iterable of str or path-like
        Files and folders that stay readable and writable; skipped alike.

    Returns
    -------
    bool
        Whether the restriction was applied: ``False`` when the kernel has
        no Landlock, and then nothing was changed.

    Raises
    ------
    OSError
        When Landlock is available but refused a step: the process may then
        be partly restricted and should not go on to run untrusted code.
    """
    abi = abi_version()
    if abi < 1:
        return False
    libc = _libc()
    handled = fs_rights(abi)
    # The kernel restricts a process without CAP_SYS_ADMIN only once it has
    # given up gaining privileges (through set-uid programs) for good.
    zero = ctypes.c_ulong(0)
    if libc.prctl(ctypes.c_int(PR_SET_NO_NEW_PRIVS), ctypes.c_ulong(1), zero, zero, zero) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(error)}")
    # A right the ruleset does not handle stays allowed everywhere, so every
    # right this kernel knows is handled, and then granted path by path.
    attr = _RulesetAttr(
        handled_access_fs=handled,
        handled_access_net=(NET_BIND_TCP | NET_CONNECT_TCP) if abi >= 4 else 0,
        scoped=(SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if abi >= 6 else 0,
    )
    ruleset = _syscall(
        libc,
        SYS_CREATE_RULESET,
        ctypes.byref(attr),
        ctypes.c_size_t(ctypes.sizeof(attr)),
        ctypes.c_uint32(0),
    )
    try:
        for paths, rights in ((read, READ), (write, handled)):
            for path in paths:
                _allow(libc, ruleset, path, rights & handled)
        # No rule for TCP ports: with the network rights handled, every bind
        # and connect is refused.
        _syscall(libc, SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return True


def _allow(libc: ctypes.CDLL, ruleset: int, path: str | os.PathLike, rights: int) -> None:
    """Add a rule granting ``rights`` under ``path`` (skipped when it cannot be reached)."""
    try:
        # O_PATH: a handle on the path itself, which needs no read permission.
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return  # a rule only grants: a path this process cannot reach needs none
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        rule = _PathBeneathAttr(allowed_access=rights, parent_fd=fd)
        _syscall(
            libc,
            SYS_ADD_RULE,
            ctypes.c_int(ruleset),
            ctypes.c_int(RULE_PATH_BENEATH),
            ctypes.byref(rule),
            ctypes.c_uint32(0),
        )
    finally:
        os.close(fd)
