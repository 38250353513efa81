# onboard: `make run` runs the job on the bundled example, `make test` runs
# every test. Both install what they need.

GO        ?= go
BIN       := bin/onboard
WORK      := work
# The bundled example is a snapshot of 2026-11-25; pin the clock so the demo
# reads the same on any day. Override: make run EXAMPLE_NOW=2026-12-01T09:00:00+09:00
EXAMPLE_NOW ?= 2026-11-25T09:00:00+09:00
FUZZTIME  ?= 3s

.PHONY: all build image run test deps lint unit fuzz bench example clean docs property corpus

all: build

# `onboard version` prints the module version and commit. The go command
# stamps them from .git (-buildvcs=auto beats a GOFLAGS=-buildvcs=false);
# the -X values are the fallback where it cannot read .git (a git worktree,
# the container image: see `make image`).
VERSION_INFO := $(shell ./scripts/version.sh)
VERSION  ?= $(word 1,$(VERSION_INFO))
REVISION ?= $(word 2,$(VERSION_INFO))
LDFLAGS  := -X onboard/internal/cli.stampedVersion=$(VERSION) -X onboard/internal/cli.stampedRevision=$(REVISION)
IMAGE    ?= onboard

build:
	$(GO) build -trimpath -buildvcs=auto -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/onboard

# The container image (deploy/Dockerfile); .dockerignore keeps .git out of
# the context, so the version and commit come in as build arguments.
image:
	docker build -f deploy/Dockerfile --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) -t $(IMAGE) .

deps:
	$(GO) mod download
	@./scripts/install-deps.sh

run: build
	@mkdir -p $(WORK)
	@cp examples/onboarding.xlsx $(WORK)/onboarding.xlsx
	@echo "== onboard sync on a copy of the bundled example ($(WORK)/onboarding.xlsx)"
	./$(BIN) sync --sheet $(WORK)/onboarding.xlsx --now $(EXAMPLE_NOW)
	@echo "== problems a manager should fix (onboard check)"
	@./$(BIN) check --sheet $(WORK)/onboarding.xlsx --now $(EXAMPLE_NOW) --log-level error || test $$? -eq 3
	@echo "== the weekly report for managers (onboard report)"
	./$(BIN) report --sheet $(WORK)/onboarding.xlsx --now $(EXAMPLE_NOW) --out $(WORK)

test: deps lint unit

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	$(GO) vet ./...
	@$(GO) mod tidy -diff >/dev/null 2>&1 || { echo "go.mod/go.sum are not tidy; run: go mod tidy" >&2; $(GO) mod tidy -diff; exit 1; }

unit:
	$(GO) test -count=1 -timeout 15m ./...

# `make test` runs every fuzz target's seeds and saved findings; this
# fuzzes each for FUZZTIME (parsers must never panic). A finding
# is saved under the package's testdata/fuzz and fails every later run; a
# run that failed without leaving one (the fuzzing engine's own trouble on
# a loaded machine) is shown and run again, and only its second failure
# fails the target.
FUZZ_TARGETS := \
	./internal/parse:FuzzHeader ./internal/parse:FuzzYesNo ./internal/parse:FuzzDate \
	./internal/parse:FuzzClientID ./internal/parse:FuzzEmail ./internal/matrix:FuzzParseCSV ./internal/contract:FuzzPlainEmail \
	./internal/fakesheets:FuzzParseA1 ./internal/fakesheets:FuzzUserEntered ./internal/gsheets:FuzzDecodeBatchGet \
	./internal/xlsxbook:FuzzSheetXML ./internal/xlsxbook:FuzzSharedStrings ./internal/xlsxbook:FuzzStyles \
	./internal/xlsxbook:FuzzWorkbookXML ./internal/xlsxbook:FuzzRelationships ./internal/xlsxbook:FuzzPlainCells

