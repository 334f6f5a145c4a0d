"""The pure manifest builders of workloads.py: security, probes, replicas, spread, PDB, HPA/CronHPA,
ResourcePolicy; and every object against the official schema of the cluster's Kubernetes version."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.naming import naming_for
from components.workloads import manifests as wl
from components.workloads.service_settings import ServiceSettings, events_for
from livecommerce.k8s_validate import validate_builtin, validate_crd
from tests.workloads.conftest import IMAGE, K8S_VERSION, NOW, event, service

SELECTOR = {"livecommerce.io/node-role": "steady-base"}


def _objects(svc: ServiceSettings, events=(), **kw) -> wl.ServiceObjects:
    return wl.service_objects(svc, naming=naming_for("prod"), events=events_for(svc, list(events)), now=NOW,
                              node_pool_selector=SELECTOR, labels={"owner": "live-platform"}, **kw)


def _problems(objects: wl.ServiceObjects) -> list[str]:
    out = []
    for obj in objects.all():
        crd = obj["apiVersion"].endswith("alibabacloud.com/v1alpha1") or obj["apiVersion"].endswith(
            "alibabacloud.com/v1beta1")
        found = validate_crd(obj) if crd else validate_builtin(obj, K8S_VERSION)
        out += [f"{obj['kind']}/{obj['metadata']['name']}: {p}" for p in found]
    return out


def test_restricted_security_context(shop: ServiceSettings) -> None:
    dep = _objects(shop).deployments["v1"]
    pod = dep["spec"]["template"]["spec"]
    ctr = pod["containers"][0]["securityContext"]
    assert ctr["runAsNonRoot"] is True and ctr["allowPrivilegeEscalation"] is False
    assert ctr["readOnlyRootFilesystem"] is True and ctr["privileged"] is False
    assert ctr["capabilities"] == {"drop": ["ALL"]}
    assert ctr["seccompProfile"] == pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == "shop"
    # A read-only root needs a writable /tmp.
    assert pod["containers"][0]["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    assert not any(k in pod for k in ("hostNetwork", "hostPID", "hostIPC"))


def test_base_version_leaves_replicas_to_the_hpa(shop: ServiceSettings) -> None:
    objs = _objects(shop)
    assert "replicas" not in objs.deployments["v1"]["spec"]
    assert objs.deployments["v1-1"]["spec"]["replicas"] == 2
    hpa = objs.hpa
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "shop-v1"}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 40)


def test_versions_have_their_own_selector_and_tag(shop: ServiceSettings) -> None:
    objs = _objects(shop)
    base, gray = objs.deployments["v1"], objs.deployments["v1-1"]
    assert base["metadata"]["name"] == "shop-v1" and gray["metadata"]["name"] == "shop-v1-1"
    assert gray["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": "shop",
                                                       "app.kubernetes.io/version": "v1.1"}
    gray_labels = gray["spec"]["template"]["metadata"]["labels"]
    assert gray_labels["alicloud.service.tag"] == "gray"
    assert gray["metadata"]["labels"]["alicloud.service.tag"] == "gray"
    assert "alicloud.service.tag" not in base["spec"]["template"]["metadata"]["labels"]
    for dep in (base, gray):
        labels = dep["spec"]["template"]["metadata"]["labels"]
        assert labels["msePilotAutoEnable"] == "on" and labels["msePilotCreateAppName"] == "prod-shop"
        # The selector is a subset of the template labels (or the API server rejects the Deployment).
        assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_probes_use_the_mse_readiness_endpoint_with_lossless_start(shop: ServiceSettings) -> None:
    ctr = _objects(shop).deployments["v1"]["spec"]["template"]["spec"]["containers"][0]
    assert ctr["readinessProbe"]["httpGet"]["port"] == 55199
    assert {"name": "mse-readiness", "containerPort": 55199, "protocol": "TCP"} in ctr["ports"]
    assert ctr["livenessProbe"]["httpGet"] == {"path": "/health/liveness", "port": "http", "scheme": "HTTP"}
    assert ctr["startupProbe"]["failureThreshold"] * ctr["startupProbe"]["periodSeconds"] >= 120
    plain = service(governance={"lossless": {"enabled": False}}, probes={"port": 9090, "readiness_path": "/ready"})
    ctr = _objects(plain).deployments["v1"]["spec"]["template"]["spec"]["containers"][0]
    assert ctr["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "health", "scheme": "HTTP"}
    assert [p["name"] for p in ctr["ports"]] == ["http", "health"]


def test_secret_env_is_a_reference_never_a_value() -> None:
    svc = service(env_secrets=[{"name": "DB_PASSWORD", "value_secret": "shop-db"},
                               {"name": "REDIS_PASSWORD", "kubernetes_secret": "redis", "kubernetes_secret_key": "pw"}])
    env = _objects(svc).deployments["v1"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "shop-env", "key": "DB_PASSWORD"}}},
        {"name": "REDIS_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "redis", "key": "pw"}}},
    ]


def test_pdb_and_spread_only_for_multi_replica_versions() -> None:
    svc = service(versions=[{"name": "v1", "image": IMAGE}, {"name": "v2", "image": IMAGE, "tag": "g", "replicas": 1}],
                  entry=None)
    objs = _objects(svc)
    assert list(objs.pdbs) == ["v1"]
    pdb = objs.pdbs["v1"]["spec"]
    assert pdb == {"maxUnavailable": 1, "unhealthyPodEvictionPolicy": "AlwaysAllow",
                   "selector": {"matchLabels": {"app.kubernetes.io/name": "shop", "app.kubernetes.io/version": "v1"}}}
    spread = objs.deployments["v1"]["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in spread] == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
    assert spread[0]["whenUnsatisfiable"] == "ScheduleAnyway"  # ecs-first may burst onto ECI
    assert "topologySpreadConstraints" not in objs.deployments["v2"]["spec"]["template"]["spec"]
    dev = service(scheduling={"autoscaling": {"min_replicas": 1, "max_replicas": 2}}, entry=None,
                  versions=[{"name": "v1", "image": IMAGE}])
    assert _objects(dev).pdbs == {}
    ecs_only = service(scheduling={"placement": "ecs-only"})
    zone = _objects(ecs_only).deployments["v1"]["spec"]["template"]["spec"]["topologySpreadConstraints"][0]
    assert zone["whenUnsatisfiable"] == "DoNotSchedule"


def test_placement_policies() -> None:
    ecs_first = _objects(service())
    assert ecs_first.resource_policy is not None
    rp = ecs_first.resource_policy["spec"]
    assert rp["selector"] == {"app.kubernetes.io/name": "shop"}
    assert [u["resource"] for u in rp["units"]] == ["ecs", "eci"] and rp["units"][0]["nodeSelector"] == SELECTOR
    pod = ecs_first.deployments["v1"]["spec"]["template"]
    assert pod["metadata"]["labels"]["livecommerce.io/placement"] == "ecs-first"
    assert pod["spec"]["tolerations"][0]["key"] == "virtual-kubelet.io/provider"
    assert pod["metadata"]["annotations"]["k8s.aliyun.com/eci-auto-imc"] == "true"
    eci = _objects(service(scheduling={"placement": "eci-only"}))
    assert eci.resource_policy is None
    assert eci.deployments["v1"]["spec"]["template"]["spec"]["nodeSelector"] == {"type": "virtual-kubelet"}
    ecs = _objects(service(scheduling={"placement": "ecs-only"}))
    assert ecs.resource_policy is None and "tolerations" not in ecs.deployments["v1"]["spec"]["template"]["spec"]


def test_cron_hpa_drives_the_hpa_from_the_calendar() -> None:
    objs = _objects(service(), events=[event()])
    cron = objs.cron_hpa
    assert cron is not None
    assert cron["spec"]["scaleTargetRef"] == {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                              "name": "shop-v1"}
    # 20:00 Asia/Shanghai minus 30 min warm-up = 11:30 UTC; back to the floor 15 min after 23:00 local.
    assert cron["spec"]["jobs"] == [
        {"name": "summer-618-gala-up", "schedule": "0 30 11 18 6 *", "targetSize": 20, "runOnce": True},
        {"name": "summer-618-gala-down", "schedule": "0 15 15 18 6 *", "targetSize": 3, "runOnce": True},
    ]
    assert _objects(service(live_facing=False), events=[event()]).cron_hpa is None


def test_during_an_event_the_hpa_floor_is_the_peak() -> None:
    from datetime import UTC, datetime

    during = datetime(2027, 6, 18, 13, 0, tzinfo=UTC)
    svc = service()
    objs = wl.service_objects(svc, naming=naming_for("prod"), events=events_for(svc, [event()]), now=during)
    assert objs.hpa["spec"]["minReplicas"] == 20
    assert [j["name"] for j in objs.cron_hpa["spec"]["jobs"]] == ["summer-618-gala-down"]


def test_version_services_only_when_the_entry_splits_traffic(shop: ServiceSettings) -> None:
    assert sorted(_objects(shop).services) == ["service", "v1-1-service", "v1-service"]
    assert _objects(shop).services["v1-1-service"]["spec"]["selector"]["app.kubernetes.io/version"] == "v1.1"
    assert list(_objects(service(entry=None)).services) == ["service"]
    assert _objects(shop).services["service"]["spec"]["type"] == "ClusterIP"


def test_label_values_are_sanitised() -> None:
    assert wl.label_value("Live Platform/Team #1") == "Live-Platform-Team-1"
    assert len(wl.label_value("x" * 100)) == 63


def test_every_object_of_the_example_validates(shop: ServiceSettings) -> None:
    objs = _objects(shop, events=[event()])
    kinds = sorted({o["kind"] for o in objs.all()})
    assert kinds == ["CronHorizontalPodAutoscaler", "Deployment", "HorizontalPodAutoscaler", "Ingress",
                     "PodDisruptionBudget", "ResourcePolicy", "Service", "ServiceAccount"]
    assert _problems(objs) == []
    assert validate_builtin(wl.namespace_manifest("trade", {"owner": "x"}), K8S_VERSION) == []


_services = st.builds(
    lambda placement, language, lossless, min_r, gray, canary, cpu_limit, port: service(
        scheduling={"placement": placement, "autoscaling": {"min_replicas": min_r, "max_replicas": 40}},
        governance={"language": language, "lossless": {"enabled": lossless, "mse_readiness_probe": language == "java"}},
        versions=[{"name": "v1", "image": IMAGE}] + ([{"name": "v1.1", "image": IMAGE, "tag": "gray",
                                                        "replicas": gray}] if gray else []),
        entry={"canaries": [{"version": "v1.1", "weight_percent": 10}]} if gray and canary else None,
        resources={"cpu_limit_millicores": cpu_limit}, port=port,
    ),
    st.sampled_from(["ecs-only", "eci-only", "ecs-first"]), st.sampled_from(["java", "golang", "python"]),
    st.booleans(), st.integers(1, 20), st.integers(0, 3), st.booleans(), st.sampled_from([None, 500, 4000]),
    st.integers(1024, 65535).filter(lambda p: p != 55199),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(svc=_services)
def test_any_valid_service_gives_schema_valid_objects(svc: ServiceSettings) -> None:
    assert _problems(_objects(svc, events=[event(peak_replicas=25)])) == []


def test_network_policies_isolate_each_domain() -> None:
    pols = wl.network_policies("trade", {"owner": "x"}, "10.0.0.0/16")
    assert list(pols) == ["default-deny", "allow-platform"]
    deny, allow = pols["default-deny"], pols["allow-platform"]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    assert allow["spec"]["ingress"] == [{"from": [
        {"namespaceSelector": {"matchLabels": {"app.kubernetes.io/part-of": "livecommerce"}}},
        {"ipBlock": {"cidr": "10.0.0.0/16"}}]}]
    assert len(wl.network_policies("trade", {}, None)["allow-platform"]["spec"]["ingress"][0]["from"]) == 1
    for obj in pols.values():
        assert obj["metadata"]["namespace"] == "trade"
        assert validate_builtin(obj, K8S_VERSION) == []
