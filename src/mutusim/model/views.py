"""Attributes that read and write one run's state arrays (the Mesa face's agents and projects
are views: the compiled month step sees every change at once, and they see its changes).

``state_views(fields, floats, integers)`` adds to a class one attribute per field of the
schema (``mutusim.contract.fields``) that the class does not define itself; each reads
``model.state.<block>[column, index]`` (``floats`` and ``integers`` name the two blocks and
their column enums) and converts it to ``float``, ``int`` or ``bool`` as the field declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mutusim.contract.fields import StateField


class Column:
    """One field of the object's row: ``getattr(obj.model.state, block)[column, obj.index]``."""

    def __init__(self, block: str, column: int, convert: Callable[[Any], Any]) -> None:
        self.block = block
        self.column = column
        self.convert = convert

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return self.convert(getattr(obj.model.state, self.block)[self.column, obj.index])

    def __set__(self, obj: Any, value: Any) -> None:
        getattr(obj.model.state, self.block)[self.column, obj.index] = value


_CONVERT = {"float": float, "int": int, "bool": bool}


Block = tuple[str, Any]  # (name of the state array, its column enum)


def state_views(
    fields: Sequence[StateField], floats: Block, integers: Block
) -> Callable[[type], type]:
    """Class decorator: one ``Column`` attribute per field not defined by the class."""

    def decorate(cls: type) -> type:
        for field in fields:
            if field.name in cls.__dict__:
                continue
            block, columns = floats if field.is_float else integers
            view = Column(block, columns[field.name], _CONVERT[field.dtype])
            setattr(cls, field.name, view)
        return cls

    return decorate
