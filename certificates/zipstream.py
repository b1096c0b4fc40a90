"""A ZIP archive written as it is sent (no temporary file, memory bounded by one member).

zipfile writes to any object with ``write``; with an unseekable sink it uses
data descriptors, so each member is yielded as soon as it is written.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator


class _Sink:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def stream_zip(members: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """Yield a ZIP of (name, content) pairs; PDFs are compressed already, so members are stored."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in members:
            with archive.open(name, mode="w", force_zip64=len(content) > 2**31) as member:
                member.write(content)
            yield sink.drain()
    yield sink.drain()
