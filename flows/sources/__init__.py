"""One client per source. A client fetches records and knows nothing of the warehouse.

Every client answers `fetch(resource, since) -> Batch` for the resources it serves (names as in
`warehouse/resources.py`) and raises `SourceError` — a message naming the source, the resource
and, when there is one, the record — for anything that stops a sync: server down, timeout,
HTTP or RPC error, wrong credentials, malformed payload. Secrets never appear in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warehouse.load import Watermark


class SourceError(RuntimeError):
    """A source could not be read; the message says which source, resource and record."""

    def __init__(self, source: str, resource: str | None, message: str, *, hide: tuple[str, ...] = ()):
        """hide: secrets to mask in the message, should a server echo one back."""
        self.source, self.resource = source, resource
        for secret in hide:
            if secret:
                message = message.replace(secret, "***")
        where = f"{source} / {resource}" if resource else source
        super().__init__(f"{where} : {message}")


@dataclass
class Batch:
    """What one fetch brought back.

    records: the records to load, as the source returned them;
    rejected: (record, reason) pairs that failed validation, to set aside in quarantine;
    watermark: where the next incremental fetch starts (None: the resource has none);
    complete: the records are the whole resource (keys absent from them were deleted).
    """

    records: list[dict] = field(default_factory=list)
    rejected: list[tuple[dict, str]] = field(default_factory=list)
    watermark: Watermark | None = None
    complete: bool = False
