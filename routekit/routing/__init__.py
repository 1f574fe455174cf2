"""File-system routing: the ``[id]`` grammar, discovery, the route table and the matcher."""

from __future__ import annotations

from ..errors import ParamDecodeError
from .discovery import discover
from .matcher import decode_param
from .route import Match, Route, RouteKind
from .segments import Segment, SegmentKind, parse_pattern, parse_segment
from .table import RouteTable

__all__ = [
    "Match",
    "ParamDecodeError",
    "Route",
    "RouteKind",
    "RouteTable",
    "Segment",
    "SegmentKind",
    "decode_param",
    "discover",
    "parse_pattern",
    "parse_segment",
]
