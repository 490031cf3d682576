#!/usr/bin/env bash
# Builds Kassa and runs every test (CTest), with the services the tests need started just for this run:
# a throw-away PostgreSQL cluster (pg_virtualenv) and a Secret Service (gnome-keyring in a private
# D-Bus session). Installs what is missing first (scripts/setup-debian.sh).
#
#   scripts/test.sh                 configure, build and run every test (preset "ci": warnings are errors)
#   scripts/test.sh -R tst_money    extra arguments go to ctest
#
# KASSA_REQUIRE_SERVICES=1 makes a test fail, instead of skip, when a service it needs is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

"$here/scripts/setup-debian.sh"

preset=${KASSA_PRESET:-ci}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

# The keyring lives in a private, temporary home so that the tests never touch a user's own keyring.
scratch=$(mktemp -d /tmp/kassa-test.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data"

run_tests() {
    export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data"
    # An empty-password login keyring, created and unlocked without a prompt.
    echo "kassa-tests" | gnome-keyring-daemon --unlock --daemonize --components=secrets >/dev/null
    ctest --preset "$preset" --output-on-failure "$@"
}
export -f run_tests
export preset scratch

# pg_virtualenv sets PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE for the cluster it starts.
exec pg_virtualenv -o "fsync=off" dbus-run-session -- bash -c 'run_tests "$@"' run_tests "$@"
