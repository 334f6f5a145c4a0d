"""`--refresh-prices`: ECS prices from BSS GetPayAsYouGoPrice, through the real SDK against a fake server."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from components.openapi.credentials import RUNTIME_CONFIG
from livecommerce.cli import main
from livecommerce.cost.prices import PRICES_DIR, load_table
from livecommerce.cost.refresh import ACTION, ecs_price_request, refresh_ecs
from livecommerce.errors import UserError
from livecommerce.plan import write_plan
from tests.cost.conftest import deployment, hpa, node_pool, plan
from tests.openapi.fake_openapi import ApiFailure, FakeOpenApi

KEY_ID = "LTAIfakeKeyIdForCostTests"
KEY_SECRET = "fakeSecretOfTheCostTestsMustNeverLeak"
TODAY = dt.date(2027, 3, 1)


class FakeBss(FakeOpenApi):
    """BSS OpenAPI 2017-12-14: GetPayAsYouGoPrice for ECS instance types, shaped like the SDK's response."""

    product = "BSS"

    def __init__(self, prices: dict[str, float]):
        super().__init__()
        self.prices = prices

    def failure_body(self, code, message):
        return {"Success": False, "Code": code, "Message": message}  # BSS: a symbolic Code, no ErrorCode

    def op_get_pay_as_you_go_price(self, rec):
        modules = rec.nested("ModuleList")
        (module,) = modules
        config = dict(kv.split(":", 1) for kv in module["Config"].split(","))
        instance_type = config["InstanceType"]
        if rec.params.get("ProductCode") != "ecs" or module["ModuleCode"] != "InstanceType":
            raise ApiFailure("InvalidParameter", "unexpected product or module")
        if instance_type not in self.prices:
            raise ApiFailure("InvalidInstanceType", f"{instance_type} is not sold here")
        cost = self.prices[instance_type]
        return {"Success": True, "Code": "Success", "Message": "Successful!", "Data": {
            "Currency": "CNY",
            "ModuleDetails": {"ModuleDetail": [{"ModuleCode": "InstanceType", "OriginalCost": cost,
                                                "CostAfterDiscount": cost, "InvoiceDiscount": 0, "UnitPrice": cost}]},
            "PromotionDetails": {"PromotionDetail": []}}}


@pytest.fixture
def credentials(monkeypatch):
    for name in ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
                 "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", KEY_SECRET)
    RUNTIME_CONFIG.clear()
    yield
    RUNTIME_CONFIG.clear()


