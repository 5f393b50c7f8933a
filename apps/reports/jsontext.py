"""The report's JSON text, piece by piece: byte for byte `json.dumps(report, indent=2, ensure_ascii=False) + "\\n"`.

Why not json.dumps: with `indent` the standard library falls back to its pure-Python encoder (a generator call per
value), which was half of a 200-flow report's time, and it needs the whole report in memory. This encoder writes
scalars with the same C-accelerated functions json uses, writes a `Shared` dict it has already written (a category
recurs on every flow) from its cached text, and walks two lazy kinds of value so that a report streams:

- `Rows`: a list produced by iterating (the flows, read from a server-side cursor), written item by item, by
  orjson when the producer vouches for an item's types (see Rows);
- `Deferred`: a value computed when the encoder reaches it (what is only known once the rows before it streamed).

`materialise()` turns both into plain lists and values, for the formats that need the whole report at once.
"""

import contextlib
import json
from json.encoder import encode_basestring  # the C function json.dumps(ensure_ascii=False) uses for strings

import orjson

INDENT = "  "
CHUNK_SIZE = 64 * 1024  # characters: big enough that a 5,000-flow report is a few hundred writes, not 50,000
# Plain rows written per orjson call: 16 flows of 50 categories are ~120 KB of text, held a moment, whatever the
# number of flows.
PLAIN_BATCH = 16


class Shared(dict):
    """A dict that recurs in a report, unchanged: its text is made once per depth (json.dumps sees a plain dict)."""

    __slots__ = ()


class Rows:
    """A list that is produced each time it is iterated (`produce()` returns a fresh iterator).

    `plain`, when given, tells of an item (a function item → bool) that it holds only str, int, bool, None, lists
    and dicts with str keys: no float (orjson writes 1e16 where json writes 1e+16, and NaN as null), no lazy
    translation. orjson then writes that item in one call, byte for byte json.dumps(indent=2, ensure_ascii=False)'s
    text: the value-by-value encoder below was most of a 200-flow report's time. Any other item, or one orjson
    refuses (a date, a huge int, a lazy string), is written by the encoder below, which raises what json.dumps
    would raise."""

    def __init__(self, produce, *, plain=None):
        self._produce = produce
        self.plain = plain

    def __iter__(self):
        return iter(self._produce())


class Deferred:
    """A value computed once, when first asked for: after the rows written before it have been iterated."""

    _unset = object()

    def __init__(self, compute):
        self._compute = compute
        self._value = self._unset

    def resolve(self):
        if self._value is self._unset:
            self._value = self._compute()
        return self._value


def materialise(value):
    """`value` with every Rows made a list and every Deferred resolved (in document order), recursively."""
    if isinstance(value, Deferred):
        return materialise(value.resolve())
    if isinstance(value, dict):
        return {key: materialise(item) for key, item in value.items()}
    if isinstance(value, Rows | list | tuple):
        return [materialise(item) for item in value]
    return value


def is_streamed(report):
    """Whether a report holds a lazy part (built with stream=True)."""
    return any(isinstance(value, Rows | Deferred) for value in report.values())


# Indented like json.dumps(indent=2); dates and dataclasses refused (json.dumps refuses them) rather than converted.
_ORJSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _float(value):
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


