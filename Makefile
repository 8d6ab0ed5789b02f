# sohoa — the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/sohoa
DEMO_OUT := out/demo
SHARED ?= ../shared

.PHONY: setup build demo test test-cluster lint bench model

## Install what is missing (Debian packages, libpdfium.so, Python tools). Idempotent.
setup:
	@bash scripts/setup.sh

build: setup
	$(CARGO) build --release --locked

## Run the main job on the bundled fixtures and say where the output is.
demo: build
	@rm -rf $(DEMO_OUT)
	$(BIN) run fixtures/scans fixtures/legacy-ocr --out $(DEMO_OUT) --progress none --pdf
	@echo "demo output: $(DEMO_OUT)/ (per document a .json record, the .txt text and for scans a .searchable.pdf; run-report.json)"

## Rebuild the repair model from the public corpora in ../shared/corpus (see dictionaries/PROVENANCE.md).
model: build
	@test -d $(SHARED)/corpus || { echo "model: needs the corpora in $(SHARED)/corpus"; exit 1; }
	sh scripts/build_model.sh $(BIN) $(SHARED)/corpus dictionaries

## Run every test (unit, CLI end to end, doc tests) with the release profile the demo uses.
test: setup
	$(CARGO) test --release --locked

## A one-node SLURM cluster on this machine (slurm-wlm, munge): the array recipe over the fixtures
## equals one run, and scancel + requeue loses nothing. Needs root; not part of `make test`.
test-cluster: build
	bash scripts/test_cluster.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	$(CARGO) clippy --no-default-features --all-targets --locked -- -D warnings

bench: build
	$(CARGO) bench --locked
