"""Writing output files atomically, and reading input files safely.

**Output.** A regular file is written to a temporary file in the same folder, flushed to disk,
then renamed over the target with :func:`os.replace`: a failure (a full disk, an interruption)
leaves any earlier file untouched and no partial file behind. A symbolic link is followed (the
file it points to is replaced, the link stays). A target that exists and is not a regular file
or a folder (``/dev/null``, a FIFO), or that names a descriptor (``/dev/stdout``), is not
replaced: it is written to directly, and a failed write (``/dev/full``) is reported. A path that cannot be written (a
folder, a folder that does not exist, a parent that is a file, a folder without write
permission, a read-only file) is a :class:`~linkage.errors.LinkageError` naming it, one line,
no traceback: :func:`check_target` raises it before a command's work, :func:`write_atomic`
again if something changed in the meantime.

**Input.** :func:`read_input` opens a file the user named and reads it only if the opened
descriptor is a regular file (checked with :func:`os.fstat` on that descriptor, so a file
swapped after the check is not read either), at most ``limit + 1`` bytes: a symbolic link to
``/dev/zero``, a FIFO, a folder, a socket or a device is refused without reading from it, and
a file larger than the limit is refused after reading at most one byte past it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from linkage.errors import LinkageError


class InputFileError(LinkageError):
    """A file given as input cannot be read: not a regular file, too large, missing, ...

    ``file`` names it and ``reason`` says why (the message is ``file: reason``).
    """

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {reason}")


def _kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((word for test, word in kinds if test(mode)), "a special file")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _in_place(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is written in place rather than replaced: a device or a FIFO (links
    followed), or a path under ``/dev`` or ``/proc`` such as ``/dev/stdout`` (a descriptor of
    this process: replacing what it points to would be wrong, and a pipe has no path)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return True
    special = ("/dev/", "/proc/")
    return str(path).startswith(special) or os.path.realpath(path).startswith(special)


def _replaced(path: str | os.PathLike[str]) -> Path:
    """The regular file a write to ``path`` replaces: the one a symbolic link points to."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def check_target(path: str | os.PathLike[str]) -> Path:
    """Raise :class:`LinkageError` now if ``path`` cannot be written later (a folder given as
    the file, a folder that does not exist, a parent that is a file, a folder without write
    permission, a read-only file), so that a command fails before its work, not after it;
    return the folder the temporary file goes to."""
    shown = str(path)
    target = _replaced(path)
    try:
        mode: int | None = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):  # the folders are looked at below
        mode = None
    except OSError as exc:
        raise LinkageError(f"cannot write {shown!r}: {_reason(exc)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise LinkageError(f"cannot write {shown!r}: it is a folder; give a file name")
    if mode is not None and not os.access(path, os.W_OK):
        raise LinkageError(f"cannot write {shown!r}: the file is read-only")
    if _in_place(path):
        return Path(path).parent
    folder = target.parent if str(target.parent) else Path(".")
    _check_ancestors(folder, f"cannot write {shown!r}")
    if not folder.is_dir():
        raise LinkageError(f"cannot write {shown!r}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise LinkageError(
            f"cannot write {shown!r}: no permission to create files in {str(folder)!r}"
        )
    return folder


def _check_ancestors(folder: Path, cannot: str) -> None:
    """Raise if the nearest existing one of ``folder`` and its parents is not a folder."""
    for above in (folder, *folder.parents):
        if os.path.lexists(above):
            if not above.is_dir():
                raise LinkageError(f"{cannot}: {str(above)!r} is a file, not a folder")
            return


def write_atomic(data: str | bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; return the path. A new file gets
    the permissions of the process's umask, a replaced file keeps its own."""
    shown = str(path)
    folder = check_target(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _in_place(path):
        _write_special(raw, Path(path), shown)
        return Path(path)
    target = _replaced(path)
    try:
        old: os.stat_result | None = os.stat(target)
    except OSError:
        old = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise LinkageError(f"cannot write {shown!r}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise LinkageError(f"cannot write {shown!r}: {_reason(exc)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(path)


def write_tree(files: Mapping[str, str], root: str | os.PathLike[str]) -> Path:
    """Create the folder ``root`` holding ``files`` (relative path -> UTF-8 text) atomically:
    written into a temporary folder beside it, then renamed, so that ``root`` appears complete or
    not at all. The folder holding ``root`` is created if missing; ``root`` must not exist."""
    target = Path(root)
    shown = str(target)
    if os.path.lexists(target):
        raise LinkageError(f"cannot create {shown!r}: it already exists")
    _check_ancestors(target.parent, f"cannot create {shown!r}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LinkageError(f"cannot create {shown!r}: {_reason(exc)}") from None
    check_target(target)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as exc:
        raise LinkageError(f"cannot create {shown!r}: {_reason(exc)}") from None
    try:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        tmp.chmod(0o777 & ~_umask())
        os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise LinkageError(f"cannot create {shown!r}: {_reason(exc)}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _write_special(raw: bytes, target: Path, shown: str) -> None:
    """Write to a device or FIFO in place (it cannot be replaced)."""
    try:
        with open(target, "wb") as f:
            f.write(raw)
    except OSError as exc:
        raise LinkageError(f"cannot write {shown!r}: {_reason(exc)}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_input(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; raise
    :class:`InputFileError` (naming the file and what it is) for anything else. ``what`` names
    the kind of file in messages ("case file")."""
    shown = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

    def refuse(mode: int) -> InputFileError:
        return InputFileError(shown, f"not a regular file but {_kind(mode)}; give a {what}")

    try:
        mode = os.stat(path).st_mode  # a FIFO is refused before it is opened (that could block)
        if not stat.S_ISREG(mode):
            raise refuse(mode)
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputFileError(shown, f"no such {what}") from None
    except OSError as exc:
        raise InputFileError(shown, f"cannot read the {what}: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)  # the file actually opened, not what the path named a moment ago
        if not stat.S_ISREG(info.st_mode):
            raise refuse(info.st_mode)
        if info.st_size > limit:
            raise _too_large(shown, what, limit, f"{info.st_size} bytes")
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise _too_large(shown, what, limit, "more bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(shown, f"cannot read the {what}: {_reason(exc)}") from None
    finally:
        os.close(fd)


def _too_large(shown: str, what: str, limit: int, found: str) -> InputFileError:
    return InputFileError(shown, f"{what} too large; expected at most {limit} bytes, found {found}")
