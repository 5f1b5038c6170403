# libaae-mpi (included by the Makefile): data-parallel training over MPI.
# Built when mpicc is found (MPI=0 skips it; MPI=1 insists). The core
# library never links MPI.
MPICC  ?= mpicc
MPIRUN ?= mpirun
MPI    ?= $(if $(shell command -v $(MPICC) 2>/dev/null),1,0)

MPI_SONAME := libaae-mpi.so.$(MAJOR)
MPI_SHLIB  := $(OUTDIR)/libaae-mpi.so.$(VERSION)
MPI_CFLAGS  = -std=c11 $(OPT) $(WARN) $(SAN_FLAGS) -D_POSIX_C_SOURCE=200809L -Iinclude $(CFLAGS)
MPI_PC     := mpi-c
MPI_TEST   := $(OBJDIR)/test_mpi
# Open MPI refuses root unless told; in containers its shared-memory
# transport cannot use cross-memory attach.
MPIRUN_FLAGS ?= --oversubscribe $(if $(filter 0,$(shell id -u)),--allow-run-as-root) \
                --mca btl_vader_single_copy_mechanism none

.PHONY: mpi mpi-test mpi-run install-mpi uninstall-mpi

ifeq ($(MPI),1)
all: mpi
examples: $(EXDIR)/mpi_train
install: install-mpi
uninstall: uninstall-mpi
endif

mpi: $(MPI_SHLIB) $(OUTDIR)/aae-mpi.pc

$(MPI_SHLIB): src/mpi/aae_mpi.c include/aae/mpi.h include/aae/aae.h src/mpi/libaae-mpi.map $(SHLIB)
	@mkdir -p $(dir $@)
	$(MPICC) $(MPI_CFLAGS) -fPIC -fvisibility=hidden -DAAE_BUILDING -shared \
	    -Wl,-soname,$(MPI_SONAME) -Wl,--version-script=src/mpi/libaae-mpi.map -Wl,--no-undefined \
	    -o $@ src/mpi/aae_mpi.c -L$(OUTDIR) -laae -Wl,-rpath,'$$ORIGIN'
	ln -sf libaae-mpi.so.$(VERSION) $(OUTDIR)/$(MPI_SONAME)
	ln -sf $(MPI_SONAME) $(OUTDIR)/libaae-mpi.so

$(OUTDIR)/aae-mpi.pc: aae-mpi.pc.in include/aae/version.h src/mpi/mpi.mk
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCDIR@|$(INCDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' -e 's|@MPI_PC@|$(MPI_PC)|g' $< > $@

$(EXDIR)/mpi_train: examples/mpi_train.c $(EX_COMMON) $(wildcard examples/common/*.h) include/aae/mpi.h $(MPI_SHLIB)
	@mkdir -p $(dir $@)
	$(MPICC) $(EX_CFLAGS) -o $@ $< $(EX_COMMON) -L$(OUTDIR) -laae-mpi -laae -Wl,-rpath,'$$ORIGIN/..' $(EX_LIBS)

$(MPI_TEST): test/mpi/test_mpi.c test/test_util.h $(MPI_SHLIB)
	@mkdir -p $(dir $@)
	$(MPICC) $(MPI_CFLAGS) $(CHECK_CFLAGS) -Itest -o $@ $< -L$(OUTDIR) -laae-mpi -laae \
	    -Wl,-rpath,$(CURDIR)/$(OUTDIR) $(CHECK_LIBS) -lm

# The MPI tests on loopback: 2 processes, then 3 (an uneven split of the
# batch). Each run is bounded: a collective mismatch would hang, not fail.
# (The sub-make finds MPI anew: it may have been installed since.)
mpi-test:
ifeq ($(origin MPI)$(MPI),command line0)
	@echo "mpi-test: skipped: MPI=0"
else
	@$(call optional,mpi) $(MAKE) --no-print-directory mpi-run
endif
mpi-run: $(MPI_TEST) $(EXDIR)/mpi_train
	@sh scripts/check-exports.sh $(MPI_SHLIB) aae_mpi_
	@for np in 2 3; do \
	    echo "mpi-test: $(MPIRUN) -np $$np"; \
	    OPENBLAS_NUM_THREADS=1 timeout 600 $(MPIRUN) $(MPIRUN_FLAGS) -np $$np $(MPI_TEST) || exit 1; \
	done
	@MPIRUN="$(MPIRUN) $(MPIRUN_FLAGS)" sh scripts/test-mpi-example.sh $(EXDIR)/mpi_train

install-mpi: mpi
	install -d $(DESTDIR)$(INCDIR)/aae $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR)
	install -m 644 include/aae/mpi.h $(DESTDIR)$(INCDIR)/aae/
	install -m 755 $(MPI_SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libaae-mpi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(MPI_SONAME)
	ln -sf $(MPI_SONAME) $(DESTDIR)$(LIBDIR)/libaae-mpi.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCDIR@|$(INCDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' -e 's|@MPI_PC@|$(MPI_PC)|g' aae-mpi.pc.in > $(DESTDIR)$(PCDIR)/aae-mpi.pc
	install -d $(DESTDIR)$(CMAKEDIR)
	$(call cmake_file,aaeMpiTargets.cmake) > $(DESTDIR)$(CMAKEDIR)/aaeMpiTargets.cmake

uninstall-mpi:
	rm -f $(DESTDIR)$(INCDIR)/aae/mpi.h $(DESTDIR)$(LIBDIR)/libaae-mpi.so.$(VERSION) \
	    $(DESTDIR)$(LIBDIR)/$(MPI_SONAME) $(DESTDIR)$(LIBDIR)/libaae-mpi.so $(DESTDIR)$(PCDIR)/aae-mpi.pc \
	    $(DESTDIR)$(CMAKEDIR)/aaeMpiTargets.cmake
