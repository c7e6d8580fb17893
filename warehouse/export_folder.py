"""The folder `framewatch export` writes into: it writes only its own files and never deletes anything it
did not write.

- a new or empty folder is written;
- a folder that holds a previous export gets the new files in place of the ones that export wrote (listed
  in its manifest, `.framewatch-export.json`; an export older than the manifest is recognised by its
  layout: `article_scores/**.parquet` and the mart files, nothing else); anything else a person put there
  stays;
- any other folder that is not empty (the warehouse's own folder, a folder of someone's files) and any
  file is refused before anything is written.

The new files are written to a staging folder beside the target first, so a failed export leaves the
previous one whole."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from warehouse.db import WarehouseError

MANIFEST = ".framewatch-export.json"
SCORES_DIR = "article_scores"


def _files_under(folder: Path) -> list[str]:
    """Every file (and link) under `folder`, as POSIX paths relative to it."""
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    )


def _safe(rel: object) -> bool:
    """A manifest entry that names a plain file inside the export folder (no absolute path, no '..')."""
    if not isinstance(rel, str) or not rel:
        return False
    path = PurePosixPath(rel)
    return not path.is_absolute() and ".." not in path.parts and rel != MANIFEST


def previous_export(out: Path, whole: Collection[str]) -> list[str] | None:
    """The files a previous export wrote into `out` (relative paths; [] for an empty folder), or None when
    `out` is not empty and is not recognisably an export of ours. `whole`: the mart names exported as
    `<name>.parquet`."""
    present = _files_under(out)
    if not present and not any(out.iterdir()):
        return []
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("files")
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            return None
        if not isinstance(listed, list) or not all(_safe(rel) for rel in listed):
            return None
        return [rel for rel in listed if (out / rel).is_file()]
    ours = {f"{name}.parquet" for name in whole}
    legacy = [
        rel
        for rel in present
        if rel in ours or (rel.startswith(f"{SCORES_DIR}/") and rel.endswith(".parquet"))
    ]
    if (out / SCORES_DIR).is_dir() and legacy == present:
        return legacy
    return None


def check_target(out: Path, whole: Collection[str]) -> list[str]:
    """The files of a previous export in `out` that the new one replaces; raises WarehouseError (one line,
    nothing written) when `out` is a file or a folder that holds anything but a previous export."""
    if out.exists() and not out.is_dir():
        raise WarehouseError(
            f"--out {out} is a file, not a folder; nothing was written: give a new or empty folder"
        )
    if not out.exists():
        return []
    previous = previous_export(out, whole)
    if previous is None:
        names = sorted(p.name for p in out.iterdir())
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        raise WarehouseError(
            f"--out {out} is not empty and holds no framewatch export ({shown}); nothing was written or "
            "deleted: give a new or empty folder, or the folder of an earlier `framewatch export`"
        )
    return previous


def install(staging: Path, out: Path, previous: list[str], database: Path) -> None:
    """Move the files written to `staging` into `out` in place of the `previous` export's files, write the
    manifest, and remove `staging`. Files in `out` that no export wrote are kept; a new file that would
    land on one of them is refused before anything is removed."""
    new = _files_under(staging)
    manifest = {
        "written_by": "framewatch export",
        "database": str(database),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": new,
    }
    if not out.exists():
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.replace(staging, out)
        return
    mine = set(previous)
    clash = [rel for rel in new if (out / rel).exists() and rel not in mine]
    if clash:
        raise WarehouseError(
            f"--out {out} holds {clash[0]}, which no framewatch export wrote, where the export would write "
            "its own file; nothing was written or deleted: move that file, or give a new folder"
        )
    for rel in previous:
        (out / rel).unlink(missing_ok=True)
    for rel in sorted({str(PurePosixPath(r).parent) for r in previous}, key=len, reverse=True):
        folder = out / rel
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # only folders an export made and that are now empty
            folder = folder.parent
    for rel in new:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / rel, out / rel)
    tmp = out / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)
    shutil.rmtree(staging, ignore_errors=True)  # the staging folder is ours, and empty by now
