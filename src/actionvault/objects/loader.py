"""Read object definition files (one object per YAML file) into domain objects."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from actionvault.domain.objects import ObjectCatalog, ObjectDefinition, ObjectField
from actionvault.errors import DefinitionError
from actionvault.yaml_text import load_yaml

_NAME = r"^[a-z][a-z0-9_]*__(v|c|sys)$"


class _FieldDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    label: str = Field(min_length=1, max_length=128)
    type: Literal["text", "number", "boolean", "date", "picklist", "reference"] = "text"
    required: bool = False
    values: list[str] = Field(default_factory=list)
    max_length: int = Field(default=1500, ge=1, le=32000)

    @model_validator(mode="after")
    def _picklist_values(self) -> _FieldDefinition:
        if self.type == "picklist" and not self.values:
            raise ValueError("a picklist field lists its values")
        return self


class _ObjectDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=_NAME)
    label: str = Field(min_length=1, max_length=128)
    label_plural: str = Field(min_length=1, max_length=128)
    prefix: str = Field(pattern=r"^[A-Z0-9]{3}$")
    fields: list[_FieldDefinition] = Field(default_factory=list)
    object_types: list[str] = Field(default_factory=lambda: ["base__v"])


def _describe(error: ValidationError) -> str:
    return "; ".join(
        f"field '{'.'.join(str(p) for p in item['loc']) or '(file)'}': {item['msg']}"
        for item in error.errors()
    )


def load_object_file(path: Path | Any) -> ObjectDefinition:
    origin = str(path)
    raw = load_yaml(path.read_text("utf-8"), origin)
    if not isinstance(raw, dict):
        raise DefinitionError(f"{origin}: expected a mapping of object fields at the top level")
    try:
        definition = _ObjectDefinition.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(f"{origin}: {_describe(exc)}") from exc
    return ObjectDefinition(
        name=definition.name,
        label=definition.label,
        label_plural=definition.label_plural,
        prefix=definition.prefix,
        fields=tuple(
            ObjectField(f.name, f.label, f.type, f.required, tuple(f.values), f.max_length)
            for f in definition.fields
        ),
        object_types=tuple(definition.object_types),
        origin=origin,
    )


def load_objects(extra_dir: Path | None) -> ObjectCatalog:
    """The shipped objects, then the files of `extra_dir`, which add or override."""
    objects: dict[str, ObjectDefinition] = {}
    shipped = resources.files("actionvault.objects") / "definitions"
    entries: list[Any] = sorted(shipped.iterdir(), key=lambda e: e.name)
    if extra_dir is not None:
        if not extra_dir.is_dir():
            raise DefinitionError(f"{extra_dir}: the objects folder does not exist")
        entries += sorted(extra_dir.glob("*.yaml"))
    prefixes: dict[str, str] = {}
    for entry in entries:
        if entry.name.endswith((".yaml", ".yml")):
            definition = load_object_file(entry)
            objects[definition.name] = definition
    for definition in objects.values():
        other = prefixes.setdefault(definition.prefix, definition.name)
        if other != definition.name:
            raise DefinitionError(
                f"{definition.origin}: field 'prefix': {definition.prefix} is already the prefix "
                f"of {other}"
            )
    return ObjectCatalog(objects.values())
