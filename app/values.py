"""What msgspec Structs, the app's value types, cannot say per field: a field left out of
``repr`` (a secret, a picture's bytes) or out of equality and hashing (bookkeeping).

A Struct takes one of these mixins first and names the fields in a class variable::

    class Tokens(HiddenInRepr, msgspec.Struct, frozen=True):
        _hidden_in_repr = ("access_token", "refresh_token")
"""

from __future__ import annotations

from typing import Any, ClassVar


class HiddenInRepr:
    """``repr`` as the Struct's own, without the fields named in ``_hidden_in_repr``. A
    Struct has a second repr, ``__rich_repr__`` (rich's pretty printer and its tracebacks
    with locals ask it instead), showing every field: it leaves them out too."""

    __slots__ = ()
    __struct_fields__: ClassVar[tuple[str, ...]]
    _hidden_in_repr: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__name__}({shown})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return [
            (name, getattr(self, name))
            for name in self.__struct_fields__
            if name not in self._hidden_in_repr
        ]


class NotCompared:
    """Equality and hashing by every field but those named in ``_not_compared``."""

    __slots__ = ()
    __struct_fields__: ClassVar[tuple[str, ...]]
    _not_compared: ClassVar[tuple[str, ...]] = ()

    def _compared(self) -> tuple[object, ...]:
        return tuple(
            getattr(self, name) for name in self.__struct_fields__ if name not in self._not_compared
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, NotCompared)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())
