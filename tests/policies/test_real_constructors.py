"""Rules read the wire names the real SDK constructors emit: resources built with pulumi_alicloud /
pulumi_kubernetes under the recording mocks (livecommerce.engine.record), then evaluated."""

from __future__ import annotations

import pulumi
import pulumi_alicloud as ali
import pulumi_kubernetes as k8s
import pytest

from livecommerce import checking

from .harness import all_mandatory_config

record = pytest.importorskip("livecommerce.engine").record


def _rules_fired(plan, tmp_path, rules):
    report = checking.evaluate(plan, "test", waivers_path=None, config_dir=all_mandatory_config(tmp_path))
    return {(f.rule, f.resource) for f in report.findings if f.rule in rules and f.status == "violation"}


def test_cluster_and_node_pool_wire_names(tmp_path):
    def program():
        vsw = [
            ali.vpc.Switch(f"vsw-{z}", vpc_id="vpc-1", zone_id=z, cidr_block=c)
            for z, c in (("cn-hangzhou-h", "10.0.0.0/24"), ("cn-hangzhou-i", "10.0.1.0/24"))
        ]
        ok = ali.cs.ManagedKubernetes(
            "ok",
            cluster_spec="ack.pro.small",
            slb_internet_enabled=False,
            enable_rrsa=True,
            vswitch_ids=[s.id for s in vsw],
            new_nat_gateway=False,
        )
        ali.cs.ManagedKubernetes(
            "public",
            cluster_spec="ack.pro.small",
            enable_rrsa=True,
            vswitch_ids=[s.id for s in vsw],
            new_nat_gateway=False,
        )
        ali.cs.NodePool(
            "np-ok",
            cluster_id=ok.id,
            vswitch_ids=[s.id for s in vsw],
            instance_types=["ecs.g7.xlarge"],
            management=ali.cs.NodePoolManagementArgs(enable=True, auto_repair=True),
            scaling_config=ali.cs.NodePoolScalingConfigArgs(enable=True, min_size=2, max_size=10),
        )
        ali.cs.NodePool(
            "np-bad",
            cluster_id=ok.id,
            vswitch_ids=[vsw[0].id],
            instance_types=["ecs.g7.xlarge"],
            management=ali.cs.NodePoolManagementArgs(enable=True, auto_repair=False),
            scaling_config=ali.cs.NodePoolScalingConfigArgs(enable=True, min_size=2, max_size=10, is_bond_eip=True),
        )

    rules = {
        "alicloud-cs-managedkubernetes-disallow-public-apiserver",
        "alicloud-cs-nodepool-enable-auto-repair",
        "alicloud-cs-nodepool-disallow-public-ip",
        "alicloud-cs-nodepool-require-multi-zone",
        "alicloud-cs-managedkubernetes-enable-rrsa",
    }
    assert _rules_fired(record(program), tmp_path, rules) == {
        ("alicloud-cs-managedkubernetes-disallow-public-apiserver", "public"),
        ("alicloud-cs-nodepool-enable-auto-repair", "np-bad"),
        ("alicloud-cs-nodepool-disallow-public-ip", "np-bad"),
        ("alicloud-cs-nodepool-require-multi-zone", "np-bad"),
    }


def test_bucket_subresources_pair_through_outputs(tmp_path):
    def program():
        for name, sse in (("good", True), ("bare", False)):
            b = ali.oss.Bucket(name, bucket=f"lc-{name}")
            ali.oss.BucketAcl(f"{name}-acl", bucket=b.bucket, acl="private")
            if sse:
                ali.oss.BucketServerSideEncryption(f"{name}-sse", bucket=b.bucket, sse_algorithm="KMS")
        ali.oss.BucketAcl("public-acl", bucket="lc-good", acl="public-read")

    rules = {"alicloud-oss-bucket-enable-server-side-encryption", "alicloud-oss-bucket-disallow-public-acl"}
    assert _rules_fired(record(program), tmp_path, rules) == {
        ("alicloud-oss-bucket-enable-server-side-encryption", "bare"),
        ("alicloud-oss-bucket-disallow-public-acl", "public-acl"),
    }


