"""The offline engine: determinism, secrets, dependency capture, fallbacks, the plan contract."""

import json

import pulumi
import pulumi_alicloud as alicloud
import pulumi_kubernetes as k8s

from livecommerce.engine import record, run_preview
from livecommerce.plan import PLAN_FORMAT, RESOURCE_KEYS, dumps, validate_plan


def test_two_runs_are_byte_identical():
    a = dumps(run_preview("prod").plan)
    b = dumps(run_preview("prod").plan)
    assert a == b


def test_plan_has_the_v1_contract():
    plan = validate_plan(run_preview("staging").plan)
    assert plan["format"] == PLAN_FORMAT and plan["project"] == "livecommerce" and plan["stack"] == "staging"
    assert [r["urn"] for r in plan["resources"]] == sorted(r["urn"] for r in plan["resources"])
    for res in plan["resources"]:
        assert set(RESOURCE_KEYS) <= set(res)
    stack = [r for r in plan["resources"] if r["type"] == "pulumi:pulumi:Stack"]
    assert len(stack) == 1 and stack[0]["parent"] is None


def test_urns_match_the_real_engine_shape():
    plan = run_preview("dev").plan
    urns = {r["name"]: r["urn"] for r in plan["resources"]}
    # Stack children carry no `pulumi:pulumi:Stack$` prefix; grandchildren carry the component's type.
    assert urns["dev-network"] == "urn:pulumi:dev::livecommerce::livecommerce:network:Network::dev-network"
    assert urns["dev-network-vpc"] == ("urn:pulumi:dev::livecommerce::livecommerce:network:Network"
                                       "$alicloud:vpc/network:Network::dev-network-vpc")


def secret_program():
    token = pulumi.Output.secret("s3cr3t-token-value")
    role = alicloud.ram.Role("role", role_name="r", description=token.apply(lambda t: f"uses {t}"),
                             assume_role_policy_document="{}")
    cred = alicloud.cs.get_cluster_credential_output(cluster_id="c123")
    k8s.Provider("kube", kubeconfig=cred.kube_config)
    alicloud.ram.Policy("policy", policy_name="p", policy_document=role.description.apply(lambda d: d or ""))
    pulumi.export("token", token)
    pulumi.export("kubeconfig", cred.kube_config)
    pulumi.export("plain", "visible")


def test_secrets_are_redacted_everywhere_and_propagate():
    plan = record(secret_program)
    text = json.dumps(plan)
    assert "s3cr3t-token-value" not in text
    assert "client-key-data" not in text  # the mock kubeconfig's key never shows
    res = {r["name"]: r for r in plan["resources"]}
    assert res["role"]["inputs"]["description"] == "[secret]"
    # An output of a resource fed by a secret stays secret downstream, as with the real engine.
    assert res["policy"]["inputs"]["policyDocument"] == "[secret]"
    assert res["kube"]["inputs"]["kubeconfig"] == "[secret]"
    assert plan["outputs"] == {"kubeconfig": "[secret]", "plain": "visible", "token": "[secret]"}


def test_secret_config_placeholders_stay_secret(tmp_path):
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  livecommerce:token:\n    secure: AAABAJunkCiphertext\n")

    def program():
        alicloud.ram.Role("r", role_name="r", description=pulumi.Config("livecommerce").require_secret("token"))

    result = run_preview("test", tmp_path, program=program)
    assert result.stack_file.placeholders == ["livecommerce:token"]
    role = [r for r in result.plan["resources"] if r["name"] == "r"][0]
    assert role["inputs"]["description"] == "[secret]"


def deps_program():
    vpc = alicloud.vpc.Network("vpc", cidr_block="10.0.0.0/16")
    sg = alicloud.ecs.SecurityGroup("sg", vpc_id=vpc.id)
    alicloud.vpc.Switch("sw", vpc_id=vpc.id, zone_id="cn-hangzhou-h", cidr_block="10.0.0.0/24",
                        opts=pulumi.ResourceOptions(depends_on=[sg], protect=True, ignore_changes=["tags"]))


def test_dependencies_hold_explicit_and_input_edges():
    plan = record(deps_program)
    res = {r["name"]: r for r in plan["resources"]}
    vpc, sg = res["vpc"]["urn"], res["sg"]["urn"]
    assert res["sw"]["dependencies"] == sorted([vpc, sg])
    assert res["sw"]["propertyDependencies"] == {"vpcId": [vpc]}
    assert res["sw"]["protect"] is True
    assert res["sw"]["options"]["ignoreChanges"] == ["tags"]
    assert res["sw"]["inputs"]["vpcId"] == res["sg"]["inputs"]["vpcId"]  # the mock id reached both


