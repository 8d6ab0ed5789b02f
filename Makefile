# sohoa — the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/sohoa
DEMO_OUT := out/demo
SHARED ?= ../shared

.PHONY: setup build demo test lint bench model

## Install what is missing (Debian packages, libpdfium.so, Python tools). Idempotent.
setup:
	@bash scripts/setup.sh

build: setup
	$(CARGO) build --release --locked

## Run the main job on the bundled fixtures and say where the output is.
demo: build
	@mkdir -p $(DEMO_OUT)
	@for f in fixtures/scans/*; do \
	  name=$$(basename "$$f"); \
	  $(BIN) ocr "$$f" > "$(DEMO_OUT)/$$name.txt" && echo "ocr  $$f -> $(DEMO_OUT)/$$name.txt"; \
	done
	@echo "demo output: $(DEMO_OUT)/"

## Run every test (unit, CLI end to end, doc tests) with the release profile the demo uses.
test: setup
	$(CARGO) test --release --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --locked -- -D warnings
	$(CARGO) clippy --no-default-features --all-targets --locked -- -D warnings

bench: build
	$(CARGO) bench --locked
