"""Objects as Vault declares them: a name, a three-character key prefix, fields, object types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

#: Fields every record has, whatever its object declares.
SYSTEM_FIELDS = frozenset(
    {"id", "name__v", "object_type__v", "created_date__v", "modified_date__v", "created_by__v"}
)


@dataclass(frozen=True, slots=True)
class ObjectField:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    values: tuple[str, ...] = ()  # picklist values
    max_length: int = 1500


@dataclass(frozen=True, slots=True)
class ObjectDefinition:
    name: str
    label: str
    label_plural: str
    prefix: str
    fields: tuple[ObjectField, ...] = ()
    object_types: tuple[str, ...] = ("base__v",)
    origin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def field(self, name: str) -> ObjectField | None:
        return next((f for f in self.fields if f.name == name), None)


class ObjectCatalog:
    def __init__(self, objects: Iterable[ObjectDefinition]) -> None:
        self._objects = {o.name: o for o in sorted(objects, key=lambda o: o.name)}

    def __iter__(self) -> Iterator[ObjectDefinition]:
        return iter(self._objects.values())

    def get(self, name: str) -> ObjectDefinition | None:
        return self._objects.get(name)
