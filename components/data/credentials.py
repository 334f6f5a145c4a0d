"""Generated credentials: one password per (service, product account), generated in the program
(`random.RandomPassword`), kept in KMS Secrets Manager (`kms.Secret`, generic, JSON `{username, password}`).

The password is a secret Output end to end: Pulumi stores it encrypted in the state, it never enters the
config, the plan (`[secret]`), logs or reports; the product accounts receive it from the Output, and the
pods get it from the KMS secret through ack-secret-manager (`sync.py`), never through Pulumi.

Rotation: `data.secrets.password_version` is a keeper of every password and the KMS secret's `version_id`:
raising it generates new passwords, changes the accounts and puts a new secret version (PutSecretValue),
which ack-secret-manager copies into the cluster within its polling interval. Generic secrets cannot rotate
themselves (CreateSecret: "When SecretType is set to Generic, automatic rotation is not supported").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud
import pulumi_random as random

from components.naming import Naming
from components.data.plan import Credential, secret_name

#: Characters Tair and PolarDB accept in passwords besides letters and digits (kvstore/polardb account docs:
#: `!@#$%^&*()_+-=`); both want 8-32 characters of at least three classes.
SPECIAL = "!@#$%^&*()_+-="
PASSWORD_LENGTH = 24


def password_args(product: str, version: int) -> dict[str, object]:
    """Arguments of the `random.RandomPassword` of one account.

    RocketMQ's account password rules are not published in the OpenAPI model, so its passwords are letters and
    digits only (accepted by every rule set we know); Tair and PolarDB get all four classes."""
    args: dict[str, object] = {
        "length": PASSWORD_LENGTH, "min_upper": 2, "min_lower": 2, "min_numeric": 2,
        # A new version number is a new password (and a new KMS secret version).
        "keepers": {"version": str(version)},
    }
    if product == "queue":
        args.update(special=False)
    else:
        args.update(special=True, override_special=SPECIAL, min_special=2)
    return args


@dataclass(frozen=True, kw_only=True)
class CredentialsArgs:
    """Inputs of the Credentials component."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    credentials: Sequence[Credential]
    """Every account to generate a password for (`plan.credentials`)."""
    password_version: int = 1
    """`data.secrets.password_version`."""
    kms_instance_id: str | None = None
    """KMS instance for the secrets and their key (KMS 3.0); None = the shared Secrets Manager."""
    recovery_window_days: int = 30
    """Days a deleted secret stays restorable."""
    protect: bool = True
    """Pulumi `protect` on the secrets and their key."""
    tags: Mapping[str, str] = field(default_factory=dict)


class Credentials(pulumi.ComponentResource):
    """A generated password and a KMS secret per account (and, in a KMS instance, the key that encrypts them)."""

    passwords: dict[str, pulumi.Output[str]]
    """The generated password by credential key (`order-database`), always a secret Output."""
    secret_names: dict[str, str]
    """The KMS secret name by credential key (what ExternalSecrets name as `key`)."""
    secret_arns: dict[str, pulumi.Output[str]]
    """The KMS secret ARN by credential key (the sync role's policy)."""
    key_id: pulumi.Output[str] | None
    """The KMS key the secrets are encrypted with, when the stack creates one (KMS instance)."""

    def __init__(self, name: str, args: CredentialsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:Credentials", name, None, opts)
        keep = pulumi.ResourceOptions(parent=self, protect=args.protect)
        tags = dict(args.tags)
        self.key_id = None
        if args.kms_instance_id is not None:
            # In a KMS instance the secret and its key must belong to the same instance (CreateSecret docs).
            key = alicloud.kms.Key(
                f"{name}-key", description=f"{args.naming.title}: data-layer credentials",
                dkms_instance_id=args.kms_instance_id, key_spec="Aliyun_AES_256", key_usage="ENCRYPT/DECRYPT",
                automatic_rotation="Enabled", rotation_interval="365d", pending_window_in_days=30,
                deletion_protection="Enabled" if args.protect else "Disabled", tags=tags, opts=keep)
            self.key_id = key.id
        self.passwords, self.secret_names, self.secret_arns = {}, {}, {}
        for cred in args.credentials:
            password = random.RandomPassword(
                f"{name}-{cred.key}-password", **password_args(cred.product, args.password_version),  # type: ignore[arg-type]
                opts=pulumi.ResourceOptions(parent=self))
            value = pulumi.Output.secret(password.result)
            document = pulumi.Output.json_dumps({"username": cred.username, "password": value})
            sname = secret_name(args.naming, cred.service, cred.product)
            secret = alicloud.kms.Secret(
                f"{name}-{cred.key}", secret_name=sname, secret_type="Generic", secret_data_type="text",
                secret_data=pulumi.Output.secret(document), version_id=f"v{args.password_version}",
                description=f"{args.naming.title}: {cred.product} account {cred.username} of {cred.service}",
                dkms_instance_id=args.kms_instance_id, encryption_key_id=self.key_id,
                recovery_window_in_days=args.recovery_window_days, force_delete_without_recovery=False,
                tags={**tags, "service": cred.service}, opts=keep)
            self.passwords[cred.key] = value
            self.secret_names[cred.key] = sname
            self.secret_arns[cred.key] = secret.arn
        self.register_outputs({"secret_names": self.secret_names, "secret_arns": self.secret_arns})
