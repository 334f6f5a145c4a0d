"""Delivery: what must exist before the platform's first `pulumi up` and what CI deploys it with.

The Pulumi state backend (an OSS bucket), GitHub Actions OIDC on RAM (one provider, per environment a
deploy role and a read-only role), and the CI runner host inside an environment's VPC. The bootstrap
project (bootstrap/) composes these; see docs/bootstrap.md.
"""
