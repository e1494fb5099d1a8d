"""What every stage is built from: declared parameters (`Parameter`, `Group`) and `Stage`.

A stage declares its parameters once, as class attributes::

    class SpreadFilter(UniverseFilter):
        key = "spread"
        max_percent = Parameter(0.05, minimum=0.0, unit="%", description="...")

and reads them as plain values (`self.max_percent`). The declaration feeds the pydantic
validation model (`settings_model`), the OpenAPI schema of the SymbolUniverse CRD and the
markdown docs (`tradeplane.screening.schema`). Names are snake_case in Python and
camelCase in configuration (Kubernetes style); both spellings validate.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, overload

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from .errors import InvalidScreeningConfig

T = TypeVar("T")
SetT = TypeVar("SetT", bound="ParameterSet")

_SCALARS: tuple[type, ...] = (bool, int, float, str)


def camel(name: str) -> str:
    """`min_quote_volume` -> `minQuoteVolume` (the spelling used in configuration)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def readonly(array: np.ndarray) -> np.ndarray:
    """A read-only view of `array` (the caller's array keeps its own flags)."""
    view = array.view()
    view.flags.writeable = False
    return view


class Parameter(Generic[T]):
    """One declared parameter: default, bounds (inclusive), unit and help text.

    `kind` is the value type where the default does not tell it: the item type of a
    tuple default, or the type of a parameter whose default is None (None then means
    "no bound"). `nullable` lets a parameter with a value by default be set to None too.
    `choices` restricts a string to a fixed set.
    """

    def __init__(
        self,
        default: T,
        *,
        description: str,
        kind: type | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        unit: str = "",
        choices: tuple[str, ...] = (),
        min_items: int | None = None,
        nullable: bool = False,
    ) -> None:
        self.name = ""
        self.default = default
        self.description = description.strip()
        self.minimum = minimum
        self.maximum = maximum
        self.unit = unit
        self.choices = tuple(choices)
        self.min_items = min_items
        self.optional = default is None or nullable
        self.sequence = isinstance(default, tuple)
        if kind is None:
            sample = default[0] if self.sequence and default else default  # type: ignore[index]
            kind = str if sample is None or (self.sequence and not default) else type(sample)
        if kind not in _SCALARS:
            raise TypeError(f"parameter kind must be one of {_SCALARS}, got {kind!r}")
        self.kind: type = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Parameter[T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> T: ...
    def __get__(self, instance: object, owner: type) -> Any:
        if instance is None:
            return self
        return instance._values[self.name]  # type: ignore[attr-defined]

    @property
    def alias(self) -> str:
        """The camelCase name used in configuration and in the CRD schema."""
        return camel(self.name)

    def help_text(self) -> str:
        """The description with its unit, as shown in the schema and the docs."""
        return f"{self.description} Unit: {self.unit}." if self.unit else self.description

    def annotation(self) -> Any:
        """The pydantic annotation: scalar, Literal, tuple of items, optionally None."""
        item: Any = Literal[self.choices] if self.choices else self.kind  # type: ignore[valid-type]
        bounds = {"ge": self.minimum, "le": self.maximum}
        bounds = {key: value for key, value in bounds.items() if value is not None}
        if bounds:
            item = Annotated[item, Field(**bounds)]  # type: ignore[call-overload]
        if self.sequence:
            item = tuple[item, ...]  # type: ignore[valid-type]
        return item | None if self.optional else item

    def model_field(self, default: Any) -> tuple[Any, Any]:
        """(annotation, FieldInfo) for `create_model`."""
        info = Field(
            default, alias=self.alias, description=self.help_text(), min_length=self.min_items
        )
        return self.annotation(), info

    def convert(self, value: Any) -> Any:
        """The validated model value as the stage reads it."""
        return value


class Group(Parameter[SetT]):
    """A nested set of parameters (a `ParameterSet` class), with its own defaults."""

    def __init__(
        self,
        parameter_set: type[SetT],
        *,
        description: str,
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.parameter_set = parameter_set
        self.defaults = MappingProxyType(dict(defaults or {}))
        # the default is a validated instance; `kind` is unused for groups
        super().__init__(parameter_set(**self.defaults), description=description, kind=str)

    def nested_model(self) -> type[BaseModel]:
        return self.parameter_set.settings_model(self.defaults)

    def annotation(self) -> Any:
        return self.nested_model()

    def model_field(self, default: Any) -> tuple[Any, Any]:
        model = self.nested_model()
        info = Field(default_factory=model, alias=self.alias, description=self.help_text())
        return model, info

    def convert(self, value: Any) -> Any:
        return self.parameter_set(value)


MODEL_CONFIG = ConfigDict(
    extra="forbid",
    frozen=True,
    validate_by_name=True,
    validate_by_alias=True,
    serialize_by_alias=True,
)
_MODELS: dict[tuple[type, tuple[tuple[str, Any], ...]], type[BaseModel]] = {}


class FieldError(ValueError):
    """A `cross_check` failure about one field (`field`: its dotted camelCase path)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def validation_message(error: ValidationError, prefix: str = "") -> tuple[str, str]:
    """(dotted field of the first error, a message naming every bad field)."""
    parts = []
    first_field = ""
    for number, item in enumerate(error.errors()):
        cause = item.get("ctx", {}).get("error")
        inner = (cause.field,) if isinstance(cause, FieldError) else ()
        location = ".".join(str(part) for part in (prefix, *item["loc"], *inner) if part != "")
        if number == 0:
            first_field = location
        shown = item["type"] != "missing" and not inner and item["loc"]
        got = f" (got {item['input']!r})" if shown else ""
        parts.append(f"{location or '<root>'}: {item['msg']}{got}")
    return first_field, "; ".join(parts)


class ParameterSet:
    """A class whose `Parameter` attributes are its declared parameters, in order.

    Instances hold validated values: `SpreadFilter(max_percent=0.1)`, or
    `SpreadFilter(model)` from a validated settings model. Subclasses may override
    `cross_check(values)` to reject combinations (raise `FieldError`), and list the same
    constraint in `rules` as a CEL expression over `self` (camelCase) with its message,
    which the CRD schema carries so that the API server rejects it too.
    """

    parameters: ClassVar[tuple[Parameter[Any], ...]] = ()
    rules: ClassVar[tuple[tuple[str, str], ...]] = ()
    _values: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # the class's own parameters first, then inherited ones it does not redeclare
        own = {value.name: value for value in vars(cls).values() if isinstance(value, Parameter)}
        inherited = [parameter for parameter in cls.parameters if parameter.name not in own]
        cls.parameters = (*own.values(), *inherited)

    def __init__(self, settings: BaseModel | Mapping[str, Any] | None = None, /, **values: Any):
        if isinstance(settings, BaseModel) and not values:
            model = settings
        else:
            data = dict(
                settings.model_dump(by_alias=False)
                if isinstance(settings, BaseModel)
                else settings or {}
            )
            model = self.validate(data | values)
        self.settings = model
        self._values = {
            parameter.name: parameter.convert(getattr(model, parameter.name))
            for parameter in self.parameters
        }

    @classmethod
    def cross_check(cls, values: Mapping[str, Any]) -> None:
        """Reject invalid combinations of otherwise valid values (raise FieldError)."""

    @classmethod
    def settings_model(cls, defaults: Mapping[str, Any] | None = None) -> type[BaseModel]:
        """The pydantic model of this set (defaults optionally overridden), built once."""
        overrides = dict(defaults or {})
        cache_key = (cls, tuple(sorted((name, repr(value)) for name, value in overrides.items())))
        if cache_key not in _MODELS:
            unknown = set(overrides) - {parameter.name for parameter in cls.parameters}
            if unknown:
                raise TypeError(f"{cls.__name__} has no parameters {sorted(unknown)}")
            fields = {
                parameter.name: parameter.model_field(
                    overrides.get(parameter.name, parameter.default)
                )
                for parameter in cls.parameters
            }
            checker = cls.cross_check

            def check(model: BaseModel) -> BaseModel:
                checker({name: getattr(model, name) for name in type(model).model_fields})
                return model

            _MODELS[cache_key] = create_model(  # type: ignore[call-overload]
                f"{cls.__name__}Settings",
                __config__=MODEL_CONFIG,
                __doc__=describe(cls),
                __validators__={"cross_check": model_validator(mode="after")(check)},
                **fields,
            )
        return _MODELS[cache_key]

    @classmethod
    def validate(cls, data: Mapping[str, Any], *, prefix: str = "") -> BaseModel:
        """Validate `data` (camelCase or snake_case keys) or raise InvalidScreeningConfig."""
        try:
            return cls.settings_model().model_validate(dict(data))
        except ValidationError as error:
            key = getattr(cls, "key", "")
            first_field, message = validation_message(error, prefix or camel(key))
            raise InvalidScreeningConfig(message, field=first_field) from None

    def values(self) -> dict[str, Any]:
        """Parameter name -> value (nested sets as instances)."""
        return dict(self._values)

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"{type(self).__name__}({values})"


def describe(cls: type) -> str:
    """The class docstring, dedented (the first paragraph is the short description)."""
    return inspect.cleandoc(cls.__doc__ or cls.__name__)


def summary(cls: type) -> str:
    """The first paragraph of the class docstring, on one line."""
    return " ".join(describe(cls).split("\n\n")[0].split())


class Stage(ParameterSet):
    """A screening step with declared parameters; `key` names it in configuration."""

    key: ClassVar[str] = ""
    stage: ClassVar[int] = 0

    @classmethod
    def alias(cls) -> str:
        return camel(cls.key)
