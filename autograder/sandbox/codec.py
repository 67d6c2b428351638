"""Plain-data encoding for the channel between grader and worker.

A message is JSON. Python values map as follows; nothing else can be encoded
or decoded, and nothing is ever unpickled:

=========================  ===============================================
value                      wire form
=========================  ===============================================
None, bool, int, str       JSON literal
float                      JSON number (``NaN`` and ``Infinity`` allowed)
list                       JSON array
tuple                      ``{"$tuple": [...]}``
dict with str keys         ``{"$dict": {...}}``
complex                    ``{"$complex": [real, imag]}``
NumPy numeric scalar       ``{"$scalar": [dtype, value]}``
NumPy numeric array        ``{"$array": [dtype, shape, base64 bytes]}``
a ``functions.Function``   ``{"$function": [name, params]}`` (arguments only)
grader-side callable       ``{"$callback": id}`` (arguments only)
``np.random.Generator``    ``{"$rng": [bit generator name, state]}`` (PCG64 only,
                           what ``np.random.default_rng`` makes)
=========================  ===============================================

Decoding builds fresh built-in objects and fresh NumPy arrays; dtypes are
limited to booleans, integers, floats and complex numbers of at most 64-bit
precision (no long double). This module uses only
the standard library and NumPy because the worker loads it too.

Limits
------
Whatever a worker sends costs the grader a bounded amount of memory and time,
because every bound is checked before the objects it limits are built:

- :data:`MAX_MESSAGE` bytes per message, refused from the frame's header
  (see :class:`Reader`) before its body is read;
- :data:`MAX_ELEMENTS` values per message (lists, dicts, tuples and their
  items), counted on the raw bytes before ``json.loads`` builds anything;
- :data:`MAX_DEPTH` levels of nesting;
- integers of magnitude below ``2**``:data:`MAX_INT_BITS` (a PCG64 state
  holds 128-bit numbers);
- :data:`MAX_ARRAY_ELEMENTS` elements per array, counting a zero dimension
  as one, so that an empty array cannot claim a shape such as ``[0, 2**62]``
  that NumPy or the grader's comparisons cannot handle.

Encoding refuses the same values, so an honest worker never sends a message
that the grader refuses: a too-large result becomes a ``not_plain`` answer.

Over 300 lines on purpose: the worker loads this one file beside itself, and
the encoder, the decoder and the bounds both sides apply are one grammar.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    from . import functions
except ImportError:  # in the worker, loaded as a top-level module beside functions.py
    import functions

MAX_DEPTH = 32
MAX_DIMENSIONS = 32
# The answer keys' largest message over the public and hidden suites is 42,973
# bytes (exercise 6's make_dataset: a 1000 x 3 float64 array and its targets,
# base64) with at most 152 values; a correct answer that returns lists where
# the keys return arrays (a nested-list dataset, 4,000 floats as text) still
# fits easily. 1 MiB is about 24 times the largest, and decoding a message of
# that size costs the grader a few MB at most.
MAX_MESSAGE = 1 << 20
MAX_ELEMENTS = 1 << 16
MAX_INT_BITS = 256
# No non-empty array of a MAX_MESSAGE message can hold more elements than this.
MAX_ARRAY_ELEMENTS = MAX_MESSAGE
_EXACT = (type(None), bool, int, float, str)
_FLOAT64 = np.dtype("<f8")
NUMERIC_KINDS = "biufc"


class CodecError(ValueError):
    """A value is not plain data, or a message is malformed."""


_DTYPES: dict[str, np.dtype] = {}  # dtype strings already validated


def _dtype(text: Any) -> np.dtype:
    if type(text) is str and text in _DTYPES:
        return _DTYPES[text]
    if not isinstance(text, str) or len(text) > 8:
        raise CodecError("a dtype must be a short string")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            dtype = np.dtype(text)
    except Exception as error:  # TypeError, SyntaxError, DeprecationWarning, ...
        raise CodecError(f"unknown dtype {text!r}") from error
    if dtype.kind in "fc" and dtype.itemsize > {"f": 8, "c": 16}[dtype.kind]:
        raise CodecError("extended precision (long double) is not supported")
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject or dtype.itemsize > 16:
        raise CodecError(f"dtype {text!r} is not a plain numeric type")
    _DTYPES[str(text)] = dtype
    return dtype


def to_wire(value: Any, callbacks: Callable[[Any], Any] | None = None, depth: int = 0) -> Any:
    """Convert ``value`` to its JSON-ready wire form.

    Parameters
    ----------
    value : object
        Plain data as in the module's table.
    callbacks : callable, optional
        ``callbacks(function) -> id`` registers a callable argument; without it
        callables are refused (a worker never sends functions).
    depth : int
        Nesting level, for the depth limit.

    Returns
    -------
    object
        Built of JSON types only.

    Raises
    ------
    CodecError
        When the value, or something inside it, is not plain data.
    """
    if depth > MAX_DEPTH:
        raise CodecError(f"nested deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if kind in _EXACT:  # the common case first: most messages are a few numbers
        return _integer(value) if kind is int else value
    if kind is np.float64:
        return {"$scalar": ["<f8", float.__float__(value)]}
    # Exact base-class methods are used so that a subclass cannot change what is sent.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, np.generic):
        dtype = _dtype(value.dtype.str)
        return {"$scalar": [dtype.str, _scalar_value(value.item())]}
    if isinstance(value, int):
        return _integer(int.__index__(value))
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, complex):
        number = complex.__complex__(value)
        return {"$complex": [number.real, number.imag]}
    if isinstance(value, np.ndarray):
        array = np.asarray(value, order="C")  # keeps 0-d arrays 0-d
        dtype = _dtype(array.dtype.str)
        _check_shape(list(array.shape))
        data = base64.b64encode(array.tobytes()).decode("ascii")
        return {"$array": [dtype.str, list(array.shape), data]}
    if isinstance(value, list):
        return [to_wire(item, callbacks, depth + 1) for item in list.__iter__(value)]
    if isinstance(value, tuple):
        return {"$tuple": [to_wire(item, callbacks, depth + 1) for item in tuple.__iter__(value)]}
    if isinstance(value, dict):
        items = dict.items(value)
        if not all(isinstance(key, str) for key, _ in items):
            raise CodecError("dictionary keys must be strings")
        return {"$dict": {str.__str__(k): to_wire(v, callbacks, depth + 1) for k, v in items}}
    if isinstance(value, np.random.Generator):
        bit_generator = value.bit_generator
        if type(bit_generator).__name__ not in BIT_GENERATORS:
            raise CodecError("only PCG64 generators (np.random.default_rng) can be sent")
        return {"$rng": [type(bit_generator).__name__, bit_generator.state]}
    if isinstance(value, functions.Function) and callbacks is not None:
        return {"$function": [value.name, to_wire(value.params, callbacks, depth + 1)]}
    if callable(value) and callbacks is not None:
        return {"$callback": callbacks(value)}
    raise CodecError(f"a {type(value).__name__} object is not plain data")


def _integer(number: int) -> int:
    """``number`` if its magnitude is within :data:`MAX_INT_BITS` bits."""
    if number.bit_length() > MAX_INT_BITS:
        raise CodecError(f"an integer of {number.bit_length()} bits is too large")
    return number


def _check_shape(shape: Any) -> None:
    """Refuse a malformed shape, or one of too many elements (a zero dimension counts as one)."""
    if (
        type(shape) is not list
        or len(shape) > MAX_DIMENSIONS
        or not all(type(n) is int and 0 <= n for n in shape)
    ):
        raise CodecError("malformed array shape")
    # Python integers: a product in int64 could wrap around and pass the check.
    if math.prod(max(n, 1) for n in shape) > MAX_ARRAY_ELEMENTS:
        raise CodecError(f"an array of shape {shape} is too large")


def _scalar_value(item: Any) -> Any:
    if isinstance(item, complex):
        return [item.real, item.imag]
    return item


def from_wire(wire: Any, callback: Callable[[int], Any] | None = None, depth: int = 0) -> Any:
    """Rebuild a value from its wire form, strictly.

    Parameters
    ----------
    wire : object
        As produced by :func:`to_wire` and parsed from JSON.
    callback : callable, optional
        ``callback(id) -> function`` resolves ``$callback`` tags (in the worker);
        without it they are refused.
    depth : int
        Nesting level, for the depth limit.

    Returns
    -------
    object
        Fresh built-in objects and NumPy arrays.

    Raises
    ------
    CodecError
        On anything but well-formed plain data.
    """
    if depth > MAX_DEPTH:
        raise CodecError(f"nested deeper than {MAX_DEPTH} levels")
    if wire is None or type(wire) in (bool, float, str):
        return wire
    if type(wire) is int:
        return _integer(wire)
    if type(wire) is list:
        return [from_wire(item, callback, depth + 1) for item in wire]
    if type(wire) is not dict or len(wire) != 1:
        raise CodecError("malformed message")
    ((tag, body),) = wire.items()
    if tag == "$tuple" and type(body) is list:
        return tuple(from_wire(item, callback, depth + 1) for item in body)
    if tag == "$dict" and type(body) is dict:
        return {str(key): from_wire(item, callback, depth + 1) for key, item in body.items()}
    if tag == "$complex" and _numbers(body, 2):
        try:
            return complex(body[0], body[1])
        except OverflowError as error:
            raise CodecError("complex number out of range") from error
    if tag == "$scalar" and type(body) is list and len(body) == 2:
        dtype = _dtype(body[0])
        value = complex(*body[1]) if dtype.kind == "c" and _numbers(body[1], 2) else body[1]
        if type(value) not in (bool, int, float, complex):
            raise CodecError("malformed scalar")
        if dtype is _FLOAT64 and type(value) is float:  # the common case cannot overflow
            return np.float64(value)
        try:
            with np.errstate(all="raise"), warnings.catch_warnings():
                warnings.simplefilter("error")
                return dtype.type(value)
        except Exception as error:  # out of range for the dtype, nan as an integer, ...
            raise CodecError(f"{body[1]!r} does not fit {dtype}") from error
    if tag == "$array" and type(body) is list and len(body) == 3:
        return _array(*body)
    if tag == "$rng" and type(body) is list and len(body) == 2:
        return _generator(*body)
    if tag == "$callback" and type(body) is int and callback is not None:
        return callback(body)
    if tag == "$function" and callback is not None:
        return _function(body, depth)
    raise CodecError(f"unexpected {tag!r} in a message")


def _function(body: Any, depth: int) -> functions.Function:
    """A formula of the fixed table, with plain-data parameters."""
    if type(body) is not list or len(body) != 2 or body[0] not in functions.FORMULAS:
        raise CodecError("malformed function")
    params = from_wire(body[1], None, depth + 1)
    if type(params) is not dict:
        raise CodecError("malformed function")
    return functions.Function(body[0], **params)


def _numbers(body: Any, count: int) -> bool:
    return (
        type(body) is list
        and len(body) == count
        and all(type(item) in (int, float) for item in body)
    )


def _array(dtype_text: Any, shape: Any, data: Any) -> np.ndarray:
    dtype = _dtype(dtype_text)
    _check_shape(shape)
    if type(data) is not str:
        raise CodecError("malformed array data")
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as error:
        raise CodecError("array data is not base64") from error
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise CodecError("array data does not fit its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


BIT_GENERATORS = {"PCG64": np.random.PCG64, "PCG64DXSM": np.random.PCG64DXSM}


def _generator(name: Any, state: Any) -> np.random.Generator:
    if name not in BIT_GENERATORS or type(state) is not dict:
        raise CodecError(f"unsupported random generator {name!r}")
    bit_generator = BIT_GENERATORS[name]()
    try:
        bit_generator.state = state
    except Exception as error:  # any malformed state, whatever NumPy raises for it
        raise CodecError("malformed generator state") from error
    return np.random.Generator(bit_generator)


def dumps(value: Any, callbacks: Callable[[Any], Any] | None = None) -> bytes:
    """Encode ``value`` as one JSON message (UTF-8 bytes).

    Raises
    ------
    CodecError
        When the value is not plain data.
    """
    wire = to_wire(value, callbacks)
    try:
        message = json.dumps(wire, allow_nan=True, separators=(",", ":")).encode()
    except (TypeError, ValueError) as error:
        raise CodecError(f"the value cannot be encoded ({error})") from error
    _check_size(message)
    return message


def _check_size(message: bytes) -> None:
    """Refuse a message over :data:`MAX_MESSAGE` bytes or :data:`MAX_ELEMENTS` values.

    Every value after the first of a list or dict follows a comma, and every
    list or dict opens with a bracket, so commas and opening brackets bound
    the number of values from above (commas inside strings only make the
    count larger): a few passes in C over bytes that are never parsed.
    """
    if len(message) > MAX_MESSAGE:
        raise CodecError(f"a message of {len(message)} bytes exceeds {MAX_MESSAGE}")
    count = message.count(b",") + message.count(b"[") + message.count(b"{")
    if count > MAX_ELEMENTS:
        raise CodecError(f"a message of about {count} values exceeds {MAX_ELEMENTS}")


def loads(message: bytes, callback: Callable[[int], Any] | None = None) -> Any:
    """Decode one JSON message built by :func:`dumps`.

    This is the grader's boundary with untrusted bytes: whatever they hold,
    the result is plain data or a :class:`CodecError`.

    Raises
    ------
    CodecError
        When the bytes are not UTF-8 JSON or not plain data, or exceed a limit
        (see the module's "Limits").
    """
    _check_size(message)
    try:
        wire = json.loads(message.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # bad UTF-8, bad JSON, huge integers
        raise CodecError("the message is not valid JSON") from error
    try:
        return from_wire(wire, callback)
    except CodecError:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as error:
        raise CodecError(f"malformed message ({type(error).__name__})") from error


# Framing: each message is a 4-byte big-endian length, then that many bytes.
HEADER = struct.Struct(">I")


class ChannelClosed(EOFError):
    """The other end closed the pipe (the worker exited or was killed)."""


class ChannelTimeout(TimeoutError):
    """No complete message arrived before the deadline."""


def send(fd: int, message: bytes) -> None:
    """Write one framed message to file descriptor ``fd``."""
    data = HEADER.pack(len(message)) + message
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class Reader:
    """Reads framed messages from one pipe, buffering what arrives early.

    One ``select`` and one ``read`` usually bring a whole message, header
    and body, instead of two of each. While it waits, it can also empty a
    second pipe (the worker's output), so that a writer blocked on that pipe
    never keeps a message from coming.

    Parameters
    ----------
    fd : int
        The pipe's read end.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()

    def receive(
        self,
        max_size: int,
        deadline: float | None = None,
        watch: tuple[int, Callable[[bytes], None]] | None = None,
    ) -> bytes:
        """Read one framed message.

        Parameters
        ----------
        max_size : int
            Largest message accepted, in bytes.
        deadline : float, optional
            ``time.monotonic()`` value after which to give up; wait forever if
            omitted.
        watch : tuple, optional
            ``(fd, feed)``: a second pipe read meanwhile; ``feed(chunk)``
            gets what arrives on it.

        Raises
        ------
        ChannelClosed
            On end of file.
        ChannelTimeout
            When the deadline passes first.
        CodecError
            When the announced length exceeds ``max_size`` (the body is not
            read).
        """
        self._fill(HEADER.size, deadline, watch)
        (length,) = HEADER.unpack_from(self._buffer)
        if length > max_size:
            raise CodecError(f"a message of {length} bytes exceeds the limit of {max_size}")
        self._fill(HEADER.size + length, deadline, watch)
        with memoryview(self._buffer) as view:  # one copy, not two
            message = bytes(view[HEADER.size : HEADER.size + length])
        del self._buffer[: HEADER.size + length]
        return message

    def pending(self) -> bool:
        """Whether bytes are buffered or waiting in the pipe (or it was closed)."""
        return bool(self._buffer) or bool(select.select([self.fd], [], [], 0)[0])

    def _fill(
        self,
        count: int,
        deadline: float | None,
        watch: tuple[int, Callable[[bytes], None]] | None,
    ) -> None:
        while len(self._buffer) < count:
            if deadline is not None or watch is not None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise ChannelTimeout("no answer within the time limit")
                ready = select.select([self.fd] + ([watch[0]] if watch else []), [], [], left)[0]
                if not ready:
                    raise ChannelTimeout("no answer within the time limit")
                if watch is not None and watch[0] in ready and not drain(*watch, 1 << 16):
                    watch = None  # the other pipe was closed: stop watching it
                if self.fd not in ready:
                    continue
            chunk = os.read(self.fd, max(count - len(self._buffer), 1 << 16))
            if not chunk:
                raise ChannelClosed("the channel was closed")
            self._buffer += chunk


def drain(fd: int, feed: Callable[[bytes], None], limit: int) -> bool:
    """Read what is waiting in pipe ``fd``, up to about ``limit`` bytes, without blocking.

    Returns
    -------
    bool
        ``False`` once the pipe is closed (end of file or an error).
    """
    taken = 0
    while taken < limit and select.select([fd], [], [], 0)[0]:
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:  # another reader took it first
            return True
        except OSError:
            return False
        if not chunk:
            return False
        feed(chunk)
        taken += len(chunk)
    return True
