"""Snapshot tests of responses with syrupy (``pip install 'routekit[snapshot]'``).

``assert res == snapshot_response`` stores the response as readable text: the status line,
the headers that matter (sorted; ``Date``, ``ETag``, ``Content-Length`` and transport
headers left out, as they change between identical runs) and the body, JSON
pretty-printed. ``pytest --snapshot-update`` writes it; a later change shows as a line diff.
"""

from __future__ import annotations

import typing as t

try:
    from syrupy.extensions.amber import AmberSnapshotExtension
except ModuleNotFoundError as exc:
    raise ModuleNotFoundError(
        "response snapshots need syrupy: pip install 'routekit[snapshot]' (or syrupy>=4).",
        name=exc.name,
    ) from exc

from ._accessors import ResponseAccessors
from ._record import NOISY_HEADERS, ResponseRecord

__all__ = ["ResponseSnapshotExtension"]


class ResponseSnapshotExtension(AmberSnapshotExtension):
    """syrupy's amber format, with client and mock responses stored as readable text.

    Other values are serialized as amber does. Subclass and set :attr:`ignored_headers`
    to leave out more headers (a request id, a rate-limit counter)::

        class Extension(ResponseSnapshotExtension):
            ignored_headers = ResponseSnapshotExtension.ignored_headers | {"x-request-id"}
    """

    #: Lowercase header names left out of the stored response.
    ignored_headers: t.ClassVar[frozenset[str]] = NOISY_HEADERS

    def serialize(self, data: t.Any, **kwargs: t.Any) -> str:
        """The text stored for *data*: a response's record, else amber's serialization."""
        if isinstance(data, ResponseAccessors):
            return ResponseRecord.of(data).render(ignore=self.ignored_headers)
        return super().serialize(data, **kwargs)
