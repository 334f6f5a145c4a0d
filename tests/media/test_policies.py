"""The media pipeline's RAM/OSS documents and trigger config, as pure functions; the repo's own policy
pack judges them too (no wildcard actions, no admin grants, scoped trust, scoped trigger)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from components.media import policies
from functions.transcoder.events import COMPLETE_OBJECT_EVENTS
from policies.livecommerce_guard.fc import check_oss_trigger_scope, prefixes_overlap
from policies.livecommerce_guard.oss import anonymous_grants, denies_insecure_transport
from policies.livecommerce_guard.ram import check_trust_policy, check_wildcard_policy, wildcard_admin_statements
from policies.livecommerce_guard._base import Subject

ACCOUNT = "1234567890123456"


def exec_doc(**overrides):
    args = dict(account_id=ACCOUNT, region="cn-hangzhou", input_bucket="lc-prod-replays-raw", input_prefix="replays/",
                output_bucket="lc-prod-media", output_prefix="transcoded/", log_project="lc-prod-cn-hangzhou",
                log_store="fc-transcoder", dead_letter_queue="lc-prod-transcoder-dlq")
    return policies.execution_policy(**{**args, **overrides})


def subject(type_: str, props: dict) -> Subject:
    return Subject(type=type_, name="x", urn="urn:x", props=props, protect=False)


def by_sid(doc):
    return {st["Sid"]: st for st in doc["Statement"]}


def test_execution_policy_grants_exactly_what_the_function_does():
    s = by_sid(exec_doc())
    assert s["ReadRawReplays"]["Action"] == ["oss:GetObject"]
    assert s["ReadRawReplays"]["Resource"] == [f"acs:oss:*:{ACCOUNT}:lc-prod-replays-raw/replays/*"]
    assert s["PublishMedia"]["Action"] == ["oss:GetObject", "oss:PutObject", "oss:AbortMultipartUpload",
                                           "oss:ListParts", "oss:DeleteObject"]
    assert s["PublishMedia"]["Resource"] == [f"acs:oss:*:{ACCOUNT}:lc-prod-media/transcoded/*"]
    assert s["ListPublishedMedia"]["Condition"] == {"StringLike": {"oss:Prefix": ["transcoded/*"]}}
    assert s["WriteFunctionLogs"] == {
        "Sid": "WriteFunctionLogs", "Effect": "Allow", "Action": ["log:PostLogStoreLogs"],
        "Resource": [f"acs:log:cn-hangzhou:{ACCOUNT}:project/lc-prod-cn-hangzhou/logstore/fc-transcoder"]}
    assert s["DeadLetter"]["Resource"] == [f"acs:mns:cn-hangzhou:{ACCOUNT}:/queues/lc-prod-transcoder-dlq/messages"]
    assert "BucketEncryptionKey" not in s


def test_the_function_can_never_write_its_input_or_delete_raw_replays():
    for st_ in exec_doc()["Statement"]:
        writes = {"oss:PutObject", "oss:DeleteObject", "oss:AbortMultipartUpload"} & set(st_["Action"])
        if writes:
            assert all("lc-prod-replays-raw" not in r for r in st_["Resource"])


def test_kms_key_adds_one_scoped_statement():
    s = by_sid(exec_doc(kms_key_id="key-abc"))
    assert s["BucketEncryptionKey"]["Action"] == ["kms:GenerateDataKey", "kms:Decrypt"]
    assert s["BucketEncryptionKey"]["Resource"] == [f"acs:kms:cn-hangzhou:{ACCOUNT}:key/key-abc"]


@given(st.from_regex(r"[a-z0-9]{3,10}", fullmatch=True), st.from_regex(r"[a-z]{1,8}/", fullmatch=True),
       st.from_regex(r"[a-z]{1,8}/", fullmatch=True))
def test_no_wildcard_actions_ever(bucket, in_prefix, out_prefix):
    doc = exec_doc(input_bucket=bucket + "-raw", output_bucket=bucket, input_prefix=in_prefix, output_prefix=out_prefix)
    for st_ in doc["Statement"]:
        assert all("*" not in a for a in st_["Action"])
        assert all(r != "*" for r in st_["Resource"])
    raw = policies.dumps(doc)
    assert check_wildcard_policy(subject("alicloud:ram/policy:Policy", {"policyDocument": raw}), {"strict": True}) == []
    assert len(policies.dumps(doc)) <= 6144  # RAM policy document limit


def test_invocation_policy_invokes_one_function():
    arn = f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/lc-prod-transcoder"
    doc = policies.invocation_policy(arn)
    assert doc["Statement"] == [{"Sid": "InvokeTranscoder", "Effect": "Allow", "Action": ["fc:InvokeFunction"],
                                 "Resource": [arn]}]
    assert wildcard_admin_statements(doc) == 0


def test_trust_policies_name_one_service():
    for service in ("fc.aliyuncs.com", "oss.aliyuncs.com"):
        doc = policies.trust_policy(service)
        assert doc["Statement"][0]["Principal"] == {"Service": [service]}
        props = {"assumeRolePolicyDocument": policies.dumps(doc)}
        assert check_trust_policy(subject("alicloud:ram/role:Role", props), {}) == []


def test_trigger_config_lists_completed_object_events_only():
    config = json.loads(policies.trigger_config("replays/", ".mp4"))
    assert config == {"events": ["oss:ObjectCreated:PutObject", "oss:ObjectCreated:PostObject",
                                 "oss:ObjectCreated:CompleteMultipartUpload"],
                      "filter": {"key": {"prefix": "replays/", "suffix": ".mp4"}}}
    assert "oss:ObjectCreated:*" not in config["events"]
    # Every event the trigger sends is one the function accepts as a finished upload.
    assert {e.removeprefix("oss:") for e in config["events"]} <= COMPLETE_OBJECT_EVENTS


def test_a_replicated_input_also_fires_on_replication_created_objects_and_passes_the_pack():
    config = json.loads(policies.trigger_config("replays/", replicated=True))
    assert config["events"][-1] == "oss:ObjectReplication:ObjectCreated"
    assert {e.removeprefix("oss:") for e in config["events"]} <= COMPLETE_OBJECT_EVENTS
    props = {"triggerType": "oss", "triggerConfig": json.dumps(config),
             "sourceArn": f"acs:oss:cn-hangzhou:{ACCOUNT}:b", "invocationRole": "acs:ram::1:role/r"}
    assert check_oss_trigger_scope(subject("alicloud:fc/v3Trigger:V3Trigger", props), {}) == []
    # a replication delete is not a finished object: the pack refuses a trigger that listens to it
    props["triggerConfig"] = json.dumps({**config, "events": ["oss:ObjectReplication:ObjectRemoved"]})
    assert check_oss_trigger_scope(subject("alicloud:fc/v3Trigger:V3Trigger", props), {}) == [
        "triggerConfig listens to events other than complete-object creation"]


def test_trigger_config_omits_an_empty_suffix():
    assert json.loads(policies.trigger_config("replays/"))["filter"] == {"key": {"prefix": "replays/"}}


def test_trigger_passes_the_repo_policy():
    props = {"triggerType": "oss", "triggerConfig": policies.trigger_config("replays/"),
             "sourceArn": f"acs:oss:cn-hangzhou:{ACCOUNT}:b", "invocationRole": "acs:ram::1:role/r"}
    assert check_oss_trigger_scope(subject("alicloud:fc/v3Trigger:V3Trigger", props), {}) == []


def test_secure_transport_policy_denies_http_and_grants_nothing():
    doc = policies.secure_transport_policy(ACCOUNT, "lc-prod-media")
    assert denies_insecure_transport(doc)
    assert anonymous_grants(doc) == 0
    assert doc["Statement"][0]["Resource"] == [f"acs:oss:*:{ACCOUNT}:lc-prod-media",
                                               f"acs:oss:*:{ACCOUNT}:lc-prod-media/*"]


def test_dumps_is_stable():
    a = policies.dumps(exec_doc())
    assert a == policies.dumps(json.loads(a)) and " " not in a.replace("Resource", "")


def test_loop_notion_matches_the_policy_pack():
    # The settings rule and the FC-05 policy agree on what overlapping prefixes are.
    from components.media.settings import trigger_loop_problem
    for a, b in [("replays/", "transcoded/"), ("media/", "media/hls/"), ("a/", "a/")]:
        assert (trigger_loop_problem(a, "", b) is not None) == prefixes_overlap(a, b)


def test_fan_out_notification_and_auth_key_statements_are_scoped():
    doc = exec_doc(invoke_functions=("lc-prod-transcoder-worker", "lc-prod-transcoder"),
                   success_topic="lc-prod-transcoder-done", auth_key_secret="lc-prod-replay-url-auth")
    s = by_sid(doc)
    assert s["FanOutParts"] == {"Sid": "FanOutParts", "Effect": "Allow", "Action": ["fc:InvokeFunction"], "Resource": [
        f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/lc-prod-transcoder-worker",
        f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/lc-prod-transcoder"]}  # fmt: skip
    assert s["NotifySuccess"]["Resource"] == [f"acs:mns:cn-hangzhou:{ACCOUNT}:/topics/lc-prod-transcoder-done/messages"]
    assert s["NotifySuccess"]["Action"] == ["mns:PublishMessage"]
    assert s["ReadPlaybackAuthKey"]["Resource"] == [f"acs:kms:cn-hangzhou:{ACCOUNT}:secret/lc-prod-replay-url-auth"]
    assert check_wildcard_policy(subject("alicloud:ram/policy:Policy", {"policyDocument": json.dumps(doc)}), {}) == []
    assert set(by_sid(exec_doc())) == {"ReadRawReplays", "PublishMedia", "ListPublishedMedia", "WriteFunctionLogs",
                                       "DeadLetter"}  # fmt: skip
