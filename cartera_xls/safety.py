"""Never lose the team's file: lock files, backups and the atomic replace.

The new workbook is written to a temporary file in the same folder, flushed to
disk, read back to check it is whole, and only then moved over the original
with ``os.replace`` (atomic), after a timestamped copy of the original went to
``respaldos/`` (itself written to a temporary name first). A crash at any
moment leaves the old or the new file, whole, and never half a backup. The
replaced file's permissions (and owner, when running as root) are kept; a
symbolic link is followed and its target replaced, the link left as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import hashlib
import os
import re
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock

from .errors import CarteraError, WorkbookInUse, WriteFailed
from .schema import messages

BACKUP_DIR = "respaldos"
TEMP_MARK = ".cartera-tmp-"
EXCEL = "Excel"
LIBREOFFICE = "LibreOffice"
CONFLICT_WORDS = ("conflicted copy", "copia en conflicto", "conflit", "konflikt")


def real_path(path: Path) -> Path:
    """The file a path names: a symbolic link's target (synced folders often link the workbook)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_not_open(path: Path) -> None:
    """Refuse when Excel (``~$name``) or LibreOffice (``.~lock.name#``) has the file open, beside the link or its target."""
    for place in dict.fromkeys((path, real_path(path))):
        excel_lock = place.with_name("~$" + place.name)
        office_lock = place.with_name(f".~lock.{place.name}#")
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
    """One refresh of a file at a time: an exclusive lock beside it (``filelock``: flock or Windows' own), released on exit.

    Only the process holding the lock removes its file, and it does so while it
    still holds it (on Windows, filelock's release removes it); a refused run
    leaves it alone. Re-entrant within a process, so ``refresh`` can hold it from
    reading to replacing while the ``save`` it calls takes it again.
    """
    lock_path = real_path(path).with_name(f".~cartera.{real_path(path).name}.lock")
    if lock_path.absolute() in _HELD:
        yield
        return
    if not lock_path.parent.is_dir():  # filelock would create it: writing fails instead, with its own clear message
        yield
        return
    lock = filelock.FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise WorkbookInUse(messages.REFRESH_RUNNING.format(path=path.name)) from None
    except OSError:
        yield  # a read-only or missing folder: writing will fail with its own clear message
        return
    _HELD.add(lock_path.absolute())
    try:
        yield
    finally:
        _HELD.discard(lock_path.absolute())
        if os.name != "nt":
            with contextlib.suppress(OSError):
                lock_path.unlink()  # before the release, so no one locks a file about to vanish
        lock.release()


def conflicted_copies(path: Path) -> list[Path]:
    """Dropbox's «name (conflicted copy …).xlsx» (or the Spanish «copia en conflicto») beside ``path``."""
    return sorted(
        candidate
        for candidate in path.parent.glob(f"{glob.escape(path.stem)} (*")
        if any(word in candidate.name.casefold() for word in CONFLICT_WORDS)
    )


def keep_base(written: Path, base: Path) -> None:
    """Keep a copy of the workbook just written as ``base``: the ancestor the next conflicted copy is merged against.

    Written whole under a temporary name and renamed; a failure only costs the
    next merge its ancestor (it is then two-way), so it is not an error.
    """
    partial = base.with_name(f".{base.name}{TEMP_MARK}{os.getpid()}")
    try:
        base.parent.mkdir(exist_ok=True)
        shutil.copyfile(real_path(written), partial)
        partial.replace(base)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


def set_aside(copy: Path, folder: Path) -> Path | None:
    """Move a conflicted copy that was merged into ``folder`` (``respaldos/``), never over another file; None if it cannot move."""
    target = folder / copy.name
    number = 2
    while target.exists():
        target = folder / f"{copy.stem} ({number}){copy.suffix}"
        number += 1
    try:
        folder.mkdir(exist_ok=True)
        copy.replace(target)
    except OSError:
        return None
    return target


def clean_stale_temps(folder: Path, stem: str) -> None:
    """Remove temp files that a killed run left beside the workbook (its own names only)."""
    own = re.compile(re.escape(f".{stem}{TEMP_MARK}") + r"\d+\.\w+")
    for stale in folder.iterdir():
        if own.fullmatch(stale.name):
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

    Returns the backup's path, or ``None`` when there was nothing to replace. A
    symbolic link is followed: its target is replaced and the link stays.
    """
    shown = target
    target = real_path(target)
    folder = target.parent
    if not folder.is_dir():
        raise WriteFailed(messages.CANNOT_WRITE.format(path=shown, detail=messages.NO_SUCH_FOLDER.format(folder=folder)))
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
            _keep_permissions(target, temp)
            backup = _backup(target, keep_backups)
        try:
            temp.replace(target)  # os.replace: atomic, never delete-then-rename
        except PermissionError:  # Windows: Excel's share lock on the open workbook
            raise WriteFailed(messages.CANNOT_WRITE.format(path=shown, detail=messages.REPLACE_REFUSED)) from None
        _fsync_dir(folder)
    except CarteraError:
        _discard(temp)
        raise
    except OSError as exc:
        _discard(temp)
        raise WriteFailed(messages.CANNOT_WRITE.format(path=shown, detail=os_error(exc))) from None
    except BaseException:
        _discard(temp)
        raise
    return backup


def os_error(exc: OSError) -> str:
    """What went wrong with the disk, in the team's words when the cause is a common one."""
    reason = messages.OS_ERRORS.get(errno.errorcode.get(exc.errno or 0, ""))
    return reason if reason is not None else str(exc.strerror or exc)


def _keep_permissions(original: Path, replacement: Path) -> None:
    """The new file takes the old one's permissions (read-only stays read-only) and, as root, its owner."""
    info = original.stat()
    replacement.chmod(stat.S_IMODE(info.st_mode))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.chown(replacement, info.st_uid, info.st_gid)


def backup_pattern(target: Path) -> re.Pattern[str]:
    """The names of this workbook's own backups, and no other workbook's: ``cartera_2026-11-18_093000(_2).xlsx``."""
    return re.compile(re.escape(target.stem) + r"_\d{4}-\d{2}-\d{2}_\d{6}(?:_\d+)?" + re.escape(target.suffix))


def _backup(target: Path, keep: int) -> Path:
    """A copy of ``target`` in ``respaldos/``, written under a temporary name and renamed whole; old ones pruned."""
    folder = target.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    backup = folder / f"{target.stem}_{stamp}{target.suffix}"
    number = 2
    while backup.exists():
        backup = folder / f"{target.stem}_{stamp}_{number}{target.suffix}"
        number += 1
    partial = folder / f".{backup.name}{TEMP_MARK}{os.getpid()}"
    try:
        shutil.copyfile(target, partial)  # written as a new file of ours, then given the original's mode and times:
        _fsync_file(partial)  # a read-only workbook's copy cannot be opened for writing once it is read-only too
        shutil.copystat(target, partial)
        partial.replace(backup)
    except BaseException:
        _discard(partial)
        raise
    own = backup_pattern(target)
    backups = sorted((p for p in folder.iterdir() if own.fullmatch(p.name)), key=lambda p: p.name)
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