fuzz:
	@set -e; log=$$(mktemp); trap 'rm -f $$log' EXIT; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		if ! $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg >$$log 2>&1; then \
			cat $$log; \
			if [ -n "$$(git status --porcelain -- $$pkg/testdata/fuzz 2>/dev/null)" ]; then exit 1; fi; \
			echo "fuzz $$name failed without a finding; running it again"; \
			$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
		fi; \
	done

# corpus: every workbook of testdata/corpus (MANIFEST.tsv) through init,
# the example's clients appended, sync, sync again, check and report, each
# on a copy; per file the result and seconds, and a last line of counts.
# Checks the zip entries the job does not own byte by byte, the other tabs
# through openpyxl (testdata/corpus_compare.py), and that LibreOffice
# converts the synced file where it converted the original. `make test`
# runs 15 of the files, without LibreOffice.
corpus:
	@./scripts/install-deps.sh --corpus
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	ONBOARD_CORPUS=all $(GO) test -count=1 -timeout 60m -run '^TestCorpus$$' -v ./cmd/onboard >$$log 2>&1; rc=$$?; \
	grep -v '^corpus: ' $$log; grep '^corpus: ' $$log | tail -1; exit $$rc

# The property test over random workbooks: `make test` runs 200 from a
# fixed seed; this runs PROPERTY_N from a new seed (printed, and printed
# again with any failure to replay it).
PROPERTY_N    ?= 5000
PROPERTY_SEED ?= $(shell date +%s)
property:
	@echo "property: $(PROPERTY_N) workbooks from seed $(PROPERTY_SEED)"
	ONBOARD_PROPERTY_N=$(PROPERTY_N) ONBOARD_PROPERTY_SEED=$(PROPERTY_SEED) \
		$(GO) test -count=1 -timeout 0 -run '^TestPropertyRandomWorkbooks$$' -v ./internal/job

# bench-fleet: 500 sheets of 200–400 clients on one service account against
# the fake Sheets API with Google's default quota, every sheet's job
# (onboard sync through the binary's entry point, in-process, over HTTP)
# started by the same */30 schedule, first with --spread 25m, then
# without; time compressed 10× (quota window 6 s), two periods each. About
# 13 minutes. Its last line is the fleet's figures with --spread (README:
# "How many sheets per service account"). ONBOARD_FLEET_SHEETS,
# ONBOARD_FLEET_ROUNDS and ONBOARD_FLEET_SPEEDUP change the setup.
.PHONY: bench-fleet
bench-fleet:
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	$(GO) test -tags fleet -count=1 -run '^TestFleet$$' -v -timeout 60m ./cmd/onboard >$$log 2>&1; rc=$$?; \
	grep -v '^fleet: ' $$log; grep '^fleet: ' $$log | tail -1; exit $$rc

bench:
	@./scripts/install-deps.sh --bench
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1x -timeout 90m ./...

example:
	$(GO) run ./cmd/genexample --out examples/onboarding.xlsx

# docs/*.png: what a manager sees, as LibreOffice renders it, after
# `make run`: the 申込 and セッション準備 tabs of the synced example (the
# sync's widths, wrap, row heights, colours and dates), and every tab of
# the weekly report. scripts/docs-sheet.py gives each tab its own A3 page
# of the rows and columns that fit it (the first clients of 申込 and
# クライアント一覧); the report's サマリー and リードタイム, whose charts it
# would drop, print as the report lays them out. Installs LibreOffice
# Calc, poppler-utils, openpyxl and the Noto CJK fonts when missing
# (apt-get, as root).
DOCS_TMP := $(WORK)/docs
REPORT_TABS := クライアント一覧=21 今週のセッション=0 残作業=0 オペレーター別=0 データの問題=0
REPORT_PAGES := 1:docs/report-clients 2:docs/report-sessions 3:docs/report-open-works \
	4:docs/report-operators 5:docs/report-problems
