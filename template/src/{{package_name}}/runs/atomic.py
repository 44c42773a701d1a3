"""Files that are whole or absent: written beside their final name, flushed to disk, then renamed onto it.

A rename within one directory is atomic on POSIX file systems (NFS and Lustre included); a move between
file systems is a copy and is not. Lightning's own save writes to ``$TMPDIR`` and moves the file into place,
so with ``$TMPDIR`` on node-local disk and the outputs on shared storage (every cluster), a kill during the
copy left a truncated ``last.ckpt`` and an orphan in ``$TMPDIR``. Here the temporary file is
``.<name>.<pid>.partial`` in the final directory; a killed run's leftovers go when the next run starts.
"""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl  # POSIX advisory file locks
except ImportError:  # Windows: no locks; one writer at a time is then the user's to arrange
    fcntl = None

PARTIAL = ".partial"


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut, not only a killed process."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_durably(written: Path, path: Path) -> None:
    """``written`` (complete) flushed to disk, renamed onto ``path``, the rename flushed too."""
    with open(written, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(written, path)
    fsync_directory(path.parent)


def partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """``with replacing(path) as partial:`` write ``partial``; on success it becomes ``path``, else it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(path)
    try:
        yield partial
        replace_durably(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def remove_partials(directory: Path) -> list[Path]:
    """The ``.<name>.<pid>.partial`` files a killed run left in ``directory``: removed, and returned."""
    found = sorted(Path(directory).glob(f".*{PARTIAL}")) if Path(directory).is_dir() else []
    for path in found:
        path.unlink(missing_ok=True)
    return found


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """``with locked(path):`` one process at a time (an advisory lock on the file ``path``, left in place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        if fcntl:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
