"""The bootstrap composition root: reads the stack's config and wires the delivery block.

Read top to bottom, this is what an account needs before the platform's first `pulumi up`:
state backend (OSS) -> GitHub Actions OIDC provider -> per environment: CI roles (deploy, read-only)
-> per environment whose stack exists: the runner host in its VPC.
`bootstrap/__main__.py` (under `pulumi up`) and the offline engine (`livecommerce preview main
--project-dir bootstrap`) both call `program()`.
"""

from __future__ import annotations

import pulumi
import pulumi_alicloud as alicloud

from bootstrap.config import CONFIG_KEY, NAMESPACE, REGION_KEY, ConfigError, parse_bootstrap
from components.delivery.ci_identity import CiRoles, CiRolesArgs, GithubOidc, GithubOidcArgs, read_environment
from components.delivery.ci_runner import CiRunner, CiRunnerArgs
from components.delivery.permissions import PLATFORM_SERVICES
from components.delivery.state_backend import StateBackend, StateBackendArgs


def program() -> None:
    """Build the bootstrap stack of one cloud account."""
    stack = pulumi.get_stack()
    source = f"bootstrap/Pulumi.{stack}.yaml"
    region = pulumi.Config("alicloud").get("region")
    if not region:
        raise pulumi.RunError(f"{source}: {REGION_KEY}: required; run `pulumi config set alicloud:region cn-hangzhou`")
    raw = pulumi.Config(NAMESPACE).get("bootstrap")
    if raw is None:
        raise pulumi.RunError(f"{source}: {CONFIG_KEY}: required; see bootstrap/bootstrap.schema.json")
    try:
        cfg = parse_bootstrap(raw)
    except ConfigError as exc:
        raise pulumi.RunError("\n".join(f"{source}: {line}" for line in exc.lines)) from None

    # One explicit provider: credentials come from the standard ALIBABA_CLOUD_* variables (an admin's
    # session for the first run), never from config or code.
    provider = alicloud.Provider(f"{stack}-alicloud", region=region)
    cloud = pulumi.ResourceOptions(providers=[provider])
    account = alicloud.get_account_output(opts=pulumi.InvokeOutputOptions(provider=provider))

    # 1. State backend: the bucket every stack's state lives in (this stack's too, once migrated).
    state = StateBackend(f"{stack}-state", StateBackendArgs(
        region=region, account_id=account.id, settings=cfg.state, tags=cfg.common_tags(stack)), opts=cloud)

    # 2. GitHub Actions OIDC: RAM trusts tokens of GitHub's issuer for the sts.aliyuncs.com audience.
    oidc = GithubOidc(f"{stack}-github-oidc", GithubOidcArgs(settings=cfg.github), opts=cloud)

    roles: dict[str, CiRoles] = {}
    runners: dict[str, CiRunner] = {}
    for env, ci in cfg.environments.items():
        # 3. Per environment: the deploy role (GitHub environment ENV) and the read-only role (ENV-read).
        roles[env] = CiRoles(f"{stack}-ci-{env}", CiRolesArgs(
            env=env, region=region, account_id=account.id, github=cfg.github, provider_arn=oidc.provider_arn,
            name_prefix=ci.prefix(env), services=PLATFORM_SERVICES, state_bucket=state.bucket,
            tags=cfg.common_tags(env)), opts=cloud)
        if env not in cfg.runners():
            continue
        # 4. The runner host inside the environment's VPC, placed from its stack's outputs.
        platform = pulumi.StackReference(f"{stack}-platform-{env}", stack_name=ci.stack_reference(env))
        token = pulumi.Config(NAMESPACE).get_secret(ci.token_key(env))
        if token is None:
            raise pulumi.RunError(f"{NAMESPACE}:{ci.token_key(env)} is not set; run `gh api -X POST "
                                  f"repos/{cfg.github.repository}/actions/runners/registration-token --jq .token | "
                                  f"pulumi config set --secret {NAMESPACE}:{ci.token_key(env)}`")
        runners[env] = CiRunner(f"{stack}-ci-{env}-runner", CiRunnerArgs(
            env=env, region=region, account_id=account.id, repository=cfg.github.repository, settings=ci.runner,
            vpc_id=platform.require_output("vpcId"),
            vswitch_id=platform.require_output("nodeVswitchIds").apply(lambda ids: ids[0]),
            registration_token=pulumi.Output.secret(token), tags=cfg.common_tags(env)), opts=cloud)

    pulumi.export("region", region)
    pulumi.export("stateBucket", state.bucket)
    pulumi.export("backendUrl", state.backend_url)
    pulumi.export("backendUrlInternal", state.internal_backend_url)
    pulumi.export("oidcProviderArn", oidc.provider_arn)
    pulumi.export("roles", {env: {"deploy": r.deploy_role_arn, "read": r.read_role_arn} for env, r in roles.items()})
    pulumi.export("runners", {env: r.labels for env, r in runners.items()})
    # What the workflows read (`gh variable set`, docs/bootstrap.md): repository variables, and per
    # GitHub environment the role its jobs assume.
    pulumi.export("githubVariables", {
        "repository": {"LIVECOMMERCE_STATE_URL": state.backend_url,
                       "LIVECOMMERCE_OIDC_PROVIDER_ARN": oidc.provider_arn,
                       **{f"LIVECOMMERCE_RUNNER_{env.upper().replace('-', '_')}": pulumi.Output.json_dumps(r.labels)
                          for env, r in runners.items()}},
        "environments": {
            **{env: {"LIVECOMMERCE_ROLE_ARN": r.deploy_role_arn} for env, r in roles.items()},
            **{read_environment(env): {"LIVECOMMERCE_ROLE_ARN": r.read_role_arn} for env, r in roles.items()},
        },
    })
