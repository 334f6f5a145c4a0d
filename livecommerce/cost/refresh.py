"""`livecommerce cost ENV --refresh-prices`: ECS list prices from the official pricing API.

BSS OpenAPI `GetPayAsYouGoPrice` (SDK `alibabacloud_bssopenapi20171214`) with ProductCode `ecs` and the
pricing module `InstanceType` (config `InstanceType:<type>,IoOptimized:IoOptimized,ImageOs:linux`, price type
`Hour`) returns the list price (`OriginalCost`) of one instance type in a region, in the account's currency.
The call goes through the project's OpenAPI helper (components/openapi/client.py): credentials only from
the standard `ALIBABA_CLOUD_*` variables, never stored; `LIVECOMMERCE_BSS_ENDPOINT` points it elsewhere (the
tests' fake server). Each refreshed item becomes `confirmed`, dated `today` (passed in: no clock here) and
sourced to the API call.

Only ECS instance types have a pricing-API mapping here; the other items keep their documented sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from livecommerce.cost.prices import PriceItem, PriceTable
from livecommerce.errors import UserError

ACTION = "GetPayAsYouGoPrice"
Call = Callable[[str, Mapping[str, Any], str], Mapping[str, Any]]


def ecs_price_request(instance_type: str, region: str) -> dict[str, Any]:
    """Wire parameters of GetPayAsYouGoPrice for one ECS instance type (Linux, I/O optimized, hourly)."""
    return {
        "ProductCode": "ecs",
        "SubscriptionType": "PayAsYouGo",
        "Region": region,
        "ModuleList": [{
            "ModuleCode": "InstanceType",
            "Config": f"InstanceType:{instance_type},IoOptimized:IoOptimized,ImageOs:linux",
            "PriceType": "Hour",
        }],
    }


def _price_of(body: Mapping[str, Any], instance_type: str) -> tuple[float, str]:
    data = body.get("Data") or {}
    currency = str(data.get("Currency") or "")
    details = (data.get("ModuleDetails") or {}).get("ModuleDetail") or []
    for d in details:
        if d.get("ModuleCode") == "InstanceType" and d.get("OriginalCost") is not None:
            return float(d["OriginalCost"]), currency
    raise UserError(f"pricing API: {ACTION} for {instance_type} returned no InstanceType price "
                    "(ModuleDetails.ModuleDetail[].OriginalCost); the table was not changed")


def sdk_call(region: str) -> Call:
    """The real call, through the official SDK (imported lazily: only `--refresh-prices` needs it)."""
    from components.openapi.client import OpenApiError, Product, call

    product = Product(label="BSS", sdk_package="alibabacloud_bssopenapi20171214")

    def _call(action: str, params: Mapping[str, Any], subject: str) -> Mapping[str, Any]:
        try:
            return call(product, region, action, params, subject)
        except OpenApiError as exc:
            raise UserError(f"pricing API: {exc}") from None

    return _call


def refresh_ecs(table: PriceTable, instance_types: Iterable[str], region: str, today: dt.date,
                call: Call | None = None) -> tuple[PriceTable, list[str]]:
    """The table with every listed ECS instance type re-priced from the API, and one line per change.

    An instance type the table does not know yet needs its vcpu and memory_gib first (the API prices it
    but does not size it): that is a UserError naming each one, and nothing is changed.
    """
    types = sorted(set(instance_types))
    unknown = [t for t in types if t not in table.items]
    if unknown:
        raise UserError(*[f"{t}: not in the price table; add it with kind ecs-instance, vcpu and memory_gib "
                          "(and any price), then refresh" for t in unknown])
    call = call or sdk_call(region)
    items = dict(table.items)
    changes = []
    for t in types:
        price, currency = _price_of(call(ACTION, ecs_price_request(t, region), f"ECS {t}"), t)
        old = items[t]
        currency = currency or old.currency
        if currency != table.currency and currency not in table.fx:
            raise UserError(f"pricing API: {t} is priced in {currency}, and the table has no fx.{currency}; "
                            "add the rate, then refresh")
        items[t] = PriceItem(kind=old.kind, unit="instance-hour", price=price, currency=currency, as_of=today,
                             source=f"BSS {ACTION} (ProductCode ecs, ModuleCode InstanceType, Region {region}, "
                                    "PriceType Hour): OriginalCost",
                             confidence="confirmed", vcpu=old.vcpu, memory_gib=old.memory_gib)
        changes.append(f"{t}: {old.price:g} {old.currency} ({old.confidence}, {old.as_of}) -> "
                       f"{price:g} {currency} (confirmed, {today})")
    as_of = min([it.as_of for it in items.values()])
    data = table.model_dump()
    data.update(items={k: v.model_dump() for k, v in items.items()}, as_of=as_of)
    return PriceTable.model_validate(data), changes