@pytest.fixture
def bss(monkeypatch, credentials):
    server = FakeBss({"ecs.g7.xlarge": 1.234, "ecs.g7.2xlarge": 2.468, "ecs.g6.xlarge": 1.1}).start()
    monkeypatch.setenv("LIVECOMMERCE_BSS_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def table_copy(tmp_path):
    path = tmp_path / "cn-hangzhou.yaml"
    shutil.copy(PRICES_DIR / "cn-hangzhou.yaml", path)
    return path


def test_the_request_is_the_documented_ecs_instance_type_module():
    assert ecs_price_request("ecs.g7.2xlarge", "cn-hangzhou") == {
        "ProductCode": "ecs", "SubscriptionType": "PayAsYouGo", "Region": "cn-hangzhou",
        "ModuleList": [{"ModuleCode": "InstanceType", "PriceType": "Hour",
                        "Config": "InstanceType:ecs.g7.2xlarge,IoOptimized:IoOptimized,ImageOs:linux"}]}


def test_refresh_with_an_injected_call_confirms_and_dates_each_item(table_copy):
    seen = []

    def call(action, params, subject):
        seen.append((action, params["ModuleList"][0]["Config"], subject))
        return {"Success": True, "Data": {"Currency": "CNY", "ModuleDetails": {"ModuleDetail": [
            {"ModuleCode": "InstanceType", "OriginalCost": 3.0}]}}}

    table = load_table(table_copy).table
    new, changes = refresh_ecs(table, ["ecs.g7.2xlarge"], "cn-hangzhou", TODAY, call=call)
    assert seen == [(ACTION, "InstanceType:ecs.g7.2xlarge,IoOptimized:IoOptimized,ImageOs:linux", "ECS ecs.g7.2xlarge")]
    item = new.items["ecs.g7.2xlarge"]
    assert (item.price, item.confidence, item.as_of, item.vcpu, item.memory_gib) == (3.0, "confirmed", TODAY, 8, 32)
    assert "GetPayAsYouGoPrice" in item.source and item.note == ""
    assert changes == ["ecs.g7.2xlarge: 2.88 CNY (estimate, 2026-12-01) -> 3 CNY (confirmed, 2027-03-01)"]
    assert new.items["eci.vcpu"] == table.items["eci.vcpu"]  # nothing else moves
    assert new.as_of == table.as_of


def test_a_response_without_the_module_changes_nothing(table_copy):
    table = load_table(table_copy).table
    with pytest.raises(UserError, match="returned no InstanceType price"):
        refresh_ecs(table, ["ecs.g7.2xlarge"], "cn-hangzhou", TODAY,
                    call=lambda *a: {"Success": True, "Data": {"ModuleDetails": {"ModuleDetail": []}}})


def test_an_instance_type_the_table_cannot_size_is_refused_first(table_copy):
    table = load_table(table_copy).table
    with pytest.raises(UserError) as err:
        refresh_ecs(table, ["ecs.g7.2xlarge", "ecs.r9.8xlarge"], "cn-hangzhou", TODAY,
                    call=lambda *a: pytest.fail("no call before every type is known"))
    assert err.value.lines == ["ecs.r9.8xlarge: not in the price table; add it with kind ecs-instance, vcpu and "
                               "memory_gib (and any price), then refresh"]


def test_the_real_sdk_against_the_fake_server(bss, table_copy):
    table = load_table(table_copy).table
    new, changes = refresh_ecs(table, ["ecs.g7.xlarge", "ecs.g7.2xlarge"], "cn-hangzhou", TODAY)
    assert (new.items["ecs.g7.xlarge"].price, new.items["ecs.g7.2xlarge"].price) == (1.234, 2.468)
    assert len(changes) == 2
    rec = bss.last(ACTION)
    assert rec.params["ProductCode"] == "ecs" and rec.params["Region"] == "cn-hangzhou"
    assert rec.params["SubscriptionType"] == "PayAsYouGo"
    assert rec.nested("ModuleList")[0]["PriceType"] == "Hour"
    assert KEY_SECRET not in str(rec.params) and KEY_SECRET not in str(rec.headers)


def _sandbox_plan(tmp_path, types=("ecs.g7.xlarge", "ecs.g6.xlarge")):
    path = tmp_path / "t.json"
    write_plan(plan(node_pool(types=types), deployment("shop"), hpa("shop"), stack="sandbox"), path)
    return path


def test_cli_refresh_rewrites_the_table_and_prices_with_it(bss, table_copy, tmp_path, capsys):
    plan_path = _sandbox_plan(tmp_path)
    assert main(["cost", "--plan", str(plan_path), "--prices", str(table_copy), "--refresh-prices",
                 "--month", "2027-11", "--json"]) == 0
    captured = capsys.readouterr()
    assert "2 ECS prices refreshed from the pricing API" in captured.err
    refreshed = load_table(table_copy).table
    assert refreshed.items["ecs.g7.xlarge"].confidence == "confirmed"
    assert refreshed.items["ecs.g6.xlarge"].price == 1.1
    import json

    data = json.loads(captured.out)
    assert data["prices"]["ecs.g7.xlarge"]["unit_price"] == 1.234
    assert KEY_SECRET not in captured.out + captured.err and KEY_ID not in captured.out + captured.err


def test_cli_refresh_without_credentials_is_exit_2_and_changes_nothing(monkeypatch, table_copy, tmp_path, capsys):
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY",
                 "ALICLOUD_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    RUNTIME_CONFIG.clear()
    before = table_copy.read_text()
    assert main(["cost", "--plan", str(_sandbox_plan(tmp_path)), "--prices", str(table_copy), "--refresh-prices",
                 "--month", "2027-11"]) == 2
    err = capsys.readouterr().err
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1
    assert table_copy.read_text() == before


def test_cli_refresh_api_error_is_exit_2_and_changes_nothing(bss, table_copy, tmp_path, capsys):
    bss.fail(ACTION, "NotApplicable", "the account cannot query prices", as_success_false=True)
    before = table_copy.read_text()
    assert main(["cost", "--plan", str(_sandbox_plan(tmp_path)), "--prices", str(table_copy), "--refresh-prices",
                 "--month", "2027-11"]) == 2
    err = capsys.readouterr().err
    assert "pricing API: BSS GetPayAsYouGoPrice" in err and "NotApplicable" in err
    assert KEY_SECRET not in err
    assert table_copy.read_text() == before
