"""The CI runner host inside an environment's VPC: the one place from which CI reaches a private API server.

    GitHub (job labels self-hosted + livecommerce-ENV)  <--HTTPS, outbound only--  runner host (ECS, no
    public IP, egress through the environment's NAT)  --VPC-->  ACK API server (internal SLB)

The host has no inbound rule at all (manage it with Cloud Assistant). It registers once, at first boot,
with a short-lived registration token it reads from an encrypted OOS parameter through its instance RAM
role; no cloud credential lives on it: jobs bring their own (OIDC), see docs/decisions/2026-12-01-ci-runner.md.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.delivery import permissions
from components.delivery.settings import RunnerSettings

# The instance metadata service (IMDS) of ECS.
METADATA = "http://100.100.100.200/latest"
# Alibaba Cloud CLI, official Linux x64 build (Alibaba Cloud CLI docs, "Install on Linux").
ALIYUN_CLI_URL = "https://aliyuncli.alicdn.com/aliyun-cli-linux-latest-amd64.tgz"
BASE_LABELS = ("self-hosted", "linux", "x64")


def runner_labels(env: str, extra: Sequence[str] = ()) -> list[str]:
    """The labels a job's `runs-on` selects this runner by (`config.sh` adds the base three itself)."""
    return [*BASE_LABELS, f"livecommerce-{env}", *extra]


def parameter_name(env: str) -> str:
    """The OOS secret parameter holding the registration token (`/` separates OOS name paths)."""
    return f"livecommerce/ci/{env}/runner-registration-token"


def cloud_init(*, env: str, region: str, repository: str, role_name: str, parameter: str,
               settings: RunnerSettings) -> str:
    """The first-boot script: install the runner, register it once, run it as a service.

    Idempotent: a reboot finds `.runner` and does nothing. The token never touches the disk: it is read
    into a variable, handed to config.sh and dropped. The instance role is attached after the instance
    exists (ecs.RamRoleAttachment), hence the wait for its credentials.
    """
    version, sha = settings.runner_version, settings.runner_sha256
    labels = ",".join(runner_labels(env, settings.labels)[len(BASE_LABELS):])
    tarball = f"actions-runner-linux-x64-{version}.tar.gz"
    q = shlex.quote
    return "\n".join([
        "#!/bin/bash",
        f"# livecommerce CI runner for {env} (components/delivery/ci_runner.py)",
        "set -euo pipefail",
        "RUNNER_DIR=/opt/actions-runner",
        'if [ -f "$RUNNER_DIR/.runner" ]; then exit 0; fi',
        "export DEBIAN_FRONTEND=noninteractive",
        "apt-get update -q && apt-get install -y -q curl jq ca-certificates git python3-venv",
        "id -u runner >/dev/null 2>&1 || useradd --create-home --shell /bin/bash runner",
        f"curl -fsSL {q(ALIYUN_CLI_URL)} | tar xz -C /usr/local/bin aliyun",
        # Hardened metadata mode (http_tokens=required): every IMDS call carries a session token.
        "imds() { t=$(curl -fsS -X PUT " + METADATA + "/api/token "
        "-H 'X-aliyun-ecs-metadata-token-ttl-seconds: 300'); "
        "curl -fsS -H \"X-aliyun-ecs-metadata-token: $t\" \"" + METADATA + "/$1\"; }",
        "for i in $(seq 1 60); do "
        f"imds meta-data/ram/security-credentials/{role_name} >/dev/null 2>&1 && break; sleep 10; done",
        f"aliyun configure set --profile runner --mode EcsRamRole --ram-role-name {q(role_name)} --region {q(region)}",
        f"TOKEN=$(aliyun --profile runner oos GetSecretParameter --RegionId {q(region)} --Name {q(parameter)} "
        "--WithDecryption true | jq -r .Parameter.Value)",
        'mkdir -p "$RUNNER_DIR" && cd "$RUNNER_DIR"',
        f"curl -fsSL -o /tmp/runner.tar.gz https://github.com/actions/runner/releases/download/v{version}/{tarball}",
        f"echo '{sha}  /tmp/runner.tar.gz' | sha256sum -c -",
        'tar xzf /tmp/runner.tar.gz -C "$RUNNER_DIR" && rm /tmp/runner.tar.gz',
        '"$RUNNER_DIR/bin/installdependencies.sh"',
        'chown -R runner:runner "$RUNNER_DIR"',
        f"sudo -u runner ./config.sh --unattended --url {q('https://github.com/' + repository)} "
        f'--token "$TOKEN" --name "livecommerce-{env}-$(hostname)" --labels {q(labels)} --replace',
        "unset TOKEN",
        "./svc.sh install runner && ./svc.sh start",
        "",
    ])


