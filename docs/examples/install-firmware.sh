#!/bin/sh
# An example of firmware.install_command for ocpp-chargepoint (docs/integration.md, "Firmware
# updates"). The daemon runs it with one argument: the path of the downloaded image, whose
# signature it has already checked when the update was signed. The exit status is the answer:
#   0   installed; the daemon reports Installed and goes on running
#   10  installed, restart me; the daemon reports InstallRebooting, restarts itself, then Installed
#   any other status: InstallationFailed (the daemon logs the status)
# It runs as the daemon's user, inside the service's sandbox (it may write under the state folder
# only): writing a boot slot is the job of a privileged updater it asks, here RAUC over D-Bus.
# Slots, their selection and the rollback after a failed boot are the integrator's.
set -eu

image="$1"
log() { echo "install-firmware: $*" >&2; }   # goes to the daemon's log (journald)

if [ ! -s "$image" ]; then
  log "no image at $image"
  exit 1
fi

if command -v rauc >/dev/null 2>&1; then
  # RAUC checks its bundle's own signature, writes the inactive slot and marks it for the next boot.
  if ! rauc install "$image"; then
    log "rauc refused $image"
    exit 1
  fi
  log "installed into the other slot; asking for a restart"
  # A restart of the daemon only; rebooting the board is the updater's policy (e.g. `systemctl
  # reboot` from a privileged unit that watches RAUC's "mark-good" state).
  exit 10
fi

# Without an updater (a lab or a simulated pile): keep the image beside the state folder.
staging="$(dirname "$image")/installed"
mkdir -p "$staging"
cp "$image" "$staging/current.bin"
log "kept $image as $staging/current.bin"
exit 0
