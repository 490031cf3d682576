// The stripe-node side of bench_client: the official stripe npm package (the version pinned in
// tests/peers/package-lock.json, installed in tests/peers/node_modules) makes N sequential
// create+confirm PaymentIntent calls against kassa-stripe-sim, each waiting for the previous one as a
// till does. Wall time and process.cpuUsage() are measured around the measured loop only, not around
// Node's start-up, the module load or the warm-up.
//
//   node bench/stripe-node-client.mjs --port P [--count 2000] [--warmup 50] [--sim-pid PID]
//
// Prints one JSON object on stdout. Exit codes: 0 every call succeeded, 1 some call failed (or bad
// arguments), 77 the stripe package is not installed (1 instead when KASSA_REQUIRE_SERVICES=1).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { requirePeerPackages } from '../tests/peers/support.mjs';

const { values } = parseArgs({
    options: {
        port: { type: 'string' },
        count: { type: 'string', default: '2000' },
        warmup: { type: 'string', default: '50' },
        'sim-pid': { type: 'string' },
    },
});
const port = Number(values.port);
const count = Number(values.count);
const warmup = Number(values.warmup);
const simPid = values['sim-pid'] ? Number(values['sim-pid']) : 0;
if (!Number.isInteger(port) || port < 1 || port > 65535 || !Number.isInteger(count) || count < 1 ||
    !Number.isInteger(warmup) || warmup < 0 || !Number.isInteger(simPid) || simPid < 0) {
    console.error('usage: node stripe-node-client.mjs --port P [--count N] [--warmup N] [--sim-pid PID]');
    process.exit(1);
}

// Exits 77 (skip) when the pinned stripe package is missing, 1 when KASSA_REQUIRE_SERVICES=1.
requirePeerPackages('bench_client (stripe-node part)');

const require = createRequire(new URL('../tests/peers/package.json', import.meta.url));
const Stripe = require('stripe');
const stripeVersion = JSON.parse(
    readFileSync(new URL('../tests/peers/node_modules/stripe/package.json', import.meta.url), 'utf8'),
).version;

const stripe = new Stripe('sk_test_kassabench12345678', {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    maxNetworkRetries: 2,
    timeout: 20000,
});

// utime + stime of the simulator from /proc/<pid>/stat, in microseconds (context only).
const clockTicks = 100; // USER_HZ; Linux reports /proc times in 1/100 s on every architecture
function simCpuUs() {
    if (!simPid)
        return 0;
    try {
        const stat = readFileSync(`/proc/${simPid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
    } catch {
        return 0;
    }
}

let failures = 0;
const samples = [];

async function createConfirm(sequence) {
    try {
        const intent = await stripe.paymentIntents.create({
            amount: 100 + (sequence % 9900),
            currency: 'usd',
            payment_method: 'pm_card_visa',
            payment_method_types: ['card'],
            confirm: true,
        });
        if (intent.status !== 'succeeded') {
            ++failures;
            if (samples.length < 5)
                samples.push(`${intent.id}: status ${intent.status}`);
        }
    } catch (error) {
        ++failures;
        if (samples.length < 5)
            samples.push(`${error.type ?? error.name}: ${error.message}`);
    }
}

for (let i = 0; i < warmup; ++i)
    await createConfirm(i);
const warmupFailures = failures;

const simCpuStart = simCpuUs();
const cpuStart = process.cpuUsage();
const wallStart = process.hrtime.bigint();
for (let i = 0; i < count; ++i)
    await createConfirm(warmup + i);
const wallNs = process.hrtime.bigint() - wallStart;
const cpu = process.cpuUsage(cpuStart);
const simCpu = simCpuUs() - simCpuStart;

console.log(
    JSON.stringify({
        client: 'stripe-node',
        stripe_version: stripeVersion,
        node_version: process.versions.node,
        count,
        warmup,
        failures: failures - warmupFailures, // in the measured loop
        warmup_failures: warmupFailures,
        wall_ms: Number(wallNs) / 1e6,
        cpu_user_us: cpu.user,
        cpu_system_us: cpu.system,
        sim_cpu_us: simCpu,
        failure_samples: samples,
    }),
);
process.exit(failures > 0 ? 1 : 0);
