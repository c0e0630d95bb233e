"""IAM's wildcards ``*`` and ``?``, matched in time linear in the pattern and the value.

IAM knows two wildcards: ``*`` (any run of characters, none included) and ``?`` (exactly
one character). Every other character stands for itself: ``[``, ``]``, ``.``, ``$``,
``{`` and ``}`` too, unlike :mod:`fnmatch` (which reads ``[...]`` as a set) or a regular
expression. Policy variables (``${...}``) are the caller's business: ``access.py``
resolves them first and hands over literal text and wildcards (:data:`STAR`, :data:`ONE`).

A regular expression would backtrack: ``*?*?*?...X`` against a long ARN took minutes
(issue 17). :class:`Wildcard` instead simulates the pattern's automaton on every position
at once, one bit per position in a Python integer: each character of the value costs a
few integer operations over ``len(pattern)`` bits, so a match takes
O(len(value) * len(pattern) / word size) and never backtracks. The classic greedy
two-pointer glob match is not enough here: in a Resource a ``*`` inside a segment may not
cross a colon while one that ends its segment may, and the greedy argument (a later ``*``
can absorb whatever an earlier one would have) fails when the later one cannot.

Case: characters are compared exactly. IAM's action names are case-insensitive, so the
callers lowercase action patterns and actions before matching; resource ARNs and
condition values (``StringLike``, ``ArnLike``) are matched as they are (case-sensitive).

>>> wildcard("ecs:Submit*").fullmatch("ecs:SubmitTaskStateChange")
True
>>> wildcard("ecs:[P]oll").fullmatch("ecs:Poll"), wildcard("ecs:[P]oll").fullmatch("ecs:[P]oll")
(False, True)
>>> wildcard("arn:aws:logs:*:*:log-group:*-app", "arn").fullmatch(
...     "arn:aws:logs:us-east-1:111122223333:log-group:a:b-app")
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

#: A ``*`` among the pieces a :class:`Wildcard` is made of (``access.py``'s marker).
STAR = "\0*"
#: A ``?`` among the pieces.
ONE = "\0?"

Style = Literal["text", "arn"]
_WILD = re.compile(r"([*?])")


def parts(pattern: str) -> list[str]:
    """``pattern`` as literal pieces and wildcards (:data:`STAR`, :data:`ONE`).

    >>> parts("a*b?${c}")
    ['a', '\\x00*', 'b', '\\x00?', '${c}']
    """
    return ["\0" + piece if piece in ("*", "?") else piece
            for piece in _WILD.split(pattern) if piece]


def wildcard(pattern: str, style: Style = "text") -> Wildcard:
    """``pattern``, whose ``*`` and ``?`` are wildcards, compiled (see :class:`Wildcard`)."""
    return Wildcard(parts(pattern), style)


def matches(pattern: str, value: str, *, ignore_case: bool = False, style: Style = "text") -> bool:
    """Whether ``pattern`` matches all of ``value``; ``ignore_case`` for action names.

    >>> matches("ECR:Get*", "ecr:GetAuthorizationToken", ignore_case=True)
    True
    """
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    return Wildcard(parts(pattern), style).fullmatch(value)


class Wildcard:
    """An IAM wildcard pattern, ready to match whole values.

    Parameters
    ----------
    pieces
        Literal text and the markers :data:`STAR` and :data:`ONE`, in order.
    style
        ``"text"``: ``*`` is any run of characters, ``?`` any one character (actions,
        ``StringLike``, the parts of ``ArnLike``). ``"arn"`` (a Resource element): a
        wildcard stays inside its colon-separated segment, except a ``*`` that ends its
        segment (the pattern's end or a ``:`` follows), which may match beyond the colons.

    Notes
    -----
    Position ``j`` (bit ``j`` of the state) means "the pattern's first ``j`` elements
    match what was read so far". A literal or ``?`` element moves a position one on; a
    ``*`` keeps it, and is also skipped at once (it may match nothing). Runs of ``*`` are
    merged first (``**`` is ``*``), so one skip step is enough.
    """

    __slots__ = ("_accept", "_masks", "_other", "_stars", "_start", "_text")

    def __init__(self, pieces: Iterable[str], style: Style = "text"):
        elements = _elements(pieces, style)
        self._text = None if any(kind != "lit" for kind, _ in elements) else \
            "".join(c for _, c in elements)
        self._stars = sum(1 << j for j, (kind, _) in enumerate(elements) if kind.startswith("*"))
        self._accept = 1 << len(elements)
        self._start = self._closed(1)
        # For each character: the positions it moves on, the positions it keeps (a ``*``).
        chars = {c for kind, c in elements if kind == "lit"} | {":"}
        self._masks = {c: _masks(elements, c) for c in chars}
        self._other = _masks(elements, None)

    def _closed(self, state: int) -> int:
        # A ``*`` may match nothing: a position before one is also a position after it.
        return state | ((state & self._stars) << 1)

    def fullmatch(self, value: str) -> bool:
        """Whether the pattern matches all of ``value`` (characters compared exactly)."""
        if self._text is not None:
            return value == self._text
        state, stars, masks, other = self._start, self._stars, self._masks, self._other
        for char in value:
            move, keep = masks.get(char, other)
            state = ((state & move) << 1) | (state & keep)
            state |= (state & stars) << 1  # as in _closed, inlined: this loop is the cost
            if not state:
                return False
        return bool(state & self._accept)


def _elements(pieces: Iterable[str], style: Style) -> list[tuple[str, str]]:
    """The pattern one element per character: ``("lit", c)``, ``("?", "")`` or ``("?:", "")``
    (a ``?`` that also takes a colon), ``("*", "")`` or ``("*:", "")``; ``*`` runs merged."""
    flat: list[str] = []
    for piece in pieces:
        flat.extend([piece] if piece in (STAR, ONE) else piece)
    out: list[tuple[str, str]] = []
    for i, item in enumerate(flat):
        if item == ONE:
            out.append(("?", "") if style == "arn" else ("?:", ""))
        elif item == STAR:
            after = flat[i + 1] if i + 1 < len(flat) else None
            crosses = style == "text" or after is None or after == ":"
            if out and out[-1][0].startswith("*"):  # ``**`` is one ``*``, the wider one
                crosses = out.pop()[0] == "*:" or crosses
            out.append(("*:" if crosses else "*", ""))
        else:
            out.append(("lit", item))
    return out


def _masks(elements: list[tuple[str, str]], char: str | None) -> tuple[int, int]:
    """(positions ``char`` moves on, positions it keeps); ``None``: a character that is
    neither a colon nor in the pattern's literal text."""
    move = keep = 0
    for j, (kind, literal) in enumerate(elements):
        takes = kind.endswith(":") or char != ":"
        if (kind == "lit" and literal == char) or (kind.startswith("?") and takes):
            move |= 1 << j
        elif kind.startswith("*") and takes:
            keep |= 1 << j
    return move, keep
