# tests/e2e/machine.sh: the QEMU machine, sourced by common.sh (which dumps
# the host DTB with it) and boot.sh (which boots it): the DTB depends on
# these options, so there is one copy.  No default NIC: the guests do not
# use one, and its ROM (efi-virtio.rom) comes from a package apt only
# recommends.  E2E_GIC=2|3 picks the GIC (default 3).
MACHINE=(-M virt,gic-version=${E2E_GIC:-3},virtualization=on,dtb-randomness=off
         -cpu cortex-a57 -smp 2 -m 2G -nic none)
