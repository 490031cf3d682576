#!/usr/bin/env bash
# Builds Kassa and runs its demo: the console (`kassa --demo`) on a simulated Stripe account with a
# shop's demo data (2,000 payments over 90 days, customers with saved cards, a card reader). No Stripe
# account and no network needed. Without a display it runs the simulator alone, for curl and kassa-cli.
# Installs what is missing first (scripts/setup-debian.sh). Stop it with Ctrl+C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

"$here/scripts/setup-debian.sh"
cmake --preset release >/dev/null
cmake --build --preset release

data=${KASSA_DEMO_DIR:-$HOME/.local/share/kassa-demo}
mkdir -p "$data"
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    echo "demo: the console keeps its demo store in $data/demo (started afresh each time)"
    exec "$here/build/release/bin/kassa" --demo --data-dir "$data"
fi
echo "demo: no display, so the console cannot open; starting the Stripe simulator with demo data."
echo "demo: state is kept in $data/sim-state.json; API key: any sk_test_... key, e.g. sk_test_kassademo12345678"
exec "$here/build/release/bin/kassa-stripe-sim" --listen "${KASSA_DEMO_LISTEN:-127.0.0.1:12111}" \
    --seed-demo 2000 --state "$data/sim-state.json"
