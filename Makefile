# swrss: software RSS for Linux 6.12 (XDP + cpumap + page_pool driver XDP).
# Each target is one script in scripts/; generated things go to build/.

.PHONY: help deps tree export kernel kernels check mutants demo demo-arm64 bench vm \
	qemu qemu-tree qemu-export arm64-root clean

help:
	@echo "make demo     boot the patched kernel and show software RSS at work"
	@echo "make demo-arm64  the same on the arm64 VM's emulated Armada 3700 (mvneta)"
	@echo "make check    series gate + every test on the test and debug kernels"
	@echo "make bench    benchmarks in one VM run, table in build/out/bench"
	@echo "make mutants  break the code on purpose: do the suites catch it?"
	@echo "make tree     kernel work tree: base + patches/ as commits (build/linux)"
	@echo "make export   commits of the work tree back to patches/"
	@echo "make kernel   build the x86_64 test kernel"
	@echo "make kernels  build the test, debug and arm64 kernels"
	@echo "make vm CMD=  run a command in the test kernel's VM"
	@echo "make qemu     QEMU with the NETA port: base + qemu/patches (build/qemu)"
	@echo "make qemu-export  commits of build/qemu back to qemu/patches"

deps:
	scripts/deps.sh

tree: deps
	scripts/tree.sh

export:
	scripts/export.sh

kernel: tree
	scripts/build-kernel.sh test

kernels: tree
	scripts/build-kernel.sh test
	scripts/build-kernel.sh debug
	scripts/build-kernel.sh arm64

check:
	scripts/check.sh

mutants:
	scripts/mutants.sh $(MUTANTS)

demo:
	scripts/demo.sh

demo-arm64:
	scripts/demo.sh arm64

qemu-tree: deps
	SWRSS_SERIES=qemu scripts/tree.sh

qemu: deps
	scripts/build-qemu.sh

qemu-export:
	SWRSS_SERIES=qemu scripts/export.sh

arm64-root: deps
	scripts/arm64-root.sh

bench:
	scripts/bench.sh

vm: kernel
	scripts/vm.sh -- $(or $(CMD),sh -c 'uname -a; nproc')

clean:
	rm -rf build/obj-* build/selftests build/selftests-arm64 build/arm64-tools \
		build/mutants \
		build/out
