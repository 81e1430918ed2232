# SPDX-License-Identifier: GPL-2.0
#
# livegraft: build, test and demo.
#
#   make                       livegraft.ko, samples, selftest modules
#                              (ARCH=x86_64|arm64, KVER=6.1|6.12)
#   make KDIR=/lib/modules/$(uname -r)/build   for the running kernel
#   make check                 lint + the kselftest collection in QEMU,
#                              every arch in CHECK_ARCHS on every kernel
#                              in CHECK_KVERS (KVER=... for one), but its
#                              long scripts
#   make check-long            those: stress, soak, fault injection,
#                              livegraft-build's fixes, on the same targets
#   make demo                  a live kernel patched, step by step
#   make bench                 call cost, end to end cost, transition time
#                              and scale, beside the kernel's livepatch, in
#                              one boot: bench.txt and bench.png
#   make vm-run EXTRA=dir CMD='cmd'   run cmd in a guest, dir at /extra
#   make extmod M=dir          build your own patch module against livegraft
#   make build-patch FIX=a.patch [NAME=x]   a patch module from a source
#                              fix (tools/livegraft-build, building-a-patch.md)
#   make soak                  the soak test at full length (200 cycles,
#                              10^6 chains) on every target
#   make mutate                break each safety mechanism in turn: the
#                              selftests must notice every one
#                              (MUTATE_ARCHS="x86_64 arm64" for both)
#   make lint                  checkpatch.pl and shellcheck
#   make deps                  install packages, fetch the target kernel
#   make check-debug           the collection on a debug kernel built here
#                              (KASAN, lockdep, kmemleak...): KVER=6.1-debug

ARCH ?= x86_64
KVER ?= 6.1
LG_CACHE ?= /var/cache/livegraft
CHECK_ARCHS ?= x86_64 arm64
CHECK_KVERS ?= 6.1 6.12
export LG_CACHE

HOST_ARCH := $(shell uname -m)
ifeq ($(ARCH),arm64)
DEBARCH := arm64
ifneq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
else ifeq ($(ARCH),x86_64)
DEBARCH := amd64
else
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif

TARGET := $(LG_CACHE)/$(KVER)-$(DEBARCH)
# Where builds go; the packaged livegraft-build, whose tree is read-only,
# moves it under its cache.
LG_BUILD_ROOT ?= build
ifeq ($(origin KDIR),undefined)
KDIR := $(TARGET)/kdir
BUILD ?= $(LG_BUILD_ROOT)/$(ARCH)-$(KVER)
TARGET_STAMP := $(TARGET)/release
else
BUILD ?= $(LG_BUILD_ROOT)/$(ARCH)-local
TARGET_STAMP :=
endif
# KVER=6.1-debug: Debian's 6.1 source with KASAN, lockdep, kmemleak...,
# built once per machine by scripts/debug-kernel.sh.
ifneq ($(filter %-debug,$(KVER)),)
GET_TARGET := scripts/debug-kernel.sh $(ARCH) $(KVER:-debug=)
else
GET_TARGET := scripts/deps.sh $(ARCH) $(KVER)
# The image's modules that guest tests load (selftests/target-modules).
ifneq ($(TARGET_STAMP),)
TARGET_MODULES := $(TARGET)/target-modules
endif
endif
KSFT := $(LG_CACHE)/src/linux-source-$(KVER)/tools/testing/selftests
KLP_SRC := $(LG_CACHE)/src/linux-source-$(KVER)
BUILD_ABS = $(abspath $(BUILD))

# No BTF for out-of-tree modules: the headers have no vmlinux to base it on.
KBUILD_ARGS = -C $(KDIR) M=$(BUILD_ABS) LG_ROOT=$(BUILD_ABS) \
	CONFIG_DEBUG_INFO_BTF_MODULES= \
	ARCH=$(ARCH) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

# What of the tree kbuild needs; built out of tree under $(BUILD) so that
# several targets can be built side by side.
KBUILD_SRC := Kbuild include core arch samples selftests/modules

.PHONY: all modules deps check check-long check-debug soak demo bench vm-run extmod build-patch lint mutate clean

all: modules

$(TARGET)/release:
	$(GET_TARGET)

deps:
	$(GET_TARGET)

ifneq ($(TARGET_MODULES),)
$(TARGET_MODULES): selftests/target-modules | $(TARGET_STAMP)
	$(GET_TARGET)
endif

