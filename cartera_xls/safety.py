"""Never lose the team's file: lock files, backups and the atomic replace.

The new workbook is written to a temporary file in the same folder, flushed to
disk, read back to check it is whole, and only then moved over the original
with ``os.replace`` (atomic), after a timestamped copy of the original went to
``respaldos/``. A crash at any moment leaves the old or the new file, whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: Excel's own lock file is the guard there
    fcntl = None  # type: ignore[assignment]

from .errors import CarteraError, WorkbookInUse, WriteFailed
from .schema import messages

BACKUP_DIR = "respaldos"
TEMP_MARK = ".cartera-tmp-"
EXCEL = "Excel"
LIBREOFFICE = "LibreOffice"
CONFLICT_WORDS = ("conflicted copy", "copia en conflicto", "conflit", "konflikt")


def check_not_open(path: Path) -> None:
    """Refuse when Excel (``~$name``) or LibreOffice (``.~lock.name#``) has the file open."""
    excel_lock = path.with_name("~$" + path.name)
    office_lock = path.with_name(f".~lock.{path.name}#")
    if excel_lock.exists():
        raise WorkbookInUse(messages.OPEN_IN_EXCEL.format(path=path.name, app=EXCEL, who=_who(_excel_owner(excel_lock))))
    if office_lock.exists():
        raise WorkbookInUse(messages.OPEN_IN_EXCEL.format(path=path.name, app=LIBREOFFICE, who=_who(_office_owner(office_lock))))


def _who(user: str) -> str:
    return messages.OPEN_BY.format(user=user) if user else ""


def _excel_owner(lock: Path) -> str:
    """Excel's owner file: a length byte, then the user name (Latin-1), padded."""
    with contextlib.suppress(OSError):
        data = lock.read_bytes()
        if data:
            return data[1 : 1 + data[0]].decode("latin-1", "replace").strip()
    return ""


def _office_owner(lock: Path) -> str:
    """LibreOffice's lock: ``,user,host,date,...``."""
    with contextlib.suppress(OSError):
        fields = lock.read_text("utf-8", "replace").split(",")
        if len(fields) > 1:
            return fields[1].strip()
    return ""


def fingerprint(path: Path) -> str:
    """A digest of the file's bytes, to notice it changed between reading and replacing."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_HELD: set[Path] = set()  # lock files this process holds: taking one again is a no-op


@contextlib.contextmanager
def refresh_lock(path: Path) -> Iterator[None]:
    """One refresh of a file at a time: an exclusive lock beside it, released on exit.

    Re-entrant within a process, so ``refresh`` can hold it from reading to
    replacing while the ``save`` it calls takes it again.
    """
    lock_path = path.with_name(f".~cartera.{path.name}.lock")
    if lock_path.absolute() in _HELD:
        yield
        return
    try:
        descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        yield  # a read-only folder: writing will fail with its own clear message
        return
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise WorkbookInUse(messages.REFRESH_RUNNING.format(path=path.name)) from None
        _HELD.add(lock_path.absolute())
        try:
            yield
        finally:
            _HELD.discard(lock_path.absolute())
    finally:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            lock_path.unlink()


def conflicted_copies(path: Path) -> list[Path]:
    """Dropbox's «name (conflicted copy …).xlsx» (or the Spanish «copia en conflicto») beside ``path``."""
    return sorted(
        candidate
        for candidate in path.parent.glob(f"{glob.escape(path.stem)} (*")
        if any(word in candidate.name.casefold() for word in CONFLICT_WORDS)
    )


def clean_stale_temps(folder: Path, stem: str) -> None:
    """Remove temp files that a killed run left beside the workbook."""
    for stale in folder.glob(f".{stem}{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def atomic_write(
    target: Path,
    write: Callable[[Path], None],
    verify: Callable[[Path], None],
    keep_backups: int = 10,
    before_replace: Callable[[], None] | None = None,
) -> Path | None:
    """Write ``target`` through a verified temp file; back up what it replaces.

    Returns the backup's path, or ``None`` when there was nothing to replace.
    """
    folder = target.parent
    clean_stale_temps(folder, target.stem)
    temp = folder / f".{target.stem}{TEMP_MARK}{os.getpid()}{target.suffix}"
    backup = None
    try:
        write(temp)
        _fsync_file(temp)
        verify(temp)
        if before_replace is not None:
            before_replace()
        if target.exists():
            backup = _backup(target, keep_backups)
        temp.replace(target)  # os.replace: atomic, never delete-then-rename
        _fsync_dir(folder)
    except CarteraError:
        _discard(temp)
        raise
    except OSError as exc:
        _discard(temp)
        raise WriteFailed(messages.CANNOT_WRITE.format(path=target, detail=exc.strerror or exc)) from None
    except BaseException:
        _discard(temp)
        raise
    return backup


def _backup(target: Path, keep: int) -> Path:
    folder = target.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    backup = folder / f"{target.stem}_{stamp}{target.suffix}"
    number = 2
    while backup.exists():
        backup = folder / f"{target.stem}_{stamp}_{number}{target.suffix}"
        number += 1
    shutil.copy2(target, backup)
    _fsync_file(backup)
    backups = sorted(folder.glob(f"{target.stem}_*{target.suffix}"), key=lambda p: p.name)
    for old in backups[: max(len(backups) - max(keep, 1), 0)]:
        with contextlib.suppress(OSError):
            old.unlink()
    return backup


def _fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
