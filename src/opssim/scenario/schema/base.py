"""Building blocks of the scenario format: the strict base model, text, curves and delays."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

#: An identifier: lowercase letters, digits, ``_`` and ``-``, starting with a letter.
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,47}$")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Hours = Annotated[float, Field(ge=0.0, le=10_000.0)]
PositiveHours = Annotated[float, Field(gt=0.0, le=10_000.0)]
#: Hours one unit of work takes (a piece, an event's planning): at least six minutes. A unit of
#: 1e-320 hours once passed ``> 0`` and stalled the engine's daily loop over finished units.
UnitHours = Annotated[float, Field(ge=0.1, le=10_000.0)]
Users = Annotated[float, Field(ge=0.0, le=50_000_000.0)]
Money = Annotated[float, Field(ge=0.0, le=1e12)]
Multiplier = Annotated[float, Field(ge=0.0, le=100.0)]


def given(name: str) -> dict[str, Any]:
    """JSON Schema: ``name`` is written and not null (what the validators call given)."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def absent(name: str) -> dict[str, Any]:
    """JSON Schema: ``name`` is left out or null."""
    return {"not": given(name)}


def exactly_one(*names: str) -> dict[str, Any]:
    """JSON Schema: exactly one of ``names`` is given (the validators' "give exactly one")."""
    return {"oneOf": [given(n) for n in names]}


def rules(*schemas: dict[str, Any]) -> ConfigDict:
    """A model config adding JSON Schema rules that mirror a model validator, so that editors
    flag what ``opssim validate`` flags."""
    return ConfigDict(json_schema_extra={"allOf": list(schemas)})


def when(field: str, value: str, then: dict[str, Any], *, default: bool = False
         ) -> dict[str, Any]:
    """JSON Schema: if ``field`` is ``value`` (or left out, when ``value`` is its
    ``default``), then ``then``."""
    test: dict[str, Any] = {"properties": {field: {"const": value}}}
    if not default:
        test["required"] = [field]
    return {"if": test, "then": then}


def not_a_boolean(value: object) -> object:
    """A ``mode="before"`` check for a ``Literal`` of numbers, which takes ``True`` as 1; the
    JSON Schema's ``const``/``enum`` do not, nor should the validator."""
    if isinstance(value, bool):
        raise ValueError(f"a number is needed here, got {str(value).lower()}")
    return value


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, types are exact, values frozen."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    def __deepcopy__(self, memo: dict | None = None) -> "Model":
        return self  # frozen: a copy of a run may share its scenario


class Text(Model):
    """Player-facing text in English and optionally Simplified Chinese (a string: English)."""

    en: Annotated[str, Field(max_length=2000, description="English text")]
    zh: Annotated[str | None, Field(max_length=2000, description="Simplified Chinese text")] = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: object) -> object:
        return {"en": data} if isinstance(data, str) else data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A plain string (English) or a mapping of languages, as the loader accepts."""
        mapping = handler.resolve_ref_schema(handler(core_schema))
        return {
            "description": mapping.get("description", ""),
            "anyOf": [
                {"type": "string", "maxLength": 2000},
                {k: v for k, v in mapping.items() if k != "description"},
            ],
        }

    def get(self, lang: str = "en") -> str:
        """The text in ``lang``, falling back to English."""
        return (self.zh if lang == "zh" else None) or self.en


class Curve(Model):
    """A response curve: how an amount ``x`` (hours, pieces, points) becomes an effect.

    * ``linear``: ``min(max, per_unit * x)``
    * ``saturating``: ``max * x / (x + half_at)`` — diminishing returns, half of ``max`` at
      ``half_at``
    * ``threshold``: ``max`` once ``x >= at``, else nothing
    """

    model_config = rules(
        when("curve", "linear", {"allOf": [given("per_unit"), absent("half_at"), absent("at")]}),
        when("curve", "saturating",
             {"allOf": [given("half_at"), absent("per_unit"), absent("at")]}, default=True),
        when("curve", "threshold", {"allOf": [given("at"), absent("half_at"), absent("per_unit")]}),
    )

    curve: Literal["linear", "saturating", "threshold"] = Field(
        "saturating", description="the shape of the response"
    )
    max: Annotated[float, Field(ge=0.0, le=1e9)] = Field(description="the largest effect")
    half_at: Annotated[float | None, Field(gt=0.0, le=1e6)] = Field(
        None, description="saturating: x that gives half of max"
    )
    per_unit: Annotated[float | None, Field(ge=0.0, le=1e9)] = Field(
        None, description="linear: effect per unit of x"
    )
    at: Annotated[float | None, Field(ge=0.0, le=1e6)] = Field(
        None, description="threshold: x from which max applies"
    )

    @model_validator(mode="after")
    def _parameters(self) -> "Curve":
        need = {"linear": "per_unit", "saturating": "half_at", "threshold": "at"}[self.curve]
        for name in ("per_unit", "half_at", "at"):
            given = getattr(self, name) is not None
            if name == need and not given:
                raise ValueError(f"a {self.curve} curve needs {name}")
            if name != need and given:
                raise ValueError(f"{name} does not apply to a {self.curve} curve")
        return self

    def __call__(self, x: float) -> float:
        """The effect of ``x``."""
        if x <= 0:
            return 0.0
        if self.curve == "saturating":
            assert self.half_at is not None
            return self.max * x / (x + self.half_at)
        if self.curve == "linear":
            assert self.per_unit is not None
            return min(self.max, self.per_unit * x)
        assert self.at is not None
        return self.max if x >= self.at else 0.0


class LogNormal(Model):
    """A lognormal delay given by its mean and standard deviation."""

    mean: Annotated[float, Field(gt=0.0, le=10_000.0)] = Field(description="mean delay")
    sd: Annotated[float, Field(gt=0.0, le=10_000.0)] = Field(
        description="standard deviation of the delay"
    )


class Uniform(Model):
    """A delay drawn uniformly between ``low`` and ``high``."""

    low: Hours = Field(description="shortest delay")
    high: Hours = Field(description="longest delay")

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class Delay(Model):
    """A random delay (in the unit the field names). Give exactly one shape."""

    model_config = rules(exactly_one("exponential", "lognormal", "uniform", "fixed"))

    exponential: Annotated[
        float | None, Field(gt=0.0, le=10_000.0, description="mean of an exponential delay")
    ] = None
    lognormal: LogNormal | None = Field(
        None, description="a lognormal delay: {mean, sd}, skewed towards long waits"
    )
    uniform: Uniform | None = Field(None, description="a delay uniform between low and high")
    fixed: Annotated[float | None, Field(ge=0.0, le=10_000.0, description="exact delay")] = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Delay":
        shapes = ("exponential", "lognormal", "uniform", "fixed")
        if sum(getattr(self, k) is not None for k in shapes) != 1:
            raise ValueError("give exactly one of exponential, lognormal, uniform, fixed")
        return self