modules: $(TARGET_STAMP) $(TARGET_MODULES) $(if $(TARGET_STAMP),| $(KLP_SRC)/klp-tests)
	@mkdir -p $(BUILD)
	@rsync -aR --delete-after $(KBUILD_SRC) $(BUILD)/ \
		--exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.order' \
		--exclude='*.symvers' --exclude=klp
	$(MAKE) $(KBUILD_ARGS) modules
ifneq ($(TARGET_STAMP),)
	@mkdir -p $(BUILD)/klp/samples $(BUILD)/klp/tests
	@rsync -a $(KLP_SRC)/samples/livepatch/ $(BUILD)/klp/samples/
	@rsync -aL $(KLP_SRC)/klp-tests/ $(BUILD)/klp/tests/
	$(MAKE) $(EXTMOD_ARGS) M=$(BUILD_ABS)/klp/samples CONFIG_SAMPLE_LIVEPATCH=m modules
	$(MAKE) $(EXTMOD_ARGS) M=$(BUILD_ABS)/klp/tests CONFIG_TEST_LIVEPATCH=m modules
endif

# The kernel's livepatch samples and test modules, unmodified, from
# Debian's linux-source: built against livegraft, they run on it.
$(KLP_SRC)/klp-tests:
	$(GET_TARGET)

# CMD reaches the guest's shell as typed: neither make nor the host's
# shell expands it.
export LG_CMD := $(value CMD)
vm-run: modules
	scripts/vm-run.sh --arch $(ARCH) --kver $(KVER) --build $(BUILD) \
		$(if $(EXTRA),--extra $(EXTRA)) --cmd "$$LG_CMD"

demo: modules
	scripts/vm-run.sh --arch $(ARCH) --kver $(KVER) --build $(BUILD) --demo

bench: modules
	scripts/bench.sh $(ARCH) $(KVER)

# KVER given on the command line narrows the check to that kernel.
CHECK_KVER_LIST = $(if $(filter command line,$(origin KVER)),$(KVER),$(CHECK_KVERS))
check:
	scripts/check.sh "$(CHECK_KVER_LIST)" $(CHECK_ARCHS)

check-long:
	scripts/check.sh --long "$(CHECK_KVER_LIST)" $(CHECK_ARCHS)

soak:
	scripts/soak.sh "$(if $(filter command line,$(origin KVER)),$(KVER),$(CHECK_KVERS))" $(CHECK_ARCHS)

# The collection on the debug kernel: any KASAN, lockdep, sleep-in-atomic
# or kmemleak report fails it.
CHECK_DEBUG_ARCHS ?= x86_64
check-debug:
	for arch in $(CHECK_DEBUG_ARCHS); do scripts/debug-kernel.sh $$arch 6.1 || exit 1; done
	scripts/check.sh --debug 6.1-debug $(CHECK_DEBUG_ARCHS)

MUTATE_ARCHS ?= x86_64
mutate: $(TARGET_STAMP)
	scripts/mutate.sh --arch "$(MUTATE_ARCHS)" --kver $(KVER)

# A patch module of the user's, or one written for the kernel's livepatch:
# include/klp comes before the kernel's headers (NOSTDINC_FLAGS, which
# kbuild puts first), so that its <linux/livepatch.h> is livegraft's.
EXTMOD_ARGS = -C $(KDIR) ARCH=$(ARCH) \
	$(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
	CONFIG_DEBUG_INFO_BTF_MODULES= \
	KBUILD_EXTRA_SYMBOLS=$(BUILD_ABS)/Module.symvers \
	NOSTDINC_FLAGS="-nostdinc -I$(abspath include/klp)" \
	KCFLAGS=-I$(abspath include)

extmod: modules
	@test -n "$(M)" || { echo "usage: make extmod M=<dir of your patch module>"; exit 2; }
	$(MAKE) $(EXTMOD_ARGS) M=$(abspath $(M)) modules

# livegraft-NAME.ko from a kernel source fix, for ARCH and KVER, into OUT
# (default: here); the driver runs make extmod itself.
build-patch:
	@test -n "$(FIX)" || { echo "usage: make build-patch FIX='a.patch [b.patch]' [NAME=name] [ARCH=] [KVER=]"; exit 2; }
	tools/livegraft-build/livegraft-build --arch $(ARCH) --kver $(KVER) \
		$(if $(NAME),--name $(NAME)) $(if $(OUT),--out $(OUT)) $(abspath $(FIX))

lint: $(LG_CACHE)/src/linux-source-$(KVER)/version
	scripts/lint.sh $(LG_CACHE)/src/linux-source-$(KVER)

$(LG_CACHE)/src/linux-source-$(KVER)/version:
	$(GET_TARGET)

clean:
	rm -rf build