def unknown_program():
    class Thing(pulumi.CustomResource):
        def __init__(self, name, props):
            super().__init__("acme:widgets/thing:Thing", name, props)

    thing = Thing("widget", {"size": 3, "nested": {"a": [1, 2]}})
    alicloud.ram.Policy("p", policy_name="x", policy_document=thing.id)


def test_unknown_types_fall_back_to_inputs_plus_an_id():
    plan = record(unknown_program)
    res = {r["name"]: r for r in plan["resources"]}
    assert res["widget"]["inputs"] == {"nested": {"a": [1, 2]}, "size": 3}
    assert res["p"]["inputs"]["policyDocument"].startswith("thing-")


def test_computed_outputs_have_realistic_shapes():
    def program():
        nat = alicloud.vpc.NatGateway("nat", vpc_id="vpc-1", vswitch_id="vsw-1", nat_type="Enhanced")
        ack = alicloud.cs.ManagedKubernetes("ack", cluster_spec="ack.pro.small", slb_internet_enabled=False)
        acct = alicloud.get_account_output()
        pulumi.export("snat", nat.snat_table_ids)
        pulumi.export("intranet", ack.connections.apply(lambda c: c[0].api_server_intranet))
        pulumi.export("internet", ack.connections.apply(lambda c: c[0].api_server_internet))
        pulumi.export("account", acct.id)

    out = record(program)["outputs"]
    assert out["snat"].startswith("stb-")
    assert out["intranet"].startswith("https://10.") and out["internet"] == ""
    assert out["account"].isdigit() and len(out["account"]) == 16


def test_runs_are_isolated_from_main_thread_mock_runtimes():
    """Regression: a test that used pulumi.runtime.set_mocks on the main thread left tasks in Pulumi's
    process-wide default `outputs` set, and the next engine run waited on them forever."""
    import threading

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return "id-1", args.inputs

        def call(self, args):
            return {}, None

    # set_mocks registers a root Stack on this thread's loop and leaves its tasks pending, as a
    # pytest fixture that calls it does; then a resource is created outside any awaited test.
    pulumi.runtime.set_mocks(Mocks(), project="other", stack="main-thread", preview=False)
    alicloud.vpc.Network("leftover", cidr_block="10.0.0.0/16")
    done = {}
    worker = threading.Thread(target=lambda: done.update(plan=record(deps_program)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert "plan" in done, "record() hung after a main-thread mock runtime"
    assert {r["name"] for r in done["plan"]["resources"]} >= {"vpc", "sg", "sw"}


# ---- aliases -------------------------------------------------------------------------------------------
class _Box(pulumi.ComponentResource):
    def __init__(self, type_: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(type_, name, None, opts)


def _moved_program():
    """`t-old` (a component at the stack with a bucket) moved under `t-block` and renamed `t-new`."""
    block = _Box("test:index:Block", "t-block")
    moved = _Box("test:index:Part", "t-new", pulumi.ResourceOptions(
        parent=block, aliases=[pulumi.Alias(name="t-old", parent=pulumi.ROOT_STACK_RESOURCE)]))
    alicloud.oss.Bucket("t-new-bucket", bucket="b", opts=pulumi.ResourceOptions(
        parent=moved, aliases=[pulumi.Alias(name="t-old-bucket")]))
    alicloud.oss.Bucket("t-plain", bucket="c", opts=pulumi.ResourceOptions(parent=moved))


def test_aliases_are_recorded_as_the_engine_computes_them():
    plan = record(_moved_program)
    by_name = {r["name"]: r for r in plan["resources"]}
    prefix = "urn:pulumi:test::livecommerce::"
    assert by_name["t-new"]["aliases"] == [prefix + "test:index:Part::t-old"]
    # A child inherits its parent's former URN, with its own name and with each of its own aliases.
    assert by_name["t-plain"]["aliases"] == [prefix + "test:index:Part$alicloud:oss/bucket:Bucket::t-plain"]
    assert by_name["t-new-bucket"]["aliases"] == sorted([
        prefix + "test:index:Block$test:index:Part$alicloud:oss/bucket:Bucket::t-old-bucket",
        prefix + "test:index:Part$alicloud:oss/bucket:Bucket::t-new-bucket",
        prefix + "test:index:Part$alicloud:oss/bucket:Bucket::t-old-bucket",
    ])
    assert "aliases" not in by_name["t-block"]  # additive: only where there are some
    validate_plan(plan)
