#!/usr/bin/env bash
# Makes services/store/jsondictionary/kassa-json-<ID>.zdict: the zstd dictionary the SQLite store
# compresses each Stripe object's raw JSON with (see services/store/rawjson.h).
#
# A shipped dictionary is frozen: rows written with it can only be read with it. To change it, run this with
# a new ID (a number of your choice, 32768 to 2147483647), add the new file next to the old one and make it the
# one RawJson writes with; RawJson keeps reading every dictionary it knows by the ID in each frame.
#
# The training objects are the simulator's demo shop (payment intents, charges, customers, payment
# methods, refunds) in the form the store keeps them: compact JSON, no client secret, expanded objects
# collapsed to their ids. Needs a built kassa-stripe-sim, python3 and the zstd command.
#
#   scripts/make-json-dictionary.sh BUILD_DIR ID
set -euo pipefail

build=${1:?build directory, e.g. build/dev}
id=${2:?dictionary id}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d)
trap 'kill "${sim_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

"$build/bin/kassa-stripe-sim" --seed-demo 400 --seed 7 --state "$work/state.json" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
    grep -q '^demo data' "$work/sim.log" && [ -s "$work/state.json" ] && break
    sleep 0.2
done
kill "$sim_pid"
wait "$sim_pid" 2>/dev/null || true

mkdir "$work/samples"
python3 - "$work/state.json" "$work/samples" <<'PY'
import json, sys
objects = json.load(open(sys.argv[1]))["context"]["objects"]
for kind in ("payment_intent", "charge", "customer", "payment_method", "refund"):
    items = objects.get(kind, {})
    for n, o in enumerate(items.values() if isinstance(items, dict) else items):
        o.pop("client_secret", None)
        for key in ("latest_charge", "customer", "payment_method"):
            if isinstance(o.get(key), dict):
                o[key] = o[key]["id"]
        with open(f"{sys.argv[2]}/{kind}-{n}.json", "w") as f:
            f.write(json.dumps(o, separators=(",", ":"), ensure_ascii=False))
PY

out="$here/services/store/jsondictionary/kassa-json-$id.zdict"
zstd -q --train "$work"/samples/* -o "$out" --maxdict=16384 --dictID="$id" -1
echo "wrote $out ($(stat -c %s "$out") bytes from $(ls "$work/samples" | wc -l) objects)"
