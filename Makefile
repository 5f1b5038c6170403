# libaae build. `make help` lists the targets.
#
# Variables:
#   BLAS=openblas|reference  BLAS to build against (default openblas; found
#                            with pkg-config: openblas / blas-netlib)
#   SANITIZE=1               ASan+UBSan build of the tests (SANITIZE=thread: TSan)
#   WERROR=1                 warnings are errors (on by default when CI=true)
#   CI=true                  also: a missing optional test tool fails, not skips
#   PREFIX, LIBDIR, DESTDIR  install locations (also INCDIR, PCDIR, CMAKEDIR)

PREFIX   ?= /usr/local
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
PCDIR    ?= $(LIBDIR)/pkgconfig
CMAKEDIR ?= $(LIBDIR)/cmake/aae
BINDIR   ?= $(PREFIX)/bin
BLAS     ?= openblas
SANITIZE ?=
CC       ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(CI),true)
WERROR ?= 1
endif
WERROR ?= 0

MAJOR := $(shell sed -n 's/^\#define AAE_VERSION_MAJOR \([0-9]*\)/\1/p' include/aae/version.h)
MINOR := $(shell sed -n 's/^\#define AAE_VERSION_MINOR \([0-9]*\)/\1/p' include/aae/version.h)
PATCH := $(shell sed -n 's/^\#define AAE_VERSION_PATCH \([0-9]*\)/\1/p' include/aae/version.h)
VERSION := $(MAJOR).$(MINOR).$(PATCH)
SONAME  := libaae.so.$(MAJOR)

# --- BLAS -------------------------------------------------------------
ifeq ($(BLAS),openblas)
BLAS_PC     := openblas
BLAS_CFLAGS  = $(shell $(PKG_CONFIG) --cflags openblas 2>/dev/null) -DAAE_BLAS_OPENBLAS
BLAS_LIBS    = $(shell $(PKG_CONFIG) --libs openblas 2>/dev/null)
else ifeq ($(BLAS),reference)
# Debian's blas-netlib.pc points at the alternatives link (which may be
# OpenBLAS); link the reference library's own directory explicitly.
BLAS_PC     := blas-netlib
BLAS_REFDIR  = $(shell $(PKG_CONFIG) --variable=libdir blas-netlib 2>/dev/null)/blas
BLAS_CFLAGS  = $(shell $(PKG_CONFIG) --cflags blas-netlib 2>/dev/null) -DAAE_BLAS_REFERENCE
BLAS_LIBS    = -L$(BLAS_REFDIR) -Wl,-rpath,$(BLAS_REFDIR) -lblas
else
$(error BLAS must be openblas or reference, not '$(BLAS)')
endif

# --- flags ------------------------------------------------------------
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(WERROR),1)
WARN     += -Werror
endif
OPT      ?= -O3 -g
# No errno from sqrtf and no FP traps assumed: lets element-wise loops
# vectorize; results are unchanged (no reassociation, no contraction).
BASE_CFLAGS := -std=c11 $(OPT) $(WARN) -fPIC -fvisibility=hidden -fno-math-errno -fno-trapping-math -D_POSIX_C_SOURCE=200809L \
               -Iinclude -Isrc -DAAE_BUILDING

ifeq ($(SANITIZE),1)
VARIANT  := asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(SANITIZE),thread)
VARIANT  := tsan
SAN_FLAGS := -fsanitize=thread
else
VARIANT  := plain
SAN_FLAGS :=
endif

OBJDIR   := lib/obj/$(BLAS)-$(VARIANT)
ALL_CFLAGS = $(BASE_CFLAGS) $(SAN_FLAGS) $(BLAS_CFLAGS) $(CFLAGS)
LIBS_PRIV  = $(BLAS_LIBS) -lm -lpthread

