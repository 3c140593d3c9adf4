# swrss: software RSS for Linux 6.12 (XDP + cpumap + page_pool driver XDP).
# Each target is one script in scripts/; generated things go to build/.

.PHONY: help deps tree export kernel kernels check demo bench vm clean

help:
	@echo "make demo     boot the patched kernel and show software RSS at work"
	@echo "make check    series gate + every test on the test and debug kernels"
	@echo "make bench    benchmarks in one VM run, table in build/out/bench"
	@echo "make tree     kernel work tree: base + patches/ as commits (build/linux)"
	@echo "make export   commits of the work tree back to patches/"
	@echo "make kernel   build the x86_64 test kernel"
	@echo "make kernels  build the test, debug and arm64 kernels"
	@echo "make vm CMD=  run a command in the test kernel's VM"

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

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

vm: kernel
	scripts/vm.sh -- $(or $(CMD),sh -c 'uname -a; nproc')

clean:
	rm -rf build/obj-* build/selftests build/out