docs: build
	@missing=""; \
	command -v libreoffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	/usr/bin/python3 -c "import openpyxl" 2>/dev/null || missing="$$missing python3-openpyxl"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" -ne 0 ]; then echo "docs: missing$$missing; run: sudo apt-get install -y$$missing" >&2; exit 1; fi; \
		echo "docs: installing$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@rm -rf $(DOCS_TMP) && mkdir -p $(DOCS_TMP) docs
	cp examples/onboarding.xlsx $(DOCS_TMP)/onboarding.xlsx
	./$(BIN) sync --sheet $(DOCS_TMP)/onboarding.xlsx --now $(EXAMPLE_NOW) --log-level warn >/dev/null
	/usr/bin/python3 scripts/docs-sheet.py $(DOCS_TMP)/onboarding.xlsx $(DOCS_TMP)/sheet.xlsx 申込=16 セッション準備=6
	./$(BIN) report --sheet $(DOCS_TMP)/onboarding.xlsx --now $(EXAMPLE_NOW) --out $(DOCS_TMP) --log-level warn
	mv $(DOCS_TMP)/onboard-weekly-*.xlsx $(DOCS_TMP)/report.xlsx
	/usr/bin/python3 scripts/docs-sheet.py $(DOCS_TMP)/report.xlsx $(DOCS_TMP)/report-tabs.xlsx $(REPORT_TABS)
	libreoffice -env:UserInstallation=file://$(abspath $(DOCS_TMP))/profile --headless \
		--convert-to pdf --outdir $(DOCS_TMP) $(DOCS_TMP)/sheet.xlsx $(DOCS_TMP)/report.xlsx $(DOCS_TMP)/report-tabs.xlsx >/dev/null 2>&1
	/usr/bin/python3 scripts/docs-render.py $(DOCS_TMP)/sheet.pdf 150 1:docs/sheet-applications 2:docs/sheet-prep
	/usr/bin/python3 scripts/docs-render.py $(DOCS_TMP)/report.pdf 220 1:docs/report-summary 2:docs/report-leadtime
	/usr/bin/python3 scripts/docs-render.py $(DOCS_TMP)/report-tabs.pdf 150 $(REPORT_PAGES)

# demo-google runs the same job through the Google Sheets backend: it
# starts cmd/fakesheets (the fake Sheets API, in memory, seeded from the
# bundled example, which is never modified), syncs and checks the
# spreadsheet with --sheets-endpoint, then stops the server.
FAKESHEETS := bin/fakesheets
.PHONY: demo-google
demo-google: build
	$(GO) build -trimpath -o $(FAKESHEETS) ./cmd/fakesheets
	@mkdir -p $(WORK)
	@set -e; addr=$(WORK)/fakesheets.addr; rm -f $$addr; \
	./$(FAKESHEETS) --load examples/onboarding.xlsx --title onboarding > $$addr & pid=$$!; \
	trap 'kill $$pid 2>/dev/null || true; wait $$pid 2>/dev/null || true; rm -f $$addr' EXIT; \
	for i in $$(seq 100); do \
		[ "$$(wc -l < $$addr)" -ge 1 ] && break; \
		kill -0 $$pid 2>/dev/null || { echo "demo-google: fakesheets did not start" >&2; exit 1; }; \
		sleep 0.1; \
	done; \
	read url id < $$addr || { echo "demo-google: fakesheets printed no address" >&2; exit 1; }; \
	echo "== onboard sync through the Google Sheets backend (fake Sheets API at $$url, spreadsheet $$id)"; \
	echo "./$(BIN) sync --sheet $$id --sheets-endpoint $$url --now $(EXAMPLE_NOW)"; \
	./$(BIN) sync --sheet $$id --sheets-endpoint $$url --now $(EXAMPLE_NOW); \
	echo "== problems a manager should fix (onboard check)"; \
	./$(BIN) check --sheet $$id --sheets-endpoint $$url --now $(EXAMPLE_NOW) --log-level error || test $$? -eq 3

clean:
	rm -rf bin $(WORK)
