"""GitHub Actions OIDC on RAM: the account's OIDC provider, and per environment a deploy and a read-only role.

    GitHub job (environment ENV)  --OIDC token (sub repo:OWNER/REPO:environment:ENV)-->  RAM OIDC provider
    --AssumeRoleWithOIDC-->  livecommerce-ci-ENV-deploy   (pulumi up of stack ENV)
    job in environment ENV-read  -->  livecommerce-ci-ENV-read  (pull-request previews, drift)

No AccessKey exists anywhere: each job gets credentials for one hour, for one role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.delivery import permissions
from components.delivery.settings import GithubSettings

PLATFORM_PROJECT = "livecommerce"


def ci_role_name(env: str, kind: str) -> str:
    """`livecommerce-ci-<env>-<kind>`: outside the environment's own name prefix, so the deploy role (which
    manages `livecommerce-<env>-*` roles) can never rewrite its own trust or permissions."""
    return f"livecommerce-ci-{env}-{kind}"


def read_environment(env: str) -> str:
    """The GitHub environment whose jobs may use the read-only role of `env`."""
    return f"{env}-read"


@dataclass(frozen=True, kw_only=True)
class GithubOidcArgs:
    """Inputs of the GithubOidc component."""

    settings: GithubSettings


class GithubOidc(pulumi.ComponentResource):
    """The RAM OIDC identity provider for GitHub Actions tokens (one per account)."""

    provider_arn: pulumi.Output[str]
    """ARN of the OIDC provider (`acs:ram::<account>:oidc-provider/<name>`)."""

    def __init__(self, name: str, args: GithubOidcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:delivery:GithubOidc", name, None, opts)
        s = args.settings
        provider = alicloud.ims.OidcProvider(
            f"{name}-provider", oidc_provider_name=s.provider_name, issuer_url=s.issuer_url,
            client_ids=list(s.client_ids), fingerprints=list(s.fingerprints),
            description=f"GitHub Actions of {s.repository}: deploys and reviews of livecommerce",
            opts=pulumi.ResourceOptions(parent=self))
        self.provider_arn = provider.arn
        self.register_outputs({"provider_arn": self.provider_arn})


@dataclass(frozen=True, kw_only=True)
class CiRolesArgs:
    """Inputs of the CiRoles component (one environment)."""

    env: str
    region: str
    account_id: pulumi.Input[str]
    github: GithubSettings
    provider_arn: pulumi.Input[str]
    """The GitHub OIDC provider's ARN."""
    name_prefix: str
    """Physical-name prefix of the environment's RAM roles, policies and buckets."""
    services: Sequence[str]
    """RAM services the environment's stack calls (permissions.services_of its resource types)."""
    state_bucket: pulumi.Input[str]
    tags: Mapping[str, str]


class CiRoles(pulumi.ComponentResource):
    """The deploy role and the read-only role of one environment, each trusting one GitHub environment."""

    deploy_role_arn: pulumi.Output[str]
    """Role `pulumi up` of the environment runs as (GitHub environment `<env>`)."""
    read_role_arn: pulumi.Output[str]
    """Role previews and drift checks run as (GitHub environment `<env>-read`)."""

    def __init__(self, name: str, args: CiRolesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:delivery:CiRoles", name, None, opts)
        a = args
        scope = dict(region=a.region, name_prefix=a.name_prefix, services=list(a.services),
                     project=PLATFORM_PROJECT, stack=a.env)
        documents = pulumi.Output.all(a.account_id, a.state_bucket).apply(
            lambda v: {"deploy": permissions.deploy_policies(account_id=v[0], state_bucket=v[1], **scope),
                       "read": permissions.read_policy(account_id=v[0], state_bucket=v[1], **scope)})
        # How many deploy documents RAM's size limit needs does not depend on the Outputs (account ids
        # have 16 digits; the state bucket is in `identity` alone), so the policies exist at program time.
        parts = list(permissions.deploy_policies(account_id="0" * 16, state_bucket="state", **scope))
        deploy = self._role(name, "deploy", a.env, a, {
            part: documents.apply(lambda d, part=part: d["deploy"][part]) for part in parts})
        read = self._role(name, "read", read_environment(a.env), a, {"": documents.apply(lambda d: d["read"])})
        self.deploy_role_arn = deploy.arn
        self.read_role_arn = read.arn
        self.register_outputs({"deploy_role_arn": self.deploy_role_arn, "read_role_arn": self.read_role_arn})

    def _role(self, name: str, kind: str, github_environment: str, a: CiRolesArgs,
              documents: dict[str, pulumi.Output[dict]]) -> alicloud.ram.Role:
        child = pulumi.ResourceOptions(parent=self)
        role_name = ci_role_name(a.env, kind)
        subject = permissions.oidc_subject(a.github.repository, github_environment)
        trust = pulumi.Output.from_input(a.provider_arn).apply(lambda arn: permissions.dumps(
            permissions.github_trust_policy(arn, subject, issuer=a.github.issuer_url,
                                            audience=a.github.client_ids[0])))
        role = alicloud.ram.Role(
            f"{name}-{kind}-role", role_name=role_name, assume_role_policy_document=trust,
            max_session_duration=a.github.session_seconds,
            description=f"livecommerce {a.env}: GitHub Actions of {a.github.repository} in environment "
                        f"{github_environment} ({'pulumi up' if kind == 'deploy' else 'read-only: previews, drift'})",
            tags=dict(a.tags), opts=child)
        for part, document in documents.items():
            suffix = f"-{part}" if part else ""
            policy = alicloud.ram.Policy(
                f"{name}-{kind}{suffix}-policy", policy_name=f"{role_name}{suffix}",
                policy_document=document.apply(permissions.dumps),
                description=f"livecommerce {a.env}: what CI's {kind} role may do"
                            + (f" ({part})" if part else ""),
                tags=dict(a.tags), opts=child)
            alicloud.ram.RolePolicyAttachment(
                f"{name}-{kind}{suffix}-attachment", role_name=role.role_name, policy_name=policy.policy_name,
                policy_type="Custom", opts=child)
        return role
