"""End to end through Pulumi's own dynamic-provider host (``python -m pulumi.dynamic``).

This is the path `pulumi up` takes: the engine starts the host, sends Configure with the stack
config, then Create/Diff/Delete with the serialized provider in ``__provider``. The host
unpickles our provider by reference and the real SDK calls the fake MSE server. The host runs
with *no* credential variables, so the signing key can only come from the secret stack config.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import grpc
import pytest
from google.protobuf import struct_pb2
from google.protobuf.json_format import MessageToDict
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import proto
from pulumi.runtime.proto import provider_pb2_grpc

from components.governance.rules import _LANE_GROUP_PROVIDER

CONFIG_ID, CONFIG_SECRET = "LTAIfromStackConfig123", "stackConfigSecretValue456"
URN = "urn:pulumi:test::livecommerce::pulumi-python:dynamic/mse:LaneGroup::shop"


def _struct(values: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(values)
    return s


@pytest.fixture
def provider_host(fake_mse):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD_", "ALICLOUD_"))}  # credentials only via config
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi.dynamic"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
    )
    port_line: list[bytes] = []
    reader = threading.Thread(target=lambda: port_line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=60)
    try:
        assert port_line and port_line[0].strip().isdigit(), "provider host did not report a port"
        channel = grpc.insecure_channel(f"127.0.0.1:{int(port_line[0])}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield provider_pb2_grpc.ResourceProviderStub(channel)
        channel.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_create_diff_delete_through_the_pulumi_provider_host(provider_host, fake_mse):
    stub = provider_host
    stub.Configure(proto.ConfigureRequest(args=_struct({
        "alicloud:accessKey": CONFIG_ID, "alicloud:secretKey": CONFIG_SECRET,
    })), timeout=30)
    props = {
        "__provider": serialize_provider(_LANE_GROUP_PROVIDER),
        "name": "shop", "region": "cn-hangzhou", "namespace": "default", "entry_app": "mse-gw:gw-1",
        "app_ids": ["app-a"], "paths": [], "route_ids": [], "canary_model": 0,
        "record_canary_detail": False, "message_queue_gray_enable": False, "enabled": True,
    }

    created = stub.Create(proto.CreateRequest(urn=URN, properties=_struct(props)), timeout=60)

    outs = MessageToDict(created.properties)
    assert created.id == outs["group_id"] == str(next(iter(fake_mse.groups)))
    create_req = fake_mse.last("CreateOrUpdateSwimmingLaneGroup")
    assert create_req.params["Name"] == "shop"
    # Signed with the key from the secret stack config the host received at Configure time.
    assert create_req.headers["authorization"].startswith(f"ACS3-HMAC-SHA256 Credential={CONFIG_ID},")
    assert CONFIG_SECRET not in str(outs)

    olds = {**props, **outs}
    same = stub.Diff(proto.DiffRequest(id=created.id, urn=URN, olds=_struct(olds), news=_struct(props)), timeout=30)
    assert same.changes == proto.DiffResponse.DIFF_NONE
    renamed = {**props, "name": "shop-v2"}
    diff = stub.Diff(proto.DiffRequest(id=created.id, urn=URN, olds=_struct(olds), news=_struct(renamed)), timeout=30)
    assert diff.changes == proto.DiffResponse.DIFF_SOME
    assert list(diff.replaces) == ["name"] and diff.deleteBeforeReplace

    stub.Delete(proto.DeleteRequest(id=created.id, urn=URN, properties=_struct(olds)), timeout=60)
    assert fake_mse.last("DeleteSwimmingLaneGroup").params["GroupId"] == created.id
    assert fake_mse.groups == {}


def test_api_errors_reach_the_engine_naming_the_rule(provider_host, fake_mse):
    stub = provider_host
    stub.Configure(proto.ConfigureRequest(args=_struct({
        "alicloud:accessKey": CONFIG_ID, "alicloud:secretKey": CONFIG_SECRET,
    })), timeout=30)
    fake_mse.fail("CreateOrUpdateSwimmingLaneGroup", "Forbidden.RAM", "not authorized")
    props = {"__provider": serialize_provider(_LANE_GROUP_PROVIDER), "name": "shop", "region": "cn-hangzhou",
             "namespace": "default", "entry_app": "mse-gw:gw-1", "enabled": True}
    with pytest.raises(grpc.RpcError) as err:
        stub.Create(proto.CreateRequest(urn=URN, properties=_struct(props)), timeout=60)
    details = err.value.details()
    assert "MSE CreateOrUpdateSwimmingLaneGroup for lane group 'shop': Forbidden.RAM: not authorized" in details
    assert CONFIG_SECRET not in details and CONFIG_ID not in details
