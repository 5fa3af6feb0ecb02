"""Writing output files atomically: a crash or a full disk never leaves a half-written file
and never destroys the previous good one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from prozesskette.errors import Issue, ProzessketteError
from prozesskette.messages import _


def os_reason(exc: OSError) -> str:
    """Why the system refused to read or write a file, in the reader's language: the common
    causes are translated (the English words are the system's own), others stay as the
    system gives them."""
    reasons = {
        "EACCES": _("Permission denied"),
        "EPERM": _("Operation not permitted"),
        "ENOENT": _("No such file or directory"),
        "ENOSPC": _("No space left on device"),
        "EROFS": _("Read-only file system"),
        "EISDIR": _("Is a directory"),
        "ENOTDIR": _("Not a directory"),
        "ELOOP": _("Too many levels of symbolic links"),
        "ENAMETOOLONG": _("File name too long"),
        "EIO": _("Input/output error"),
        "EDQUOT": _("Disk quota exceeded"),  # not on every system
    }
    name = errno.errorcode.get(exc.errno) if exc.errno is not None else None
    return (reasons.get(name) if name else None) or exc.strerror or str(exc)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      _("the output path is a folder"),
                                      _("name a file, or use -o DIR"), "output-is-folder"))
    if not folder.is_dir():
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      _("the output folder '{folder}' does not exist").format(
                                          folder=folder),
                                      _("create it first, or choose another with -o"),
                                      "no-output-folder"))
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      _("cannot write here: {reason}").format(
                                          reason=os_reason(exc)),
                                      _("choose a folder you may write to"),
                                      "cannot-write")) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      _("cannot write: {reason}").format(
                                          reason=os_reason(exc)),
                                      _("check free disk space and permissions"),
                                      "cannot-write")) from None
    return target
