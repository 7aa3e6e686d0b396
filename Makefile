# The two commands of the README: `make demo` and `make test`.
# Both install what is missing (Debian packages), build in release, then run.
SWIFT ?= swift
DEBIAN_PACKAGES := libzstd-dev libopenblas-dev zlib1g-dev pkg-config
PKG_CONFIG_MODULES := libzstd openblas zlib
RELEASE_BIN := .build/release/sz-nn
DEMO_DIR := .build/demo

.PHONY: all deps build demo test client install uninstall bench clean fuzz fuzz-smoke fuzz-build

all: build

## deps: install the system libraries through apt-get when root; otherwise print the command and stop.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for module in $(PKG_CONFIG_MODULES); do \
	  pkg-config --exists $$module 2>/dev/null || missing="$$missing $$module"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "missing system libraries:$$missing"; \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES)) || exit 1; \
	  else \
	    echo "run: sudo apt-get install -y $(DEBIAN_PACKAGES)"; exit 1; \
	  fi; \
	fi

## build: the release binary.
build: deps
	$(SWIFT) build -c release --product sz-nn

## demo: the main job on the embedded default: learn per-layer bounds for LeNet-5 so that
## validation top-1 drops by at most 0.5 pp, write the .sznn, check every bound, evaluate it.
demo: build
	@mkdir -p $(DEMO_DIR)
	$(RELEASE_BIN) compress --target-acc-loss 0.5 -o $(DEMO_DIR)/lenet5.sznn
	$(RELEASE_BIN) inspect $(DEMO_DIR)/lenet5.sznn
	$(RELEASE_BIN) verify Data/models/lenet5.safetensors $(DEMO_DIR)/lenet5.sznn
	$(RELEASE_BIN) eval --model Configs/models/lenet5.json --weights $(DEMO_DIR)/lenet5.sznn --data Data/mnist

## test: build in release, then the whole test suite.
test: build
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## client: build and run Examples/client, a separate package that depends on this one by path
## and runs the README's training-loop example (the library products are usable as dependencies).
client: deps
	cd Examples/client && $(SWIFT) run client

## install: the release binary to $(PREFIX)/bin and the embedded defaults (demo models, their
## architectures, MNIST) to $(PREFIX)/share/sz-nn, where the binary finds them from any folder.
PREFIX ?= /usr/local
SHARE_DIR := $(PREFIX)/share/sz-nn
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHARE_DIR)/Data/models $(DESTDIR)$(SHARE_DIR)/Data/mnist $(DESTDIR)$(SHARE_DIR)/Configs/models
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/sz-nn
	install -m 644 Data/models/*.safetensors Data/models/README.md $(DESTDIR)$(SHARE_DIR)/Data/models
	install -m 644 Data/mnist/* $(DESTDIR)$(SHARE_DIR)/Data/mnist
	install -m 644 Configs/models/*.json $(DESTDIR)$(SHARE_DIR)/Configs/models
	@echo "installed $(DESTDIR)$(PREFIX)/bin/sz-nn (defaults in $(DESTDIR)$(SHARE_DIR))"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sz-nn
	rm -rf $(DESTDIR)$(SHARE_DIR)

## bench: the benchmarks of Benchmarks/ (results are committed there).
bench: build
	bash Benchmarks/core/run.sh

clean:
	rm -rf .build .build-fuzz $(DEMO_DIR)

## fuzz: libFuzzer over every reader of untrusted bytes (.sznn with all backends, safetensors,
## .npz, .npy, ONNX; Tests/SZNNFuzz/README.md) for FUZZ_SECONDS, seeded from Tests/Fixtures;
## a finding is written to .build-fuzz/findings and the run stops with a non-zero status.
FUZZ_SECONDS ?= 300
FUZZ_RUNS ?= 1000000
FUZZ_BIN := .build-fuzz/release/SZNNFuzz
FUZZ_FLAGS := -rss_limit_mb=1024 -timeout=10 -artifact_prefix=.build-fuzz/findings/ -print_final_stats=1
fuzz: fuzz-build
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) .build-fuzz/corpus

## fuzz-smoke: the same fuzzer for a fixed seed and FUZZ_RUNS inputs (deterministic; CI runs it).
fuzz-smoke: fuzz-build
	$(FUZZ_BIN) -seed=1 -runs=$(FUZZ_RUNS) $(FUZZ_FLAGS) .build-fuzz/corpus

# The instrumented build lives in its own scratch folder so it never invalidates the normal one.
fuzz-build: deps
	$(SWIFT) build -c release --scratch-path .build-fuzz --product SZNNFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
	@mkdir -p .build-fuzz/corpus .build-fuzz/findings
	@find Tests/Fixtures -type f ! -name '*.py' ! -name '*.md' ! -name '*.json' \
	  -exec sh -c 'cp "$$1" ".build-fuzz/corpus/$$(echo "$$1" | tr / _)"' _ {} \;
