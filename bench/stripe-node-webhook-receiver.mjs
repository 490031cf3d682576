// The reference side of bench_webhook: a webhook receiver as a Node.js shop would write it with the
// official stripe npm package (the version pinned in tests/peers/package-lock.json). POST /webhook is
// verified with stripe.webhooks.constructEvent (its default 300 s tolerance), the event is appended as one
// line to --out, and only then answered 200 {"received":true}; a bad signature or body gets 400.
//
//   node bench/stripe-node-webhook-receiver.mjs --out FILE [--port 0] < secret
//
// The secret (whsec_...) is read from stdin, as `kassa-cli webhook serve --secret-stdin` does. Prints
// `listening on http://127.0.0.1:PORT/webhook` once it accepts connections. Exit codes: 1 on bad arguments,
// 77 when the stripe package is not installed (1 instead when KASSA_REQUIRE_SERVICES=1).
//
// Durability, chosen to match Kassa's store (SQLite in WAL mode with synchronous=NORMAL: a commit is a
// write() into the WAL file, fsync only at checkpoints): every event is written with fs.writeSync on a
// file opened for appending before the answer goes out, so an event answered 200 is in the kernel's page
// cache and survives a crash of this process, but there is no fsync per event. Node's SQLite module is not
// in Node 18/20 and native modules cannot be built here, so a file is the store.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { requirePeerPackages } from '../tests/peers/support.mjs';

const { values } = parseArgs({
    options: {
        out: { type: 'string' },
        port: { type: 'string', default: '0' },
    },
});
const port = Number(values.port);
if (!values.out || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node stripe-node-webhook-receiver.mjs --out FILE [--port 0] < secret');
    process.exit(1);
}

requirePeerPackages('bench_webhook (stripe-node receiver)');

const require = createRequire(new URL('../tests/peers/package.json', import.meta.url));
const Stripe = require('stripe');
const stripeVersion = JSON.parse(
    readFileSync(new URL('../tests/peers/node_modules/stripe/package.json', import.meta.url), 'utf8'),
).version;

const secret = readFileSync(0, 'utf8').split('\n')[0].trim();
if (!secret.startsWith('whsec_')) {
    console.error('the secret on stdin must start with whsec_');
    process.exit(1);
}

// Only webhooks.constructEvent is used; the key is never sent anywhere.
const stripe = new Stripe('sk_test_kassabench12345678');
const fd = openSync(values.out, 'a');
const maxBodyBytes = 1024 * 1024; // as Kassa's receiver

function answer(res, status, contentType, body) {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
}

const server = http.createServer((req, res) => {
    if (req.url !== '/webhook') {
        answer(res, 404, 'text/plain; charset=utf-8', 'not found\n');
        return;
    }
    if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        answer(res, 405, 'text/plain; charset=utf-8', 'only POST\n');
        return;
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
        answer(res, 413, 'text/plain; charset=utf-8', 'request body too large\n');
        req.destroy();
        return;
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
        const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        let event;
        try {
            event = stripe.webhooks.constructEvent(raw, req.headers['stripe-signature'], secret);
        } catch (error) {
            answer(res, 400, 'text/plain; charset=utf-8', `signature: ${error.message}\n`);
            return;
        }
        // The same shape check as Kassa's receiver before anything is stored.
        if (typeof event.id !== 'string' || !event.id.startsWith('evt_') || !event.type ||
            typeof event.data?.object !== 'object' || event.data.object === null) {
            answer(res, 400, 'text/plain; charset=utf-8', 'the body is not a Stripe event\n');
            return;
        }
        try {
            // One line per event: the raw JSON (Stripe sends it without newlines) and a newline, in one write.
            writeSync(fd, Buffer.concat([raw, Buffer.from('\n')]));
        } catch (error) {
            answer(res, 500, 'text/plain; charset=utf-8', `not stored; deliver again later\n`);
            console.error(`cannot store ${event.id}: ${error.message}`);
            return;
        }
        answer(res, 200, 'application/json', '{"received":true}');
    });
});
server.keepAliveTimeout = 30000; // as Kassa's idle timeout: the load keeps its connections
server.headersTimeout = 35000;
server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address();
    console.log(`listening on http://127.0.0.1:${bound}/webhook stripe ${stripeVersion} node ${process.versions.node}`);
});

function stop() {
    server.close();
    closeSync(fd);
    process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
