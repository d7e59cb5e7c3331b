"""Opening a .qdpx (or a bare .qde) safely and finding its parts leniently."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from qualtui.errors import ImportRejected
from qualtui.safeio.safezip import CHUNK, SafeZip, ZipLimits

MB = 1024 * 1024
MAX_ARCHIVE_BYTES = 500 * MB
MAX_XML_BYTES = 200 * MB
MAX_SOURCE_BYTES = 50 * MB
FILE_CHUNK = 1 << 20
LIMITS = ZipLimits(max_total_bytes=1024 * MB, max_member_bytes=MAX_XML_BYTES)


def read_input(path: Path, what: str) -> bytes:
    path = check_input(path)
    try:
        return path.read_bytes()
    except PermissionError:
        raise ImportRejected(f"permission denied reading {path}") from None


def check_input(path: Path) -> Path:
    """*path* if it is a readable file within the size limit, else a one-line ``ImportRejected``."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ImportRejected(f"{path} is not a file" if path.exists() else f"{path} does not exist")
        size = os.stat(path).st_size
        if size > MAX_ARCHIVE_BYTES:
            raise ImportRejected(f"{path.name} is {size / MB:.0f} MB, over the {MAX_ARCHIVE_BYTES // MB} MB limit")
        with open(path, "rb") as probe:
            probe.read(1)
    except PermissionError:
        raise ImportRejected(f"permission denied reading {path}") from None
    return path


@dataclass
class Archive:
    """A project file: the .qde bytes, and where its internal sources are (if zipped)."""

    qde: bytes                     # empty when opened from a file (``chunks`` reads it)
    zip: SafeZip | None
    qde_name: str
    path: Path | None = None
    # a bare .qde's digest as first read: it is read more than once (opened again each time), and a file
    # replaced or rewritten in between would mix two files into one project
    digest: bytes | None = field(default=None, repr=False)

    @classmethod
    def open(cls, data: bytes, label: str) -> "Archive":
        if not data.startswith(b"PK"):
            return cls(data, None, label)          # a bare .qde exchanged on its own
        archive = SafeZip(data, kind=label, limits=LIMITS)
        qde_name = cls._qde_name(archive, label)
        return cls(archive.read(qde_name, max_bytes=MAX_XML_BYTES), archive, qde_name)

    @classmethod
    def open_file(cls, path: Path, label: str) -> "Archive":
        """The project file at *path*, its .qde read only through ``chunks`` (as often as needed)."""
        path = check_input(path)
        with open(path, "rb") as probe:
            zipped = probe.read(2) == b"PK"
        if not zipped:   # a bare .qde, read from disk: refused at once if over the XML limit, as parsed whole
            size = os.stat(path).st_size
            if size > MAX_XML_BYTES:
                raise ImportRejected(f"{label} is {size / MB:.1f} MB, over the {MAX_XML_BYTES // MB} MB XML limit")
            return cls(b"", None, label, path)
        archive = SafeZip(path, kind=label, limits=LIMITS)
        return cls(b"", archive, cls._qde_name(archive, label), path)

    @staticmethod
    def _qde_name(archive: SafeZip, label: str) -> str:
        root_qdes = [n for n in archive.names() if "/" not in n.replace("\\", "/") and n.lower().endswith(".qde")]
        if not root_qdes:
            raise ImportRejected(f"{label} has no .qde project file at the top of the archive")
        if len(root_qdes) > 1:
            raise ImportRejected(f"{label} has {len(root_qdes)} .qde files at the top; expected exactly one")
        return root_qdes[0]

    def chunk_count(self) -> int:
        """About how many pieces ``chunks`` gives (for a progress bar)."""
        if self.zip is not None and self.path is not None:
            return -(-self.zip.size(self.qde_name) // CHUNK)
        return -(-os.stat(self.path).st_size // FILE_CHUNK) if self.path is not None else 1

    def chunks(self) -> Iterator[bytes]:
        """The .qde's bytes a chunk at a time, read again on each call (``ImportRejected`` at the end of a
        reading that differs from the first)."""
        if self.zip is not None and self.path is not None:
            yield from self.zip.stream(self.qde_name, max_bytes=MAX_XML_BYTES)   # a changed part fails its CRC
        elif self.path is not None:
            with open(self.path, "rb") as qde:
                yield from self._same(iter(lambda: qde.read(FILE_CHUNK), b""))
        else:
            yield self.qde

    def _same(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
            yield chunk
        if self.digest is None:
            self.digest = digest.digest()
        elif digest.digest() != self.digest:
            raise ImportRejected(f"{self.qde_name} changed while it was being imported (was it being written?); "
                                 "nothing was imported: import it again")

    def source_bytes(self, path: str | None) -> tuple[bytes | None, str]:
        """The bytes of a source path, or (None, why not)."""
        if not path:
            return None, "no plain-text path"
        lowered = path.strip()
        for prefix in ("internal://", "internal:/"):
            if lowered.lower().startswith(prefix):
                lowered = lowered[len(prefix):]
                break
        else:
            if "://" in lowered:
                return None, "the text is outside the archive (relative:// or absolute:// path)"
        name = lowered.replace("\\", "/").lstrip("/")
        if self.zip is None:
            return None, "a bare .qde carries no source files"
        if not name or ".." in name.split("/"):
            return None, "unsafe path"
        base = name.rsplit("/", 1)[-1]
        found = self.zip.find(f"sources/{base}") or self.zip.find(name)
        if found is None:
            return None, "its text file is missing from the archive"
        return self.zip.read(found, max_bytes=MAX_SOURCE_BYTES), ""
