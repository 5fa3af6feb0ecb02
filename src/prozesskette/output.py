"""Writing output files atomically: a crash or a full disk never leaves a half-written file
and never destroys the previous good one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from prozesskette.errors import Issue, ProzessketteError


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      "the output path is a folder", "name a file, or use -o DIR"))
    if not folder.is_dir():
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      f"the output folder '{folder}' does not exist",
                                      "create it first, or choose another with -o"))
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ProzessketteError(Issue(str(target), 0, 0, "error",
                                      f"cannot write here: {exc.strerror}",
                                      "choose a folder you may write to")) from None
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
                                      f"cannot write: {exc.strerror}",
                                      "check free disk space and permissions")) from None
    return target
