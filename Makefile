# anxun (安巡). Two commands: `make run` and `make test`. Both install what is
# missing first (Debian packages, a Node >= 20, npm packages), then build.

SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
DATA ?= ./data
export PATH := $(CURDIR)/.tools/node/bin:$(PATH)

.PHONY: all deps build cxx web run test test-unit test-web test-api test-browser bench clean format

all: build

deps: .stamp-deps
.stamp-deps: scripts/install-deps.sh
	@scripts/install-deps.sh
	@touch $@

$(BUILD)/build.ninja: CMakeLists.txt | deps
	@echo "==> cmake: configuring $(BUILD)"
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

cxx: $(BUILD)/build.ninja
	@echo "==> c++: building (ninja -j$(JOBS))"
	@cmake --build $(BUILD) -j $(JOBS)

web/node_modules/.stamp: web/package-lock.json | deps
	@echo "==> web: npm ci"
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/package.json web/vite.config.ts $(wildcard web/tsconfig*.json)

web: web/dist/index.html
web/dist/index.html: $(WEB_SOURCES) web/node_modules/.stamp
	@echo "==> web: vite build"
	@cd web && npm run --silent build

build: cxx web

run: build
	@$(BUILD)/anxun serve --demo --data $(DATA)

tests/browser/node_modules/.stamp: tests/browser/package-lock.json | deps
	@echo "==> browser tests: npm ci"
	@cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test-unit: cxx
	@echo "==> tests: C++ unit tests"
	@BUILD=$(BUILD) scripts/test-unit.sh

test-api: build
	@echo "==> tests: API over HTTP (SQLite and PostgreSQL)"
	@scripts/test-api.sh

test-web: web/node_modules/.stamp
	@echo "==> tests: web unit tests (vitest)"
	@cd web && npm test --silent

test-browser: build tests/browser/node_modules/.stamp
	@echo "==> tests: browser (Chromium)"
	@scripts/test-browser.sh

test: build tests/browser/node_modules/.stamp
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-web
	@$(MAKE) --no-print-directory test-api
	@$(MAKE) --no-print-directory test-browser
	@echo "==> all tests passed"

bench: build
	@bench/run.sh
	@command -v prometheus-alertmanager >/dev/null || apt-get install -y prometheus-alertmanager
	@python3 bench/alerts.py

format:
	@clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.h')

clean:
	@rm -rf $(BUILD) web/dist .stamp-deps
