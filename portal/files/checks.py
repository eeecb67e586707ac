"""What an upload really is, decided from its bytes: the name and the browser's header are
never trusted.

Policy (README "Files"):
- refused: executables and scripts, by their bytes (Windows PE, ELF, Mach-O, Flash, WebAssembly,
  packages, `#!` scripts) and by their extension (exe, dll, msi, bat, ps1, js, jar, sh, ...);
- refused: a name that claims a PDF, an image or an Office document whose bytes are something
  else (an HTML page named `.pdf`);
- refused: archives and Office files that expand beyond the platform's limits (zip bombs), and
  gzip, bzip2 and xz files that do;
- accepted but never shown inline: HTML, SVG and XML (downloaded as opaque attachments);
- shown inline (with a sandboxing CSP): PNG, JPEG, GIF, WebP images and PDFs only.
"""

from __future__ import annotations

import bz2
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import filetype  # type: ignore[import-untyped]  # ships no type information
from flask_babel import gettext

from portal.core.errors import UserError

HEAD = 8192
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
ACTIVE_TYPES = frozenset({"text/html", "image/svg+xml", "application/xml"})
DENIED_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-mach-binary",
        "application/x-shockwave-flash",
        "application/x-google-chrome-extension",
        "application/wasm",
        "application/x-deb",
        "application/x-rpm",
        "application/vnd.ms-cab-compressed",
        "application/x-sh",
    }
)
DENIED_EXTENSIONS = frozenset(
    "exe dll msi msp mst com scr pif cpl sys drv ocx bat cmd ps1 psm1 psd1 vbs vbe js jse mjs "
    "wsf wsh wsc hta jar war apk app dmg pkg deb rpm run bin elf so dylib lnk reg inf scf url "
    "gadget sh bash zsh csh ksh fish command py pyc pyw pl rb php phar cgi appx msix "
    "xbap application vb vba".split()
)
IMAGE_EXTENSIONS = frozenset("png jpg jpeg jpe gif webp bmp tif tiff heic heif avif ico".split())
ZIP_TYPES = frozenset(
    {
        "application/zip",
        "application/epub+zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
# What the extension claims → the sniffed types that may carry it.
CLAIMS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    **{ext: ZIP_TYPES for ext in ("docx", "xlsx", "pptx", "odt", "ods", "odp", "zip", "epub")},
}
_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<meta")
_STREAM_DECOMPRESSORS = {"application/gzip", "application/x-bzip2", "application/x-xz"}
CHUNK = 64 * 1024
STEP = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_uncompressed: int
    max_ratio: int
    max_entries: int


def sniff(head: bytes, extension: str) -> str:
    """The content type of a file from its first bytes; `extension` only tells CSV from text."""
    if head.startswith((b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")):
        return "application/x-mach-binary"
    if head.startswith(b"#!"):
        return "application/x-sh"
    kind = filetype.guess(head) if head else None
    if kind is not None:
        return str(kind.mime)
    text = _as_text(head)
    if text is None:
        return "application/octet-stream"
    sample = text.lstrip("\ufeff \t\r\n").lower()[:2048]
    if "<svg" in sample:
        return "image/svg+xml"
    if any(marker in sample for marker in _HTML_MARKERS):
        return "text/html"
    if sample.startswith("<"):
        return "application/xml"
    return "text/csv" if extension in {"csv", "tsv"} else "text/plain"


def _as_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the end of the sample
            return head[: error.start].decode("utf-8")
    text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
    return text if printable >= 0.95 * len(text) else None


def refuse_denied(mime: str, extension: str) -> None:
    if mime in DENIED_TYPES or extension in DENIED_EXTENSIONS:
        if extension in DENIED_EXTENSIONS:
            message = gettext(
                ".%(extension)s files cannot be uploaded, because they could harm the computer "
                "that opens them. If you need to send one, put it in a .zip archive.",
                extension=extension,
            )
        else:
            message = gettext(
                "Programs and scripts cannot be uploaded, because they could harm the computer "
                "that opens them. If you need to send one, put it in a .zip archive."
            )
        raise UserError(message, "file")


def refuse_false_claim(mime: str, extension: str) -> None:
    """A name that promises a PDF, image or Office file must carry one."""
    if extension in IMAGE_EXTENSIONS:
        ok = mime.startswith("image/") and mime != "image/svg+xml"
    else:
        ok = extension not in CLAIMS or mime in CLAIMS[extension]
    if not ok:
        raise UserError(
            gettext(
                "This file is named .%(extension)s, but its content is not a .%(extension)s "
                "file. Save it again in that format, or give it the right name.",
                extension=extension,
            ),
            "file",
        )


def refuse_bomb(mime: str, stream: IO[bytes], size: int, limits: Limits) -> None:
    """Archives and Office files must not expand beyond the limits (a zip bomb)."""
    if mime in ZIP_TYPES:
        _check_zip(stream, size, limits)
    elif mime in _STREAM_DECOMPRESSORS:
        _check_stream(mime, stream, limits)
    stream.seek(0)


def _bomb() -> UserError:
    return UserError(
        gettext(
            "This archive expands to far more than its size (a “zip bomb”), so it was refused. "
            "Send the files it contains instead."
        ),
        "file",
    )


def _check_zip(stream: IO[bytes], size: int, limits: Limits) -> None:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UserError(
            gettext(
                "This archive or Office file is damaged and cannot be opened. "
                "Save it again and upload the new copy."
            ),
            "file",
        ) from error
    if len(entries) > limits.max_entries:
        raise _bomb()
    expanded = sum(entry.file_size for entry in entries)
    nested = sum(entry.filename.lower().endswith(".zip") for entry in entries)
    ratio_too_high = expanded > 10 * 2**20 and expanded > limits.max_ratio * max(size, 1)
    if expanded > limits.max_uncompressed or ratio_too_high or nested > 100:
        raise _bomb()


def _check_stream(mime: str, stream: IO[bytes], limits: Limits) -> None:
    """Decompress in bounded steps, counting, and stop at the limit: never all in memory."""
    stream.seek(0)
    expanded = 0
    try:
        for size in _expanded_sizes(mime, stream):
            expanded += size
            if expanded > limits.max_uncompressed:
                raise _bomb()
    except (OSError, EOFError, zlib.error, lzma.LZMAError):
        return  # damaged: stored as an opaque file, nothing here expands it


def _expanded_sizes(mime: str, stream: IO[bytes]) -> Iterator[int]:
    """Sizes of successive decompressed pieces of at most STEP bytes each."""
    if mime == "application/gzip":
        inflater = zlib.decompressobj(wbits=47)
        while chunk := stream.read(CHUNK):
            while chunk:
                out = inflater.decompress(chunk, STEP)
                yield len(out)
                chunk = inflater.unconsumed_tail
        return
    decompressor = (
        bz2.BZ2Decompressor() if mime == "application/x-bzip2" else lzma.LZMADecompressor()
    )
    while chunk := stream.read(CHUNK):
        yield len(decompressor.decompress(chunk, STEP))
        while not decompressor.eof and not decompressor.needs_input:
            yield len(decompressor.decompress(b"", STEP))
        if decompressor.eof:
            return
