# bench/: programs that measure and print figures (never timed assertions).
# Built by `make` (noinst); run by hand or by .ci/run for the record.
include bench/host.mk
include bench/shadow.mk
include bench/passthrough.mk
include bench/viommu.mk
