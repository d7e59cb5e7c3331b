"""Reading untrusted zip archives (.docx, .odt, .qdpx) without being hurt by them.

    from qualtui.safeio.safezip import SafeZip
    archive = SafeZip(data_or_path, kind=".docx file")
    archive.names()                      # regular files, in archive order
    name = archive.find("word/document.xml")   # actual name, case-insensitive, or None
    xml_bytes = archive.read(name, max_bytes=20 * 1024 * 1024)

Everything is checked when the archive is opened, so one bad entry rejects the
whole file: too many entries, declared sizes over the limits, suspicious
compression ratios (zip bombs), unsafe names (absolute paths, ``..``, drive
letters, backslash tricks, control characters), symlinks and other special
files, encryption, duplicate names and unsupported compression methods.
Reading a member never trusts the header: the decompressed bytes are counted
while streaming and reading stops as soon as a limit is passed.  Nothing is
ever extracted to disk.  Every problem raises ``ImportRejected`` with a
one-line reason.
"""

from __future__ import annotations

import io
import lzma
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from os import PathLike

from qualtui.errors import ImportRejected

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Limits for one archive; the defaults suit transcripts and REFI-QDA projects."""

    max_entries: int = 10_000
    max_total_bytes: int = 200 * MB        # sum of uncompressed sizes
    max_member_bytes: int = 200 * MB       # one uncompressed member
    max_ratio: float = 100.0               # uncompressed / compressed, for members ...
    ratio_applies_above: int = 1 * MB      # ... bigger than this (tiny files compress well)


CHUNK = 64 * 1024   # what ``stream`` gives at a time
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ALLOWED_TYPES = {0, stat.S_IFREG, stat.S_IFDIR}
# Errors the zipfile module and its decompressors raise on damaged data.
_DAMAGE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, NotImplementedError,
           RuntimeError, IndexError, KeyError, OverflowError, UnicodeDecodeError)


def unsafe_name_reason(name: str) -> str | None:
    """Why an entry name could escape a folder or confuse a reader, or None if it is fine."""
    if not name:
        return "an entry has an empty name"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "an entry name contains control characters"
    parts = name.replace("\\", "/").split("/")
    if parts[0] == "" or name.startswith(("/", "\\")):
        return "an entry has an absolute path"
    if len(parts[0]) >= 2 and parts[0][1] == ":" and parts[0][0].isalpha():
        return "an entry name starts with a drive letter"
    if any(part == ".." for part in parts):
        return "an entry name contains '..' (path traversal)"
    return None


def _entry_type(info: zipfile.ZipInfo) -> int:
    return stat.S_IFMT(info.external_attr >> 16)


class SafeZip:
    """A checked, read-only view of a zip archive held in memory or on disk."""

    def __init__(self, source: bytes | str | PathLike[str], *, kind: str = "zip archive",
                 limits: ZipLimits = ZipLimits()) -> None:
        self.kind = kind
        self.limits = limits
        self._read_total = 0
        self._counted: set[str] = set()   # parts read whole once: in the total already, not again
        try:
            if isinstance(source, (bytes, bytearray, memoryview)):
                if not bytes(source[:4]).startswith(b"PK"):
                    raise ImportRejected(f"{kind} is not a zip archive")
                self._zip = zipfile.ZipFile(io.BytesIO(bytes(source)))
            else:
                self._zip = zipfile.ZipFile(source)
        except ImportRejected:
            raise
        except zipfile.BadZipFile:
            raise ImportRejected(f"{kind} is damaged or not a zip archive") from None
        except FileNotFoundError:
            raise ImportRejected(f"{kind} does not exist") from None
        except _DAMAGE:
            raise ImportRejected(f"{kind} is damaged (cannot read the zip directory)") from None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._check_entries()

    def _reject(self, reason: str) -> ImportRejected:
        return ImportRejected(f"unsafe {self.kind}: {reason}")

    def _check_entries(self) -> None:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise self._reject(f"{len(infos)} entries, over the limit of {limits.max_entries}")
        total = 0
        for info in infos:
            reason = unsafe_name_reason(info.filename)
            if reason:
                raise self._reject(reason)
            kind = _entry_type(info)
            if kind == stat.S_IFLNK:
                raise self._reject("an entry is a symbolic link")
            if kind not in _ALLOWED_TYPES:
                raise self._reject("an entry is a special file (device, pipe or socket)")
            if info.flag_bits & 0x1 or info.flag_bits & 0x40:
                raise self._reject("it is encrypted (password protected); save an unprotected copy")
            if info.compress_type not in _SUPPORTED_METHODS:
                raise self._reject(f"unsupported compression method {info.compress_type}")
            if info.file_size > limits.max_member_bytes:
                raise self._reject(f"an entry declares {info.file_size / MB:.0f} MB, over the "
                                   f"{limits.max_member_bytes / MB:.0f} MB limit")
            if info.file_size > limits.ratio_applies_above and \
                    info.file_size > limits.max_ratio * max(1, info.compress_size):
                raise self._reject("suspicious compression ratio (possible zip bomb)")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise self._reject(f"more than {limits.max_total_bytes / MB:.0f} MB uncompressed in total")
            key = info.filename
            if key in self._infos:
                raise self._reject("duplicate entry names")
            self._infos[key] = info

    def names(self) -> list[str]:
        """Names of the regular files (not folders), in archive order."""
        return [name for name, info in self._infos.items() if not info.is_dir()]

    def __contains__(self, name: object) -> bool:
        return name in self._infos and not self._infos[name].is_dir()  # type: ignore[index]

    def find(self, name: str, case_insensitive: bool = True) -> str | None:
        """The archive's own spelling of ``name`` (``\\`` treated as ``/``), or None."""
        wanted = name.replace("\\", "/").lstrip("/")
        for actual in self.names():
            candidate = actual.replace("\\", "/")
            if candidate == wanted or (case_insensitive and candidate.casefold() == wanted.casefold()):
                return actual
        return None

    def size(self, name: str) -> int:
        """The declared (untrusted, but limit-checked) uncompressed size of a member."""
        return self._info(name).file_size

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self._infos.get(name)
        if info is None or info.is_dir():
            raise self._reject(f"missing part {name!r}")
        return info

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """A member's bytes, counting what is really decompressed against every limit."""
        return b"".join(self.stream(name, max_bytes))

    def stream(self, name: str, max_bytes: int | None = None) -> Iterator[bytes]:
        """A member's bytes a chunk at a time (``read`` without holding them), checked as ``read`` checks."""
        info = self._info(name)
        limit = min(self.limits.max_member_bytes, max_bytes if max_bytes is not None else self.limits.max_member_bytes)
        if info.file_size > limit:
            raise self._reject(f"part {name!r} is {info.file_size / MB:.1f} MB, over the {limit / MB:.1f} MB limit")
        # Never more than the header promised: a lying header is damage, not more data.
        limit = min(limit, info.file_size)
        got = 0
        try:
            with self._zip.open(info) as member:
                while True:
                    chunk = member.read(CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise self._reject(f"part {name!r} decompresses to more than it declares")
                    if name not in self._counted and self._read_total + got > self.limits.max_total_bytes:
                        raise self._reject(f"more than {self.limits.max_total_bytes / MB:.0f} MB uncompressed in total")
                    yield chunk
        except ImportRejected:
            raise
        except _DAMAGE:
            raise ImportRejected(f"{self.kind} is damaged (cannot decompress {name!r})") from None
        if got != info.file_size:
            raise ImportRejected(f"{self.kind} is damaged ({name!r} is truncated)")
        if name not in self._counted:   # a part read again (import-qdpx reads a document at a time) counts once
            self._counted.add(name)
            self._read_total += got

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
