"""Resource limits of the sandboxed processes.

The grader sets them on the fork server when it starts it, and the fork
server sets each worker's own (lower) limits right after the fork, before the
student's module is imported. This module uses only the standard library
because the fork server loads it too.
"""

from __future__ import annotations

import resource
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed process.

    Attributes
    ----------
    cpu_seconds : int
        CPU time before SIGXCPU.
    memory_bytes : int
        Address space (``RLIMIT_AS``): a memory bomb gets ``MemoryError``.
    file_bytes : int
        Largest file the process may write.
    processes : int
        Processes of the worker's uid (applies when the uid is private).
    open_files : int
        File descriptors.
    """

    cpu_seconds: int = 60
    memory_bytes: int = 1536 << 20
    file_bytes: int = 16 << 20
    processes: int = 64
    open_files: int = 128

    def apply(self) -> None:
        """Set the limits on the current process, soft and hard alike.

        A limit above the current hard limit is lowered to it: an
        unprivileged process may lower its limits but never raise them. The
        CPU time's hard limit is a second above the soft one, so that a
        process over its time gets SIGXCPU (which says why) rather than the
        hard limit's anonymous SIGKILL.
        """
        for kind, value, extra in (
            (resource.RLIMIT_CPU, self.cpu_seconds, 1),
            (resource.RLIMIT_AS, self.memory_bytes, 0),
            (resource.RLIMIT_FSIZE, self.file_bytes, 0),
            (resource.RLIMIT_NOFILE, self.open_files, 0),
            (resource.RLIMIT_CORE, 0, 0),
            (resource.RLIMIT_NPROC, self.processes, 0),
        ):
            hard = resource.getrlimit(kind)[1]
            soft, hard = (
                (value, value + extra)
                if hard == resource.RLIM_INFINITY
                else (min(value, hard), min(value + extra, hard))
            )
            resource.setrlimit(kind, (soft, hard))

    def to_dict(self) -> dict[str, int]:
        """The limits as plain data, to send to the fork server."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: object) -> Limits:
        """Limits from :meth:`to_dict`'s output; anything else is refused.

        Raises
        ------
        ValueError
            When ``data`` is not a dict of the fields with positive integers.
        """
        if not isinstance(data, dict) or set(data) != set(cls.__dataclass_fields__):
            raise ValueError("limits must name every field")
        if not all(type(value) is int and value > 0 for value in data.values()):
            raise ValueError("limits must be positive integers")
        return cls(**data)