class _Encoder:
    def __init__(self):
        # id(Shared dict) → (the dict, its text at each depth). The dict is kept so that its id is not reused. Only
        # Shared dicts are kept: caching every flow would hold the whole report, which streaming must not.
        self.memo = {}

    def pieces(self, value, depth):
        """The text of `value` at `depth` (the indentation of the line it starts on), as an iterable of str."""
        if isinstance(value, str):
            return (encode_basestring(value),)
        if value is None:
            return ("null",)
        if value is True:
            return ("true",)
        if value is False:
            return ("false",)
        if isinstance(value, int):
            return (int.__repr__(value),)
        if isinstance(value, float):
            return (_float(value),)
        if isinstance(value, Deferred):
            return self.pieces(value.resolve(), depth)
        if isinstance(value, dict):
            return self._dict(value, depth)
        if isinstance(value, list | tuple | Rows):
            return self._list(value, depth)
        # Anything else (a lazy translation, a date…): json.dumps decides, and raises what it would have raised.
        return (self._fallback(value, depth),)

    @staticmethod
    def _fallback(value, depth):
        return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + INDENT * depth)

    def _dict(self, value, depth):
        if not value:
            return ("{}",)
        if not all(isinstance(key, str) for key in value):
            return (self._fallback(value, depth),)  # json's key coercion (ints, None…) is its own business
        if type(value) is not Shared:
            # A generator: a dict holding Rows (the report itself) must not gather their text before it is sent.
            return self._items(value, depth)
        cached = self.memo.get(id(value))
        if cached is not None and depth in cached[1]:
            return (cached[1][depth],)
        text = "".join(self._items(value, depth))
        self.memo.setdefault(id(value), (value, {}))[1][depth] = text
        return (text,)

    def _items(self, value, depth):
        inner = "\n" + INDENT * (depth + 1)
        first = True
        for key, item in value.items():
            yield ("{" + inner if first else "," + inner) + encode_basestring(key) + ": "
            first = False
            yield from self.pieces(item, depth + 1)
        yield "\n" + INDENT * depth + "}"

    def _list(self, value, depth):
        inner = "\n" + INDENT * (depth + 1)
        if isinstance(value, Rows) and value.plain is not None:
            yield from self._plain_rows(value, depth)
            return
        empty = True
        for item in value:
            yield "[" + inner if empty else "," + inner
            empty = False
            yield from self.pieces(item, depth + 1)
        yield "[]" if empty else "\n" + INDENT * depth + "]"

    def _plain_rows(self, rows, depth):
        """A piece per PLAIN_BATCH plain items: "[" or "," and their orjson text, re-indented to their depth.

        orjson writes the batch as one list ("[\n  item,\n  item\n]"); its brackets dropped, every line moved
        right by `depth` indents, that is the items' text at depth + 1 joined by ",\n" and the indent, exactly what
        one call per item made, for one call (and one re-indent) per batch rather than per item. An item not
        vouched for, or a batch orjson refuses, is written item by item by the encoder below."""
        outer = "\n" + INDENT * depth
        plain = rows.plain
        empty = True
        batch = []
        for item in rows:
            if plain(item):
                batch.append(item)
                if len(batch) < PLAIN_BATCH:
                    continue
                item = None
            if batch:
                yield ("[" if empty else ",") + self._batch_text(batch, depth, outer)
                empty, batch = False, []
            if item is not None:
                yield ("[" if empty else ",") + "\n" + INDENT * (depth + 1) + "".join(self.pieces(item, depth + 1))
                empty = False
        if batch:
            yield ("[" if empty else ",") + self._batch_text(batch, depth, outer)
            empty = False
        yield "[]" if empty else outer + "]"

    def _batch_text(self, batch, depth, outer):
        """The items' text, each on a new line at depth + 1, separated by commas (no bracket, no final newline)."""
        try:
            # JSON text never holds a raw newline inside a string, so every "\n" starts a line to indent.
            return orjson.dumps(batch, option=_ORJSON_OPTIONS).decode()[1:-2].replace("\n", outer)
        except orjson.JSONEncodeError:  # one item orjson cannot write exactly: each is written on its own
            inner = "\n" + INDENT * (depth + 1)
            return ",".join(self._item_text(item, depth, inner) for item in batch)

    def _item_text(self, item, depth, inner):
        with contextlib.suppress(orjson.JSONEncodeError):  # the encoder below then writes it
            return inner + orjson.dumps(item, option=_ORJSON_OPTIONS).decode().replace("\n", inner)
        return inner + "".join(self.pieces(item, depth + 1))


def json_pieces(report):
    """The report's JSON text as str pieces, in order, ending with the newline json.dumps output is given."""
    yield from _Encoder().pieces(report, 0)
    yield "\n"


def chunked(pieces, size=CHUNK_SIZE):
    """Pieces of text joined into chunks of about `size` characters (the last one shorter). A piece longer than
    that (a batch of flows orjson wrote at once) is cut, so that no chunk is much more than `size`."""
    slack = size // 8
    buffer, length = [], 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            text = "".join(buffer)
            start = 0
            while length - start >= size + slack:
                yield text[start : start + size]
                start += size
            rest = text[start:] if start else text
            if len(rest) >= size:
                yield rest
                buffer, length = [], 0
            else:
                buffer, length = [rest], len(rest)
    if buffer:
        yield "".join(buffer)
