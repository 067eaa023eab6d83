# poolbook - GNU Makefile.  Objects go out of tree, under $(BUILD).
#
#   make              library (build/libpoolbook.a) and program (build/poolbook)
#   make check        every cmocka test and the golden CLI cases
#   make check SAN=1  the same under AddressSanitizer + UBSan (build/san)
#   make check VALGRIND=1   the same under valgrind
#   make demo         the sample BCF book and its month-6 reports
#   make demo-html    the same reports in HTML, rendered to PNG (chromium)
#   make bench        the benchmark (not part of check)
#   make format       clang-format every source file

include config.mk

ifeq ($(SAN),1)
BUILD    ?= build/san
SANFLAGS  = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
OPTFLAGS  = -O1 -g
else
BUILD    ?= build
SANFLAGS  =
endif

WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral \
            -Wno-overlength-strings
ifeq ($(WERROR),1)
WARN     += -Werror
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PB_PKGS))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PB_PKGS))
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS   := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)

CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L
CFLAGS   += -std=c17 $(WARN) $(OPTFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS)

LIB_SRCS  := $(sort $(wildcard ledger/*.c importers/*.c reports/*.c))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/*/test_*.c))
SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
TOOL_SRCS := $(sort $(wildcard bench/*.c))

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
SUPPORT_OBJS := $(SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_BINS := $(TEST_SRCS:%.c=$(BUILD)/%)
TOOL_BINS := $(TOOL_SRCS:bench/%.c=$(BUILD)/bench/%)

LIB  = $(BUILD)/libpoolbook.a
PROG = $(BUILD)/poolbook

ifeq ($(VALGRIND),1)
RUNNER = valgrind -q --error-exitcode=99 --leak-check=full \
         --errors-for-leak-kinds=definite,indirect
endif

.PHONY: all check test-unit test-golden test-bench demo demo-html bench format clean \
        install
.DEFAULT_GOAL := all

all: $(LIB) $(PROG)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(CLI_OBJS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(SUPPORT_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJS) $(LIB) $(LDLIBS) $(TEST_LIBS)

$(BUILD)/obj/tests/%.o: CFLAGS += $(TEST_CFLAGS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Each test binary runs from the top of the tree so that fixtures/ is at hand.
test-unit: $(TEST_BINS) $(PROG)
	@fail=0; for t in $(TEST_BINS); do \
	    echo "== $$t"; \
	    POOLBOOK=$(PROG) $(RUNNER) ./$$t || fail=1; \
	done; exit $$fail

test-golden: $(PROG)
	@RUNNER="$(RUNNER)" sh tests/golden/run.sh $(PROG)

# The benchmark's workload at 2,000 entries: generated, loaded three ways,
# every total and report figure checked against the generator's; not timed.
test-bench: $(PROG) $(TOOL_BINS)
	@sh bench/smoke.sh $(BUILD)

check: all
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-golden
	@$(MAKE) --no-print-directory test-bench
	@echo "make check: all tests passed"

demo: all
	@sh fixtures/demo.sh $(PROG) $(BUILD)/demo.db

# The demo's HTML reports as PNG, through headless Chromium (Debian package
# chromium); not part of check.
demo-html: demo
	sh tests/reports/html_screenshot.sh $(BUILD)/demo-running-balances.html \
	    $(BUILD)/screenshots/demo-running-balances.png
	WINDOW=1500,1100 sh tests/reports/html_screenshot.sh \
	    $(BUILD)/demo-budget-monitoring.html \
	    $(BUILD)/screenshots/demo-budget-monitoring.png

bench: all $(TOOL_BINS)
	@sh bench/run.sh $(BUILD)

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(TEST_SRCS) $(SUPPORT_SRCS) \
	    $(wildcard ledger/*.h importers/*.h reports/*.h cli/*.h tests/support/*.h)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/poolbook

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
