# turnout — see README.md.  `make run` and `make test` are the two commands.

PKGS      := libmicrohttpd jansson sqlite3 zlib libsodium liboath libcurl libcrypto libcmark \
             librsvg-2.0 cairo-pdf libqrencode libxml-2.0 gdk-pixbuf-2.0 poppler-glib libpq
DEB_PKGS  := build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev \
             libsodium-dev liboath-dev libcurl4-openssl-dev libssl-dev \
             zlib1g-dev libcmocka-dev libcmark-dev librsvg2-dev libcairo2-dev libqrencode-dev \
             libxml2-dev libgdk-pixbuf-2.0-dev libpoppler-glib-dev libpq-dev fonts-dejavu-core
TEST_DEBS := chromium sqlite3 python3 python3-dateutil tzdata poppler-utils postgresql-15 haproxy pgbouncer
BENCH_DEBS:= wrk postgresql-15 haproxy pgbouncer

CC       ?= cc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wcast-qual -Wformat=2 -Wvla
CPPFLAGS += -std=c17 -D_GNU_SOURCE -Isrc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

BUILD    ?= build
DB       ?= var/turnout.db
PORT     ?= 8080

# the core, every feature (each folder under src/), the routes; main.c is the program
LIB_SRC := $(sort $(wildcard src/*/*.c) src/app.c src/routes.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run run-pg run-cluster deps test unit integration browser bench fuzz sqlmap clean format asan-test test-inputs

all: $(BUILD)/turnout

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -MMD -MP -c $< -o $@

$(BUILD)/libturnout.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/turnout: $(BUILD)/src/main.o $(BUILD)/libturnout.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tmpdb.h $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(shell pkg-config --cflags cmocka) $(CFLAGS) $(WARN) \
	  -Wno-missing-prototypes -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS) \
	  $(shell pkg-config --libs cmocka)

# the black-box tests' SQL on either backend (tests/tools/sql.c)
$(BUILD)/tests/sql: tests/tools/sql.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Installs what is missing with apt-get when we are root (or have sudo);
# otherwise says what to install.
deps:
	@sh scripts/deps.sh $(DEB_PKGS)

# Imported beside the target and moved into place, so an interrupted first
# import never leaves a database that looks ready.
$(DB): | $(BUILD)/turnout
	@mkdir -p $(dir $(DB)) && rm -f $(DB).new $(DB).new-wal $(DB).new-shm
	$(BUILD)/turnout import --data data --db $(DB).new
	@if [ -z "$(NO_DEMO)" ]; then $(BUILD)/turnout demo --db $(DB).new | tee $(dir $(DB))demo.txt; \
	  chmod 600 $(dir $(DB))demo.txt; fi
	mv $(DB).new $(DB)

# DB=postgresql://… serves an existing PostgreSQL database instead: the
# data is imported (and the demo made) the first time, when it has no seats.
run: deps
	@$(MAKE) --no-print-directory $(BUILD)/turnout
	@case "$(DB)" in postgresql://*|postgres://*) $(MAKE) --no-print-directory run-pg ;; \
	  *) test -s $(DB) || $(MAKE) --no-print-directory $(DB); \
	     [ -z "$(NO_DEMO)" ] && [ -s $(dir $(DB))demo.txt ] && cat $(dir $(DB))demo.txt || true; \
	     $(BUILD)/turnout serve --db $(DB) --port $(PORT) ;; esac

# On this machine, loopback only: PostgreSQL primary + synchronous standby,
# three nodes, HAProxy on PORT (scripts/cluster.sh; Ctrl-C stops it all).
run-cluster: deps
	@sh scripts/deps.sh postgresql-15 haproxy pgbouncer
	@$(MAKE) --no-print-directory $(BUILD)/turnout
	@rm -rf var/cluster && mkdir -p var
	CLUSTER_PORT=$(PORT) TURNOUT=$(BUILD)/turnout sh scripts/cluster.sh run var/cluster

run-pg:
	@if ! $(BUILD)/turnout postcode "SW1A 1AA" --db "$(DB)" >/dev/null 2>&1; then \
	  $(BUILD)/turnout import --data data --db "$(DB)" && mkdir -p var && \
	  { [ -n "$(NO_DEMO)" ] || $(BUILD)/turnout demo --db "$(DB)" | tee var/demo-pg.txt; }; fi
	$(BUILD)/turnout serve --db "$(DB)" --port $(PORT)

# The whole suite: unit tests under ASan/UBSan, then the black-box tests
# (HTTP on loopback, full-data checks, headless Chromium) against the
# sanitized server.
test: deps
	@sh scripts/deps.sh $(TEST_DEBS)
	@$(MAKE) --no-print-directory asan-test

# Everything the tests need is built (and the test databases imported) on
# every core first; the tests themselves run one at a time.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
ASAN := BUILD=build/asan \
  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
asan-test:
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/turnout
	@$(MAKE) --no-print-directory -j$(JOBS) $(ASAN) test-inputs
	@$(MAKE) --no-print-directory $(ASAN) IMPORT_BIN=$(abspath $(BUILD)/turnout) unit integration

test-inputs: $(BUILD)/turnout $(UNIT_BIN) $(BUILD)/tests/sql $(BUILD)/test/fixture.db \
  $(BUILD)/test/full.db

# fontconfig's caches live as long as the process: not leaks of ours
export LSAN_OPTIONS := suppressions=$(abspath tests/lsan.supp)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# Databases the black-box tests run against, built by the real importer.
$(BUILD)/test/fixture.db: $(BUILD)/turnout $(shell find tests/fixtures/data/ -type f)
	@mkdir -p $(dir $@) && rm -f $@ $@-wal $@-shm
	$(BUILD)/turnout import --data tests/fixtures/data --db $@

$(BUILD)/test/full.db: $(BUILD)/turnout $(shell find data/ -type f)
	@mkdir -p $(dir $@) && rm -f $@ $@-wal $@-shm
	$(BUILD)/turnout import --data data --db $@

integration: $(BUILD)/turnout $(BUILD)/test/fixture.db $(BUILD)/test/full.db $(UNIT_BIN) \
  $(BUILD)/tests/sql
	@sh scripts/node-deps.sh
	TURNOUT_BIN=$(abspath $(BUILD)/turnout) TURNOUT_FIXTURE_DB=$(BUILD)/test/fixture.db \
	  TURNOUT_UNIT_DIR=$(abspath $(BUILD)/tests) \
	  TURNOUT_FULL_DB=$(BUILD)/test/full.db TURNOUT_IMPORT_BIN=$(or $(IMPORT_BIN),$(abspath $(BUILD)/turnout)) \
	  node --test --test-concurrency=1 tests/integration/ tests/browser/
	@echo "== the same black-box suite on PostgreSQL"
	TURNOUT_BIN=$(abspath $(BUILD)/turnout) TURNOUT_UNIT_DIR=$(abspath $(BUILD)/tests) \
	  TURNOUT_IMPORT_BIN=$(or $(IMPORT_BIN),$(abspath $(BUILD)/turnout)) node tests/integration/pg.mjs
	@echo "== several nodes: a primary, a synchronous standby, three nodes behind HAProxy"
	TURNOUT_BIN=$(abspath $(BUILD)/turnout) TURNOUT_UNIT_DIR=$(abspath $(BUILD)/tests) \
	  node --test --test-concurrency=1 tests/cluster/

$(BUILD)/bench/match: bench/match.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/count: bench/count.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/opinion: bench/opinion.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/foodbank: bench/foodbank.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/skills: bench/skills.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/library: bench/library.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/render: bench/render.c $(BUILD)/libturnout.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(BUILD)/libturnout.a $(PKG_LIBS)

$(BUILD)/bench/callers: bench/callers.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(PKG_LIBS)

bench: $(BUILD)/turnout $(BUILD)/tests/sql $(BUILD)/bench/match $(BUILD)/bench/callers $(BUILD)/bench/count $(BUILD)/bench/opinion \
       $(BUILD)/bench/foodbank $(BUILD)/bench/skills $(BUILD)/bench/render $(BUILD)/bench/library
	@sh scripts/deps.sh $(BENCH_DEBS)
	sh bench/run.sh $(BUILD)/turnout
	@echo; echo "| carpool matching | time (both passes) | result | greedy |"; \
	  echo "|---|---|---|---|"; $(BUILD)/bench/match
	@echo; echo "| count | time | stages |"; echo "|---|---|---|"; $(BUILD)/bench/count
	@echo; echo "| opinion map | time | result | memory |"; echo "|---|---|---|---|"; \
	  mkdir -p bench/out && $(BUILD)/bench/opinion bench/out/opinion.db
	@echo; echo "| food-bank series | time | result | floor |"; echo "|---|---|---|---|"; \
	  $(BUILD)/bench/foodbank bench/out/foodbank.db
	@echo; echo "| skills search | latency | result | floor |"; echo "|---|---|---|---|"; \
	  $(BUILD)/bench/skills bench/out/skills.db
	@echo; echo "| leaflets | time | result | floor |"; echo "|---|---|---|---|"; \
	  taskset -c 0 $(BUILD)/bench/render tests/fixtures/materials/leaflet.svg
	@echo; echo "| materials library | latency | result |"; echo "|---|---|---|"; \
	  $(BUILD)/bench/library bench/out/library.db

# Injection check with Debian's sqlmap against a loopback server (minutes).
sqlmap: $(BUILD)/turnout $(BUILD)/test/fixture.db
	@sh scripts/deps.sh sqlmap
	sh scripts/sqlmap.sh $(BUILD)/turnout

FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 20
fuzz:
	@sh scripts/deps.sh clang libclang-rt-14-dev
	@mkdir -p build/fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
	  clang $(CPPFLAGS) $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o build/fuzz/$$t fuzz/fuzz_$$t.c $(LIB_SRC) $(PKG_LIBS); \
	  mkdir -p build/fuzz/corpus-$$t; \
	  build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) build/fuzz/corpus-$$t fuzz/corpus/$$t; \
	done

format:
	clang-format -i $$(find src tests/unit fuzz -name '*.[ch]')

clean:
	rm -rf build
