#!/usr/bin/env bash
# The very first deploy of an environment, before its in-VPC CI runner exists (docs/bootstrap.md, step 4).
#
# Every environment's API server is private, so nothing outside its VPC can apply Kubernetes objects, and
# the runner that can goes into a VPC this deploy creates. So: create the stack's cloud resources only,
# every Kubernetes object left out (the Kubernetes providers and, through --exclude-dependents, everything
# applied through them); then place the runner (bootstrap, `attached: true`) and let deploy.yml apply the
# rest from inside the VPC.
#
#   scripts/first-deploy.sh ENV [extra pulumi up flags, e.g. --yes]
#
# Needs: the Pulumi CLI, PULUMI_BACKEND_URL (the bootstrap's `backendUrl` output), PULUMI_CONFIG_PASSPHRASE,
# credentials for the environment's deploy role (ALIBABA_CLOUD_* and AWS_* for the state bucket), and the
# project installed in .venv (make preview does it). The first-deploy workflow runs this same script.
set -euo pipefail

env="${1:-}"
if [ -z "$env" ]; then
  echo "usage: scripts/first-deploy.sh ENV [pulumi up flags]" >&2
  exit 2
fi
shift
cd "$(dirname "$0")/.."
if [ ! -f "stacks/Pulumi.${env}.yaml" ]; then
  echo "error: stacks/Pulumi.${env}.yaml: no such stack; environments: $(ls stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | tr '\n' ' ')" >&2
  exit 2
fi
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  echo "error: PULUMI_BACKEND_URL is not set; use the bootstrap stack's backendUrl output (docs/bootstrap.md)" >&2
  exit 2
fi

exec pulumi up --stack "$env" --non-interactive \
  --policy-pack policies --policy-pack-config "policies/config/${env}.json" \
  --exclude "urn:pulumi:${env}::livecommerce::pulumi:providers:kubernetes::*" --exclude-dependents \
  "$@"
