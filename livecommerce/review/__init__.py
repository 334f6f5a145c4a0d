"""Reviewing changes: plan diffs, the PR report, environment divergence and architecture graphs.

Every module here is pure: plans (format v1 dicts) in, data or text out. The CLI wiring, plan
building and file writing live in `livecommerce/commands/review.py`.
"""
