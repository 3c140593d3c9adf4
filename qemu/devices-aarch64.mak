# The devices of swrss's arm64 VM (scripts/build-qemu.sh): the virt
# machine and what it selects, the NETA port, virtio-9p over MMIO, and
# the v7M core TCG's ARM translator needs.
CONFIG_ARM_VIRT=y
CONFIG_ARMADA3700_NETA=y
CONFIG_VIRTIO_9P=y
CONFIG_ARM_V7M=y