def test_kubernetes_deployment_wire_names(tmp_path):
    def program():
        provider = k8s.Provider("k", kubeconfig="{}")
        labels = {"app": "shop"}
        for name, image, privileged in (("ok", "shop:1.2.3", False), ("bad", "shop:latest", True)):
            k8s.apps.v1.Deployment(
                name,
                metadata=k8s.meta.v1.ObjectMetaArgs(name=name, namespace="shop"),
                spec=k8s.apps.v1.DeploymentSpecArgs(
                    replicas=1,
                    selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels),
                    template=k8s.core.v1.PodTemplateSpecArgs(
                        metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                        spec=k8s.core.v1.PodSpecArgs(
                            containers=[
                                k8s.core.v1.ContainerArgs(
                                    name="app",
                                    image=image,
                                    security_context=k8s.core.v1.SecurityContextArgs(privileged=privileged),
                                )
                            ]
                        ),
                    ),
                ),
                opts=pulumi.ResourceOptions(provider=provider),
            )

    rules = {"kubernetes-apps-workload-pin-images", "kubernetes-apps-workload-disallow-privileged"}
    assert _rules_fired(record(program), tmp_path, rules) == {
        ("kubernetes-apps-workload-pin-images", "bad"),
        ("kubernetes-apps-workload-disallow-privileged", "bad"),
    }


def test_the_new_gap_rules_read_the_real_wire_names(tmp_path):
    """Issue 18 item 17: each gap built with the real SDK constructors is caught under its own name."""
    import json

    def program():
        ali.oss.Bucket(
            "bucket-cors",
            bucket="lc-cors",
            cors_rules=[ali.oss.BucketCorsRuleArgs(allowed_origins=["*"], allowed_methods=["PUT"])],
            lifecycle_rules=[
                ali.oss.BucketLifecycleRuleArgs(
                    enabled=True, expirations=[ali.oss.BucketLifecycleRuleExpirationArgs(days=1)]
                )
            ],
        )
        ali.oss.BucketCors(
            "cors",
            bucket="lc-cors",
            cors_rules=[ali.oss.BucketCorsCorsRuleArgs(allowed_origins=["*"], allowed_methods=["DELETE"])],
        )
        ali.vpc.ForwardEntry(
            "ssh-dnat",
            external_ip="47.0.0.1",
            external_port="22",
            forward_table_id="ftb-1",
            internal_ip="10.0.0.5",
            internal_port="22",
            ip_protocol="tcp",
        )
        ali.cs.NodePool(
            "pool",
            cluster_id="c-1",
            vswitch_ids=["vsw-1"],
            instance_types=["ecs.g7.xlarge"],
            password="Hunter2-Secret!",
            instance_metadata_options=ali.cs.NodePoolInstanceMetadataOptionsArgs(http_tokens="optional"),
        )
        ali.fc.V3Trigger(
            "http",
            function_name="f",
            trigger_type="http",
            trigger_name="http",
            qualifier="LATEST",
            trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET"]}),
        )
        ali.fc.V3Function("fn", function_name="f", handler="index.handler", runtime="python3.10", internet_access=True)
        ali.ram.Policy(
            "legacy",
            policy_name="legacy",
            statements=[ali.ram.PolicyStatementArgs(effect="Allow", actions=["ram:*Role*"], resources=["*"])],
        )
        provider = k8s.Provider("k", kubeconfig="{}")
        k8s.core.v1.Service(
            "svc",
            metadata=k8s.meta.v1.ObjectMetaArgs(name="svc", namespace="shop"),
            spec=k8s.core.v1.ServiceSpecArgs(
                external_ips=["203.0.113.10"], ports=[k8s.core.v1.ServicePortArgs(port=80)]
            ),
            opts=pulumi.ResourceOptions(provider=provider),
        )

    rules = {
        "alicloud-oss-bucket-restrict-cors",
        "alicloud-oss-bucket-restrict-lifecycle-expiration",
        "alicloud-vpc-forwardentry-disallow-admin-ports",
        "alicloud-cs-nodepool-require-imdsv2",
        "alicloud-cs-nodepool-disallow-password-login",
        "alicloud-fc-v3trigger-disallow-anonymous-http",
        "alicloud-fc-v3function-restrict-internet-access",
        "alicloud-ram-policy-disallow-wildcard-actions",
        "kubernetes-core-service-disallow-external-ips",
    }
    assert _rules_fired(record(program), tmp_path, rules) == {
        ("alicloud-oss-bucket-restrict-cors", "bucket-cors"),
        ("alicloud-oss-bucket-restrict-cors", "cors"),
        ("alicloud-oss-bucket-restrict-lifecycle-expiration", "bucket-cors"),
        ("alicloud-vpc-forwardentry-disallow-admin-ports", "ssh-dnat"),
        ("alicloud-cs-nodepool-require-imdsv2", "pool"),
        ("alicloud-cs-nodepool-disallow-password-login", "pool"),
        ("alicloud-fc-v3trigger-disallow-anonymous-http", "http"),
        ("alicloud-fc-v3function-restrict-internet-access", "fn"),
        ("alicloud-ram-policy-disallow-wildcard-actions", "legacy"),
        ("kubernetes-core-service-disallow-external-ips", "svc"),
    }
