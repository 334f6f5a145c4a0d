"""The bootstrap project: a second Pulumi project (bootstrap/Pulumi.yaml), one stack per cloud account.

Its own config model (bootstrap/config.py) and composition root (bootstrap/program.py) play, for this
project, the part stacks/ plays for the platform; its components live in components/delivery/.
See docs/bootstrap.md and docs/decisions/2026-12-01-bootstrap-project.md.
"""
