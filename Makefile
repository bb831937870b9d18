# everynode -- build, test and sanitizer targets.
#
#   make                 build bin/everynode (release flags)
#   make test            build and run unit tests (cmocka) and e2e tests (pytest)
#   make unit            unit tests only
#   make e2e             end-to-end tests only (real processes, real kubectl)
#   make SAN=1 ...       the same under AddressSanitizer + UBSan (objects in build/san)
#   make cppcheck        static analysis
#   make images          test container images under build/images (scripts/build-images.py)
#
# Every src/<module>/*.c goes into one static library; bin/everynode links it
# with src/cmd/main.c, and every tests/unit/<module>/test_*.c links it too.

CC      ?= gcc
# TLS, certificates and digests: GnuTLS (and nettle, its crypto library, for
# base64), the one TLS stack in the process: libmicrohttpd and Debian's
# libcurl4-gnutls build use it too, so OpenSSL is never initialised.
PKGS    := libmicrohttpd jansson yaml-0.1 sqlite3 libcurl gnutls nettle libarchive
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libarchive,$(PKGS)))
# Linked from Debian's static archives: only the objects the program calls
# come in (libarchive's tar reader, four decompressors, disk writer), and
# none of the shared libraries that libarchive.so maps into every process,
# the agent included (libxml2, ICU, libstdc++, lz4, nettle: ~1 MiB resident).
STATIC_LIBS := -larchive -lzstd -llzma -lbz2 -lz -lacl

ifeq ($(SAN),1)
BUILD   ?= build/san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
SANLD   := -fsanitize=address,undefined
BIN     := $(BUILD)/bin/everynode
MALLOC_LIBS :=
else
BUILD   ?= build/rel
OPT     := -O2 -g
SANLD   :=
BIN     := bin/everynode
# jemalloc (as Redis uses): the server and sim are allocation-heavy (JSON
# objects per request) across many threads, where it costs about a quarter
# less CPU than glibc malloc.  Not under the sanitizers, which bring their own.
# Its static archive: libjemalloc.so needs libstdc++ (for operator new, which
# C never calls), ~0.9 MiB resident in every process.
MALLOC_LIBS := -Wl,-Bstatic -ljemalloc_pic -Wl,-Bdynamic -lm
endif

CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
           -Wstrict-prototypes -Wmissing-prototypes $(OPT) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lpthread -lm
# Drops the unreferenced sections of the static archives (built with
# -ffunction-sections), and with them references to libraries we never call
# (libarchive's xar writer and libxml2, pulled in by its format table).
LDFLAGS += -Wl,--gc-sections

LIB_SRCS  := $(sort $(filter-out src/cmd/main.c,$(wildcard src/*/*.c)))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libeverynode.a
MAIN_OBJ  := $(BUILD)/src/cmd/main.o

UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)

.PHONY: all clean test unit e2e cppcheck bench images
all: $(BIN)

$(BIN): $(MAIN_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SANLD) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LIB) $(LDLIBS) $(MALLOC_LIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Unit tests may #include the .c under test to reach static functions; they
# link the library too (the linker only pulls objects not already defined).
# (Tests that write archives pull libarchive's format table, whose digest code
# names nettle: --gc-sections drops it, but ld still wants the library that
# defines a versioned symbol it saw on the line; PKGS has it.)
TEST_LDLIBS := -lcmocka
$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< $(LIB) $(SANLD) $(LDLIBS) $(TEST_LDLIBS)

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

e2e: $(BIN)
	EVERYNODE_BIN=$(abspath $(BIN)) /usr/bin/python3 -m pytest -q tests/e2e

test: unit e2e

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --std=c11 --suppress=missingIncludeSystem --inline-suppr -Isrc src

# Test and demo container images (docker-archive tarballs) built from Debian's
# busybox-static, reproducibly and without network: see scripts/build-images.py.
IMAGES_DIR  := build/images
IMAGE_TARS  := $(addprefix $(IMAGES_DIR)/,busybox.tar busybox-oci.tar httpd.tar whiteout.tar)

images: $(IMAGE_TARS)

$(IMAGE_TARS) &: scripts/build-images.py $(wildcard /bin/busybox)
	/usr/bin/python3 scripts/build-images.py $(IMAGES_DIR)

BENCH_BINS := $(BUILD)/bench/apibench

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $< -lgnutls -lpthread

bench: $(BIN) $(BENCH_BINS)
	BUILD=$(BUILD) /usr/bin/python3 bench/run.py

clean:
	rm -rf build bin

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer drivers for the parsers (fuzz/fuzz_*.c, seeds in fuzz/corpus/<name>/;
# see fuzz/README.md).  `make fuzz` builds them with clang under build/fuzz
# (ASan + UBSan) and runs each for FUZZ_TIME seconds; new inputs go to
# build/fuzz/corpus/<name>/, crashes to build/fuzz/crashes/.
FUZZ_CC       ?= clang
FUZZ_TIME     ?= 20
FUZZ_DIR      := build/fuzz
FUZZ_SRCS     := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS     := $(FUZZ_SRCS:fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_LIB_SRCS := $(sort $(wildcard src/core/*.c src/selector/*.c src/yaml/*.c src/protobuf/*.c \
                   src/patch/*.c src/types/*.c))
FUZZ_OBJS     := $(FUZZ_LIB_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_CFLAGS   := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
                 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -Isrc $(shell pkg-config --cflags jansson yaml-0.1 nettle) -MMD -MP
FUZZ_LIBS     := $(shell pkg-config --libs jansson yaml-0.1 nettle) -lpthread -lm

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_OBJS) $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Wno-unused-parameter -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -o $@ $< $(FUZZ_OBJS) $(FUZZ_LIBS)

fuzz: fuzz-build
	@fail=0; for b in $(FUZZ_BINS); do n=$$(basename $$b); \
	  mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/crashes; echo "== $$n ($(FUZZ_TIME) s)"; \
	  $$b -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/crashes/$$n- \
	    $(FUZZ_DIR)/corpus/$$n fuzz/corpus/$$n || fail=1; done; exit $$fail

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
