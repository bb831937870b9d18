# everynode -- build, test and sanitizer targets.
#
#   make                 build bin/everynode (release flags)
#   make test            build and run unit tests (cmocka) and e2e tests (pytest)
#   make unit            unit tests only
#   make e2e             end-to-end tests only (real processes, real kubectl)
#   make SAN=1 ...       the same under AddressSanitizer + UBSan (objects in build/san)
#   make cppcheck        static analysis
#
# Every src/<module>/*.c goes into one static library; bin/everynode links it
# with src/cmd/main.c, and every tests/unit/<module>/test_*.c links it too.

CC      ?= gcc
PKGS    := libmicrohttpd jansson yaml-0.1 sqlite3 libcurl openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

ifeq ($(SAN),1)
BUILD   ?= build/san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD   := -fsanitize=address,undefined
BIN     := $(BUILD)/bin/everynode
else
BUILD   ?= build/rel
OPT     := -O2 -g
SANLD   :=
BIN     := bin/everynode
endif

CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -Wstrict-prototypes -Wmissing-prototypes $(OPT) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lpthread -lm

LIB_SRCS  := $(sort $(filter-out src/cmd/main.c,$(wildcard src/*/*.c)))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libeverynode.a
MAIN_OBJ  := $(BUILD)/src/cmd/main.o

UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)

.PHONY: all clean test unit e2e cppcheck bench
all: $(BIN)

$(BIN): $(MAIN_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SANLD) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests may #include the .c under test to reach static functions; they
# link the library too (the linker only pulls objects not already defined).
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes -o $@ $< $(LIB) $(SANLD) $(LDLIBS) -lcmocka

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

e2e: $(BIN)
	EVERYNODE_BIN=$(abspath $(BIN)) /usr/bin/python3 -m pytest -q tests/e2e

test: unit e2e

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --std=c11 --suppress=missingIncludeSystem --inline-suppr -Isrc src

BENCH_BINS := $(BUILD)/bench/apibench

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $< -lssl -lcrypto -lpthread

bench: $(BIN) $(BENCH_BINS)
	BUILD=$(BUILD) /usr/bin/python3 bench/run.py

clean:
	rm -rf build bin

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)