LIB_SRCS := $(sort $(wildcard src/core/*.c src/nn/*.c src/io/*.c src/model/*.c src/train/*.c src/api/*.c))
LIB_OBJS := $(patsubst src/%.c,$(OBJDIR)/src/%.o,$(LIB_SRCS))

TEST_SRCS := $(sort $(wildcard test/*.c))
TEST_OBJS := $(patsubst test/%.c,$(OBJDIR)/test/%.o,$(TEST_SRCS))
TEST_BIN  := $(OBJDIR)/check_aae
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

# Each BLAS and sanitizer build has its own output directory, so
# `make check BLAS=reference` or `SANITIZE=1` never replaces the OpenBLAS
# library the examples and the demo link.
ifeq ($(BLAS)-$(VARIANT),openblas-plain)
OUTDIR := lib
else ifeq ($(VARIANT),plain)
OUTDIR := lib/$(BLAS)
else
OUTDIR := lib/$(BLAS)-$(VARIANT)
endif
SHLIB := $(OUTDIR)/libaae.so.$(VERSION)

.PHONY: all help deps check check-kernels test-build valgrind valgrind-run install uninstall clean examples demo \
        mnist docs abi-check abi-baseline consumers python-test python-package-test rust-test bindings-test bench bench-kernels \
        match-pytorch fuzz fuzz-run soak build-needs

# What targets need, by the names of scripts/deps.sh's table (which also
# says which are optional test tools). `$(DEPS) NEED...` finds them or
# installs them (root, apt-get) or stops with their package names;
# `$(call optional,NEED...) CMD` runs CMD, or prints why it is skipped.
PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
DEPS = PKG_CONFIG='$(PKG_CONFIG)' PYTHON='$(PYTHON)' CC='$(CC)' sh $(CURDIR)/scripts/deps.sh
optional = $(DEPS) --or-skip $@ '$(1)'
BUILD_NEEDS := cc pkg-config $(BLAS_PC) libpng
# (Not cargo: Debian 12's is too old for the Rust bindings; rust-test asks.)
TEST_NEEDS  := $(BUILD_NEEDS) c++ check valgrind abidiff mpi numpy pytest cmake venv setuptools wheel

all: $(SHLIB) $(OUTDIR)/libaae.a $(OUTDIR)/aae.pc

# Every build finds (as root with apt-get: installs) what it compiles and
# links against first, so that a plain `make` on a machine without OpenBLAS
# names the package instead of failing at link time on cblas_ symbols.
build-needs:
	@$(DEPS) $(BUILD_NEEDS)

help:
	@echo "make             build lib/libaae.so.$(VERSION) and lib/libaae.a (BLAS=reference: in lib/reference/)"
	@echo "make deps        find what building and testing need (root with apt-get: install it)"
	@echo "make check       deps, then the Check suite (SANITIZE=1: ASan+UBSan); absent test tools skip"
	@echo "make check-kernels  the suite and bindings' tests under each OpenBLAS kernel this CPU runs"
	@echo "make valgrind    the suite under valgrind with leak checking"
	@echo "make abi-check   exported symbols and types against abi/ (abi-baseline regenerates it)"
	@echo "make consumers   C, C++ and static programs built against a staged install via pkg-config, and CMake's find_package"
	@echo "make python-test / rust-test   the bindings' tests (skipped without python3+numpy / cargo)"
	@echo "make python-package-test  pip install bindings/python into a fresh venv (offline) and test it there"
	@echo "make install     PREFIX=$(PREFIX) DESTDIR=..., make uninstall"
	@echo "make examples    the example programs, aae-cli and the lessons in lib/examples/"
	@echo "make demo        deps, MNIST, and a short AAE training that writes pictures to out/aae"
	@echo "make mnist       fetch MNIST into data/mnist (sha256-checked; MNIST_DIR=... to use a copy)"
	@echo "make docs        API reference from the header (Doxygen) in docs/api/html"
	@echo "make bench       libaae against PyTorch (python3-torch) in one table; THREADS=1 WINDOWS=9,"
	@echo "                 EPOCH=1 (or semi, cluster) adds a timed MNIST epoch of the paper's recipes"
	@echo "make bench-kernels  encoding (batch 1 against its floor) under each OpenBLAS kernel this CPU runs"
	@echo "make match-pytorch  the same models trained by libaae and PyTorch: test metrics over SEEDS"
	@echo "make reproduce-all  the AAE paper's MNIST runs (resumable; reproduce-cluster16, -semi100, ...)"
	@echo "make soak        train + checkpoint + reload in a loop, RSS sampled (SOAK_MINUTES=$(SOAK_MINUTES))"
	@echo "make fuzz        libFuzzer on the checkpoint and IDX loaders (clang), FUZZ_SECONDS=$(FUZZ_SECONDS) each"

deps:
	@$(DEPS) $(TEST_NEEDS)

$(OBJDIR)/src/%.o: src/%.c | build-needs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(OBJDIR)/test/%.o: test/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c $< -o $@

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d)

# The public enums' member names, generated from the header (the values come
# from compiling the list against it): src/core/enum_names.c includes it.
GENDIR := $(OBJDIR)/gen
$(GENDIR)/enum_table.inc: include/aae/aae.h scripts/enum-table.sh
	@mkdir -p $(dir $@)
	sh scripts/enum-table.sh include/aae/aae.h > $@.tmp && mv $@.tmp $@
$(OBJDIR)/src/core/enum_names.o: $(GENDIR)/enum_table.inc
$(OBJDIR)/src/core/enum_names.o: ALL_CFLAGS += -I$(GENDIR)

$(SHLIB): $(LIB_OBJS) src/libaae.map
	@mkdir -p $(OUTDIR)
	$(CC) $(SAN_FLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=src/libaae.map \
	    -Wl,--no-undefined -o $@ $(LIB_OBJS) $(LIBS_PRIV)
	ln -sf libaae.so.$(VERSION) $(OUTDIR)/$(SONAME)
	ln -sf $(SONAME) $(OUTDIR)/libaae.so

$(OUTDIR)/libaae.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

# aae.pc.in with prefix $(1), libdir $(2), includedir $(3). Install writes
# its own, so PREFIX given only to `make install` is honoured.
pc_file = sed -e 's|@PREFIX@|$(1)|g' -e 's|@LIBDIR@|$(2)|g' -e 's|@INCDIR@|$(3)|g' \
              -e 's|@VERSION@|$(VERSION)|g' -e 's|@BLAS_PC@|$(BLAS_PC)|g' aae.pc.in

# cmake/$(1).in for $(CMAKEDIR)/$(1) (find_package(aae CONFIG)): the paths
# relative to LIBDIR (the file is in LIBDIR/cmake/aae), so a staged or moved
# install still works; the pointer size is the compiler's.
cmake_file = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@MAJOR@|$(MAJOR)|g' \
                 -e 's|@INCDIR_FROM_LIBDIR@|$(shell realpath -m -s --relative-to=$(LIBDIR) $(INCDIR))|g' \
                 -e 's|@POINTER_BYTES@|$(POINTER_BYTES)|g' cmake/$(1).in
POINTER_BYTES = $(shell echo __SIZEOF_POINTER__ | $(CC) -E -P - 2>/dev/null | tail -n 1)

$(OUTDIR)/aae.pc: aae.pc.in include/aae/version.h Makefile
	@mkdir -p $(dir $@)
	$(call pc_file,$(PREFIX),$(LIBDIR),$(INCDIR)) > $@

# A .pc for the build tree, so bindings build against it before install.
$(OUTDIR)/pkgconfig-local/aae.pc: aae.pc.in include/aae/version.h Makefile
	@mkdir -p $(dir $@)
	$(call pc_file,$(CURDIR),$(CURDIR)/$(OUTDIR),$(CURDIR)/include) > $@

$(TEST_BIN): $(TEST_OBJS) $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $(TEST_OBJS) $(LIB_OBJS) $(CHECK_LIBS) $(LIBS_PRIV)

# The suite also runs the example programs (test/test_examples.c), built
# with the same flags against this build's shared library.
test-build: $(TEST_BIN) $(SHLIB) examples
ifeq ($(VARIANT),plain)
EXPORT_CHECK = sh scripts/check-exports.sh $(SHLIB) && sh scripts/check-layers.sh $(OBJDIR)
else
EXPORT_CHECK = true
endif
RUN_ENV = AAE_EXAMPLES_DIR=$(CURDIR)/$(EXDIR)
ifeq ($(VARIANT),tsan)
# ThreadSanitizer runs the threading suites (threads, parallel, reentry); OpenBLAS is not instrumented, so
# it runs single-threaded inside each of the test's threads.
RUN_ENV += CK_RUN_SUITE=threads OPENBLAS_NUM_THREADS=1
endif

# Each test runs in its own forked process (Check's default), so a crash is
# a failure, not an abort of the run. The plain build also checks the ABI,
# the installed library's consumers and the language bindings.
check: deps
	@$(MAKE) --no-print-directory test-build
	@$(EXPORT_CHECK)
	@sh scripts/check-header.sh
	cd test && $(RUN_ENV) ../$(TEST_BIN)
ifeq ($(VARIANT),tsan)
	cd test && $(RUN_ENV) CK_RUN_SUITE=parallel ../$(TEST_BIN)
	cd test && $(RUN_ENV) CK_RUN_SUITE=reentry ../$(TEST_BIN)
endif
ifeq ($(VARIANT),plain)
	@$(MAKE) --no-print-directory abi-check consumers bindings-test mpi-test
endif

# The Check suite and the bindings' tests under every OpenBLAS kernel this
# CPU can execute, and with OpenBLAS's own choice (CI runs it after check).
check-kernels: deps
ifneq ($(BLAS)-$(VARIANT),openblas-plain)
	$(error check-kernels runs the plain OpenBLAS build only)
endif
	@$(MAKE) --no-print-directory test-build
	@MAKE="$(MAKE)" sh scripts/check-blas-kernels.sh $(TEST_BIN) $(CURDIR)/$(EXDIR)

abi-check: $(SHLIB)
	@sh scripts/abi-check.sh $(SHLIB)
	@sh scripts/abi-frozen.sh
	@$(call optional,abidiff) sh scripts/abi-types.sh $(SHLIB)

# Only together with a deliberate ABI change (a SONAME bump for removals).
abi-baseline: $(SHLIB)
	nm -D --defined-only $(SHLIB) | awk '$$2 ~ /[TDBRVW]/ {print $$3}' | LC_ALL=C sort > abi/symbols.txt
	abidw --headers-dir include/aae --no-corpus-path --out-file abi/libaae.abi $(SHLIB)

consumers: all
	@BLAS=$(BLAS) sh scripts/test-consumers.sh
	@BLAS=$(BLAS) $(call optional,cmake) sh scripts/test-cmake-consumer.sh

bindings-test: python-test python-package-test rust-test

python-test: $(SHLIB)
	@AAE_LIBRARY=$(CURDIR)/$(SHLIB) PYTHONPATH=$(CURDIR)/bindings/python $(call optional,numpy pytest) \
	    $(PYTHON) -m pytest -q -p no:cacheprovider --doctest-glob=README.md bindings/python/tests bindings/python/README.md

# bindings/python pip-installed into a fresh venv offline, tested from outside the tree.
python-package-test: $(SHLIB)
	@PYTHON=$(PYTHON) $(call optional,numpy pytest venv setuptools wheel) sh scripts/test-python-package.sh $(SHLIB)

rust-test: all $(OUTDIR)/pkgconfig-local/aae.pc
	@AAE_LIB_DIR=$(CURDIR)/$(OUTDIR) PKG_CONFIG_PATH=$(CURDIR)/$(OUTDIR)/pkgconfig-local $(call optional,cargo) \
	    sh bindings/rust/run-tests.sh

# (The sub-make runs after deps, which may have installed valgrind.)
valgrind: deps
	@$(call optional,valgrind) $(MAKE) --no-print-directory valgrind-run
valgrind-run: test-build
	cd test && $(RUN_ENV) CK_FORK=no valgrind --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --quiet ../$(TEST_BIN)

# Examples use the public header and the shared library only; their
# pictures go through libpng (examples only, never the library).
EXDIR    := $(OUTDIR)/examples
# (mpi_train needs MPI: src/mpi/mpi.mk builds it.)
EXAMPLES := $(patsubst examples/%.c,$(EXDIR)/%,$(filter-out examples/mpi_train.c,$(wildcard examples/*.c)))
EX_COMMON := $(wildcard examples/common/*.c)
EX_CFLAGS = -std=c11 $(OPT) $(WARN) $(SAN_FLAGS) -Iinclude -Iexamples -D_POSIX_C_SOURCE=200809L \
            $(shell $(PKG_CONFIG) --cflags libpng 2>/dev/null) $(CFLAGS)
EX_LIBS   = $(shell $(PKG_CONFIG) --libs libpng 2>/dev/null) -lm

# aae-cli: the command-line tool for any data (examples/cli/, installed in
# $(BINDIR)); the lessons: minimal single-file programs on the API alone.
CLI_SRCS := $(wildcard examples/cli/*.c)
CLI_BIN  := $(EXDIR)/aae-cli
LESSONS  := $(patsubst examples/lessons/%.c,$(EXDIR)/lessons/%,$(wildcard examples/lessons/*.c))

examples: $(EXAMPLES) $(CLI_BIN) $(LESSONS)

$(CLI_BIN): $(CLI_SRCS) $(wildcard examples/cli/*.h) $(EX_COMMON) $(wildcard examples/common/*.h) include/aae/aae.h $(SHLIB)
	@mkdir -p $(dir $@)
	$(CC) $(EX_CFLAGS) -o $@ $(CLI_SRCS) $(EX_COMMON) -L$(OUTDIR) -laae -Wl,-rpath,'$$ORIGIN/..' $(EX_LIBS)

$(EXDIR)/lessons/%: examples/lessons/%.c include/aae/aae.h $(SHLIB)
	@mkdir -p $(dir $@)
	$(CC) $(EX_CFLAGS) -o $@ $< -L$(OUTDIR) -laae -Wl,-rpath,'$$ORIGIN/../..' -lm

$(EXDIR)/%: examples/%.c $(EX_COMMON) $(wildcard examples/common/*.h) include/aae/aae.h $(SHLIB)
	@mkdir -p $(dir $@)
	$(CC) $(EX_CFLAGS) -o $@ $< $(EX_COMMON) -L$(OUTDIR) -laae -Wl,-rpath,'$$ORIGIN/..' $(EX_LIBS)

# The benchmark links the static library: it reads the allocation counter,
# which the shared library does not export, and wraps the one product
# routine at link time to record the GEMMs a call runs.
BENCH_BIN := $(OBJDIR)/bench
THREADS ?= 1
$(BENCH_BIN): bench/bench.c $(OUTDIR)/libaae.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ bench/bench.c $(OUTDIR)/libaae.a $(LIBS_PRIV) -Wl,--wrap=aaei_sgemm

bench:
	@$(DEPS) $(BUILD_NEEDS) torch
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@sh scripts/fetch-mnist.sh
	@BENCH=$(BENCH_BIN) PYTHON=$(PYTHON) THREADS=$(THREADS) EPOCH="$(EPOCH)" sh bench/compare.sh

# Encoding under each OpenBLAS kernel this CPU runs (batch 1 against its
# weight-read floor).
bench-kernels: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@BENCH=$(BENCH_BIN) sh bench/kernels.sh

# The same models trained by libaae and PyTorch, test metrics side by side
# (EPOCHS, SEEDS, ARCHS: see bench/match_pytorch.sh).
match-pytorch:
	@$(DEPS) $(BUILD_NEEDS) torch
	@$(MAKE) --no-print-directory examples
	@sh scripts/fetch-mnist.sh
	@EXDIR=$(EXDIR) PYTHON=$(PYTHON) sh bench/match_pytorch.sh

# The AAE paper's MNIST experiments (docs/results.md). Each writes into
# out/reproduce/<name> and resumes from its checkpoint: stop it any time and
# run the same target again to continue. REPRO_EPOCHS counts all epochs;
# REPRO_LIMIT (rows of each MNIST set, 0: all) and REPRO_OUT are for short
# trials (CI runs every recipe for one epoch on 2000 rows).
REPRO_EPOCHS ?= 200
REPRO_LIMIT ?= 0
REPRO_OUT ?= out/reproduce
REPRO_THREADS ?= 2
# REPRO_ARGS: more options for the program, e.g. "--lr-step 50".
REPRO_ARGS ?=
REPRO = --epochs $(REPRO_EPOCHS) --limit $(REPRO_LIMIT) --threads $(REPRO_THREADS) --resume 1 $(REPRO_ARGS)
REPRODUCE := reproduce-cluster16 reproduce-cluster30 reproduce-semi100 reproduce-semi1000 reproduce-semiall
.PHONY: reproduce-all $(REPRODUCE)
reproduce-all: $(REPRODUCE)
# (Static pattern rules: make skips implicit rules for phony targets.)
# The clustering runs start from the best of four model seeds on the
# validation split after 10 epochs: with 16 clusters the validation error
# at 10 ranks whole runs roughly as their final errors, the one at 3 does
# not (docs/results.md, "Choosing the start").
REPRO_CLUSTER_START ?= --restarts 4 --restart-epochs 10
# The table's clustering figures are 1000-unit runs: the 3000-unit preset
# costs 3.3 times as much per epoch. At 16 clusters one seed alone was no
# better in 70 epochs; of two best-of-four runs at that width the first is
# far ahead, the second is not (docs/results.md, "16 clusters at the
# paper's width"); more runs decide the default. REPRO_CLUSTER_WIDTH=0
# runs the preset's width.
REPRO_CLUSTER_WIDTH ?= 1000
reproduce-cluster16 reproduce-cluster30: reproduce-cluster%: examples mnist
	$(EXDIR)/cluster_aae --clusters $* --hidden $(REPRO_CLUSTER_WIDTH) $(REPRO) $(REPRO_CLUSTER_START) --out $(REPRO_OUT)/cluster$*
reproduce-semi100 reproduce-semi1000: reproduce-semi%: examples mnist
	$(EXDIR)/semi_supervised_aae --labels $* $(REPRO) --out $(REPRO_OUT)/semi$*
reproduce-semiall: examples mnist
	$(EXDIR)/semi_supervised_aae --labels 0 $(REPRO) --out $(REPRO_OUT)/semiall

SOAK_MINUTES ?= 5
SOAK_BIN := $(OBJDIR)/soak
$(SOAK_BIN): test/soak/soak.c $(OUTDIR)/libaae.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ test/soak/soak.c $(OUTDIR)/libaae.a $(LIBS_PRIV)

soak:
	@$(DEPS) $(BUILD_NEEDS)
	@$(MAKE) --no-print-directory $(SOAK_BIN)
	$(SOAK_BIN) $(SOAK_MINUTES) $(OUTDIR)

# libFuzzer targets with ASan+UBSan, built from the sources with clang. New
# inputs go to lib/fuzz/work-*; crashes to lib/fuzz/crash-* (make each one a
# file in test/fuzz/regressions/, which the suite replays). One allocation
# over 64 MB counts as a failure: the inputs are a few kB.
FUZZ_SECONDS ?= 10
FUZZ_CC ?= clang
FUZZ_TARGETS := checkpoint idx
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
             -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc -DAAE_BUILDING -DAAE_FUZZING $(BLAS_CFLAGS)

lib/fuzz/fuzz_%: test/fuzz/fuzz_%.c $(LIB_SRCS) $(GENDIR)/enum_table.inc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(GENDIR) -o $@ $< $(LIB_SRCS) $(LIBS_PRIV)

fuzz:
	@$(DEPS) $(BUILD_NEEDS) clang
	@$(call optional,clang) $(MAKE) --no-print-directory fuzz-run
fuzz-run: $(patsubst %,lib/fuzz/fuzz_%,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p lib/fuzz/work-$$t; rm -f lib/fuzz/crash-$$t-*; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    lib/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -malloc_limit_mb=64 -rss_limit_mb=1024 \
	        -print_final_stats=1 -artifact_prefix=lib/fuzz/crash-$$t- \
	        lib/fuzz/work-$$t test/fuzz/corpus/$$t > lib/fuzz/log-$$t 2>&1; \
	    grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Done" lib/fuzz/log-$$t; \
	    ! ls lib/fuzz/crash-$$t-* >/dev/null 2>&1 || { echo "fuzz: $$t found a crash"; exit 1; }; \
	done

docs:
	@$(DEPS) doxygen
	@mkdir -p docs/api
	doxygen docs/Doxyfile
	@echo "API reference: docs/api/html/index.html (warnings: docs/api/warnings.txt)"

mnist:
	@sh scripts/fetch-mnist.sh

DEMO_EPOCHS ?= 5
demo:
	@$(DEPS) $(BUILD_NEEDS)
	@$(MAKE) --no-print-directory examples
	@sh scripts/fetch-mnist.sh
	$(EXDIR)/aae --epochs $(DEMO_EPOCHS) --out out/aae

install: all
	install -d $(DESTDIR)$(INCDIR)/aae $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR)
	install -m 644 include/aae/aae.h include/aae/version.h $(DESTDIR)$(INCDIR)/aae/
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libaae.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libaae.so
	install -m 644 $(OUTDIR)/libaae.a $(DESTDIR)$(LIBDIR)/
	$(call pc_file,$(PREFIX),$(LIBDIR),$(INCDIR)) > $(DESTDIR)$(PCDIR)/aae.pc
	install -d $(DESTDIR)$(CMAKEDIR)
	$(call cmake_file,aaeConfig.cmake) > $(DESTDIR)$(CMAKEDIR)/aaeConfig.cmake
	$(call cmake_file,aaeConfigVersion.cmake) > $(DESTDIR)$(CMAKEDIR)/aaeConfigVersion.cmake
	@# aae-cli, linked again to find the library in LIBDIR.
	install -d $(DESTDIR)$(BINDIR)
	$(CC) $(EX_CFLAGS) -o $(DESTDIR)$(BINDIR)/aae-cli $(CLI_SRCS) $(EX_COMMON) -L$(OUTDIR) -laae \
	    -Wl,-rpath,$(LIBDIR) $(EX_LIBS)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/aae-cli
	rm -f $(DESTDIR)$(INCDIR)/aae/aae.h $(DESTDIR)$(INCDIR)/aae/version.h
	-rmdir $(DESTDIR)$(INCDIR)/aae 2>/dev/null
	rm -f $(DESTDIR)$(LIBDIR)/libaae.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libaae.so $(DESTDIR)$(LIBDIR)/libaae.a $(DESTDIR)$(PCDIR)/aae.pc \
	    $(DESTDIR)$(CMAKEDIR)/aaeConfig.cmake $(DESTDIR)$(CMAKEDIR)/aaeConfigVersion.cmake
	-rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null

clean:
	rm -rf lib/*

include src/mpi/mpi.mk
