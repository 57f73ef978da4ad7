# feedpub: every target creates .venv when missing and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: serve build test golden lint typecheck format clean bench bench-peers bench-alternatives bench-tools fuzz soak lock upgrade-lock

# Every runtime, test and build dependency comes from the lock, requirements.lock: pinned, with hashes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

LOCK_FLAGS := --generate-hashes --universal --python-version 3.11 --quiet
lock: $(STAMP)  ## add what pyproject.toml newly declares to the locks (pins that still fit stay), then install
	$(BIN)/uv pip compile pyproject.toml requirements-build.in --extra test $(LOCK_FLAGS) $(UPGRADE) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra fuzz -c requirements.lock $(LOCK_FLAGS) -o requirements-fuzz.lock
	$(BIN)/uv pip compile pyproject.toml requirements-build.in --extra test -c requirements.lock $(LOCK_FLAGS) --format pylock.toml -o pylock.toml
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock

upgrade-lock:  ## move every pin to the newest version pyproject.toml's ranges allow; then make test, read the diff
	$(MAKE) lock UPGRADE=--upgrade

serve: $(STAMP)  ## build, then serve feeds/ on http://127.0.0.1:8080/ and rescan posts/ on a schedule
	$(BIN)/feedpub serve

build: $(STAMP)  ## turn posts/ into feeds/ with config.yaml
	$(BIN)/feedpub build

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest -q

GOLDEN_TESTS := tests/read/test_golden_posts.py tests/render/test_golden_feeds.py
golden: $(STAMP)  ## rewrite the golden files (tests/golden/: posts, feeds) from the current code, then check them; read the diff
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q $(GOLDEN_TESTS)
	$(BIN)/python -m pytest -q $(GOLDEN_TESTS)

FUZZ_SECONDS ?= 60
soak: $(STAMP)  ## the reliability tests at full size: kill -9 over many rebuilds, 100 readers for 30 s, longer fuzzing
	FEEDPUB_CRASH_RUNS=40 FEEDPUB_CRASH_POSTS=1500 FEEDPUB_LOAD_SECONDS=30 FEEDPUB_FUZZ_EXAMPLES=2000 \
	  $(BIN)/python -m pytest -q -s tests/publish/test_crash.py tests/serve/test_load.py tests/service/test_reliability.py tests/test_fuzz.py

FUZZ_CORPUS  ?= $(VENV)/fuzz-corpus
fuzz: $(STAMP)  ## coverage-guided fuzzing of one post file through the whole pipeline (atheris), FUZZ_SECONDS long
	$(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/python -m pip install --quiet --require-hashes -r requirements-fuzz.lock
	mkdir -p $(FUZZ_CORPUS)
	$(BIN)/python tests/fuzz/fuzz_post.py -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=4096 \
	  -artifact_prefix=$(FUZZ_CORPUS)/crash- $(FUZZ_CORPUS) tests/fuzz/seeds

bench-tools:  ## wrk and nginx from Debian, for the serving figures
	@command -v wrk >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx; } || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx-light >/dev/null; }

bench: $(STAMP) bench-tools  ## the speed table (BENCH_POSTS=100000 for the big run)
	$(BIN)/python bench/run.py

bench-peers: $(STAMP) bench-tools  ## the same, with Hugo building the same corpus, and the ratios
	$(BIN)/python bench/run.py --peers

bench-alternatives: $(STAMP) bench-tools  ## each hand-written part against the library way (5 % rule), 10 000 posts
	$(BIN)/python bench/alternatives.py

lint: $(STAMP)  ## ruff (style and lint) and mypy (strict types over src/)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .feedpub
	find feeds -mindepth 1 ! -name .gitkeep -delete
