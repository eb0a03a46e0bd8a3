"""Writing output files atomically: a temporary file in the same folder, then :func:`os.replace`.

A failure leaves any earlier file untouched and no partial file behind; a path that cannot be
written (a folder that does not exist, a folder given as the file, no permission) is a
:class:`~linkage.errors.LinkageError` naming it, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from linkage.errors import LinkageError


def check_target(path: str | os.PathLike[str]) -> Path:
    """Raise :class:`LinkageError` now if ``path`` cannot be written later (a missing folder, a
    folder given as the file), so that a command fails before its work, not after it; return
    the folder."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise LinkageError(f"cannot write {str(target)!r}: it is a folder; give a file name")
    if not folder.is_dir():
        raise LinkageError(
            f"cannot write {str(target)!r}: the folder {str(folder)!r} does not exist"
        )
    return folder


def write_atomic(data: str | bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically, with the permissions a new file
    gets under the process's umask; return the path."""
    target = Path(path)
    folder = check_target(target)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise LinkageError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise LinkageError(f"cannot write {str(target)!r}: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
