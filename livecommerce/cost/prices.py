"""The committed price tables: one YAML file per region, `livecommerce/cost/prices/<region>.yaml`.

Every item carries its unit price, unit, currency, `as_of` date, `source` (the official page or the pricing
API it came from) and `confidence`:

* `confirmed`: read from an official Alibaba Cloud page or the pricing API (named in `source`);
* `unconfirmed`: a figure seen in a secondary source (a mirror or third-party copy of the price page);
* `estimate`: no price was found offline; `note` says how the figure was derived. The cost output lists
  every estimate it used, so nobody mistakes it for a quote.

Items priced in another currency (the international site quotes USD) are converted with the table's `fx`
rate, itself dated and sourced. `resource_types` says, for every Pulumi type a plan can hold, whether the
model prices it (`priced`), whether it costs nothing by itself (`none`) or whether it costs money the model
leaves out (`not_priced`, with the reason printed in the assumptions). A plan type the table does not list
is refused by name: a new resource must be priced, or consciously left out, before it ships.

Pure: no clock (an old `as_of` is a note, never an error), no network (see `refresh.py`).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from livecommerce.errors import UserError
from livecommerce.plan import write_text_atomic

PRICES_DIR = Path(__file__).resolve().parent / "prices"
TABLE_FORMAT = "livecommerce.prices/v1"
Confidence = Literal["confirmed", "unconfirmed", "estimate"]
Charge = Literal["priced", "none", "not_priced"]
HEADER = ("# Price table of the livecommerce cost model (docs/cost.md). Pay-as-you-go list prices.\n"
          "# Every item: unit price, unit, currency, as_of, source, confidence (confirmed | unconfirmed | estimate).\n"
          "# `livecommerce cost ENV --refresh-prices` rewrites this file from the pricing API.\n")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PriceItem(_Model):
    """One unit price."""

    kind: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    price: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    as_of: dt.date
    source: str = Field(min_length=1)
    confidence: Confidence
    note: str = ""
    vcpu: float | None = Field(default=None, gt=0)
    memory_gib: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _explained(self) -> PriceItem:
        if self.confidence == "estimate" and not self.note:
            raise ValueError("an estimate needs a note saying how it was derived")
        if self.kind == "ecs-instance" and (self.vcpu is None or self.memory_gib is None):
            raise ValueError("an ECS instance type needs vcpu and memory_gib (the model packs pods by them)")
        return self


class FxRate(_Model):
    """How many units of the table currency one unit of another currency is."""

    rate: float = Field(gt=0)
    as_of: dt.date
    source: str = Field(min_length=1)
    confidence: Confidence


class ResourceType(_Model):
    """How the model treats one Pulumi type (or a `*` pattern of types)."""

    charge: Charge
    reason: str = Field(min_length=1)


class PriceTable(_Model):
    """A region's prices."""

    format: Literal["livecommerce.prices/v1"]
    region: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+(-\d+)?$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    as_of: dt.date
    """The oldest `as_of` the table vouches for (shown in every output)."""
    fx: dict[str, FxRate] = Field(default_factory=dict)
    items: dict[str, PriceItem]
    resource_types: dict[str, ResourceType]

    @field_validator("items")
    @classmethod
    def _keys(cls, items: dict[str, PriceItem]) -> dict[str, PriceItem]:
        for key in items:
            if not key or key != key.strip() or " " in key:
                raise ValueError(f"item key {key!r}: use dotted names without spaces, e.g. ecs.g7.2xlarge")
        return items

    @model_validator(mode="after")
    def _currencies_convertible(self) -> PriceTable:
        for key, item in self.items.items():
            if item.currency != self.currency and item.currency not in self.fx:
                raise ValueError(f"items.{key}: priced in {item.currency}, but fx has no {item.currency} rate "
                                 f"to {self.currency}; add fx.{item.currency}")
        return self

    # --- lookups ------------------------------------------------------------------------------------

    def unit_price(self, key: str) -> float:
        """The item's price in the table currency (converted with `fx` when quoted in another)."""
        item = self.items[key]
        if item.currency == self.currency:
            return item.price
        return item.price * self.fx[item.currency].rate

    def charge_of(self, type_: str) -> ResourceType | None:
        """The entry for a plan type: an exact key first, else the longest matching `*` pattern."""
        if type_ in self.resource_types:
            return self.resource_types[type_]
        matches = [p for p in self.resource_types if "*" in p and fnmatch.fnmatchcase(type_, p)]
        return self.resource_types[max(matches, key=len)] if matches else None

    def oldest_as_of(self, keys: Iterable[str]) -> dt.date:
        dates = [self.items[k].as_of for k in keys if k in self.items]
        return min([self.as_of, *dates])


@dataclass(frozen=True)
class LoadedTable:
    """A table and the file it came from (for messages and for `--refresh-prices`)."""

    table: PriceTable
    path: Path

    @property
    def shown(self) -> str:
        return shown_path(self.path)


def shown_path(path: Path) -> str:
    """`path` relative to the working directory when it is below it (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def table_path(region: str, prices_dir: Path | None = None) -> Path:
    return (prices_dir or PRICES_DIR) / f"{region}.yaml"


def load_table(path: Path) -> LoadedTable:
    """Read and validate one price file; every problem is one line naming the file and the key."""
    shown = shown_path(path)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.yaml"))) or "none"
        raise UserError(f"{shown}: no price table for this region (tables: {known}); copy one, "
                        "or run `livecommerce cost ENV --refresh-prices` with credentials")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{shown}: invalid YAML{where}") from None
    try:
        return LoadedTable(PriceTable.model_validate(raw), path)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            lines.append(f"{shown}: {loc}: {msg}")
        raise UserError(*lines) from None


def load_region(region: str, prices_dir: Path | None = None) -> LoadedTable:
    return load_table(table_path(region, prices_dir))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dump_table(table: PriceTable) -> str:
    """The table as the committed YAML (stable key order, items sorted), so rewrites diff cleanly."""
    data = table.model_dump(exclude_defaults=False)
    for item in data["items"].values():
        for key in ("note", "vcpu", "memory_gib"):
            if item.get(key) in (None, ""):
                item.pop(key, None)
    ordered = {
        "format": data["format"], "region": data["region"], "currency": data["currency"],
        "as_of": data["as_of"], "fx": data["fx"],
        "items": {k: data["items"][k] for k in sorted(data["items"])},
        "resource_types": {k: data["resource_types"][k] for k in sorted(data["resource_types"])},
    }
    return HEADER + yaml.safe_dump(_plain(ordered), sort_keys=False, allow_unicode=True, width=4096)


def write_table(loaded: LoadedTable, table: PriceTable) -> None:
    write_text_atomic(loaded.path, dump_table(table))