@dataclass(frozen=True, kw_only=True)
class CiRunnerArgs:
    """Inputs of the CiRunner component."""

    env: str
    region: str
    account_id: pulumi.Input[str]
    repository: str
    """`OWNER/REPO` the runner registers with."""
    settings: RunnerSettings
    vpc_id: pulumi.Input[str]
    """The environment's VPC (from its stack's outputs)."""
    vswitch_id: pulumi.Input[str]
    """A vSwitch of the environment whose egress goes through its NAT gateway (a node vSwitch)."""
    registration_token: pulumi.Input[str]
    """A GitHub runner registration token (secret; valid one hour, used once at first boot)."""
    tags: Mapping[str, str]


class CiRunner(pulumi.ComponentResource):
    """One self-hosted runner host: security group, instance role, token parameter, ECS instance."""

    instance_id: pulumi.Output[str]
    """The runner host's ECS instance id."""
    labels: list[str]
    """The labels jobs select it by."""

    def __init__(self, name: str, args: CiRunnerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:delivery:CiRunner", name, None, opts)
        a, s = args, args.settings
        child = pulumi.ResourceOptions(parent=self)
        physical = f"livecommerce-ci-{a.env}-runner"
        tags = {**a.tags, "role": "ci-runner"}

        # No ingress rule at all: the runner only dials out (GitHub, package registries, cloud APIs).
        group = alicloud.ecs.SecurityGroup(
            f"{name}-security-group", security_group_name=physical, vpc_id=a.vpc_id,
            inner_access_policy="Drop", description=f"livecommerce {a.env}: CI runner, outbound only",
            tags=tags, opts=child)

        parameter = parameter_name(a.env)
        secret = alicloud.oos.SecretParameter(
            f"{name}-registration-token", secret_parameter_name=parameter,
            value=pulumi.Output.secret(a.registration_token), type="Secret",
            description=f"livecommerce {a.env}: GitHub runner registration token (one hour, first boot only)",
            tags=tags, opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["value"]))

        role = alicloud.ram.Role(
            f"{name}-instance-role", role_name=physical,
            assume_role_policy_document=permissions.dumps(permissions.service_trust_policy("ecs.aliyuncs.com")),
            description=f"livecommerce {a.env}: the CI runner host reads its registration token",
            tags=tags, opts=child)
        policy = alicloud.ram.Policy(
            f"{name}-instance-policy", policy_name=physical,
            policy_document=pulumi.Output.from_input(a.account_id).apply(lambda uid: permissions.dumps(
                permissions.runner_policy(account_id=uid, region=a.region, parameter=parameter))),
            description=f"livecommerce {a.env}: CI runner host, registration token only", tags=tags, opts=child)
        attachment = alicloud.ram.RolePolicyAttachment(
            f"{name}-instance-attachment", role_name=role.role_name, policy_name=policy.policy_name,
            policy_type="Custom", opts=child)

        image = alicloud.ecs.get_images_output(
            name_regex=s.image_name_regex, owners="system", most_recent=True, instance_type=s.instance_type,
            opts=pulumi.InvokeOutputOptions(parent=self))
        user_data = cloud_init(env=a.env, region=a.region, repository=a.repository, role_name=physical,
                               parameter=parameter, settings=s)
        instance = alicloud.ecs.Instance(
            f"{name}-host", instance_name=physical, host_name=f"lc-ci-{a.env}-runner",
            description=f"livecommerce {a.env}: self-hosted GitHub Actions runner for {a.repository}",
            instance_type=s.instance_type, image_id=image.images[0].id, vswitch_id=a.vswitch_id,
            security_groups=[group.id], instance_charge_type="PostPaid", internet_max_bandwidth_out=0,
            system_disk_category="cloud_essd", system_disk_size=s.system_disk_gib, system_disk_encrypted=True,
            security_enhancement_strategy="Active", http_tokens="required", http_endpoint="enabled",
            deletion_protection=s.deletion_protection, user_data=user_data, tags=tags, volume_tags=tags,
            # A newer public image must not re-image a registered runner; change it on purpose, by replacement.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["image_id"], depends_on=[secret]))
        alicloud.ecs.RamRoleAttachment(
            f"{name}-instance-role-attachment", instance_id=instance.id, ram_role_name=role.role_name,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment]))

        self.instance_id = instance.id
        self.labels = runner_labels(a.env, s.labels)
        self.register_outputs({"instance_id": self.instance_id, "labels": self.labels})
