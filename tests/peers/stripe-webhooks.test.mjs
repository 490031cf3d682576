// Outside reference: the official stripe npm package verifies the webhook deliveries of kassa-stripe-sim
// (Stripe-Signature over the raw body), and rejects tampered, wrongly keyed and stale ones.
//
//   node tests/peers/stripe-webhooks.test.mjs <build>/bin/kassa-stripe-sim     (or KASSA_SIM=... node ...)
import { requirePeerPackages, simulatorPath, sleep, startSimulator } from './support.mjs';

requirePeerPackages('peer_stripe_webhooks');
simulatorPath(); // fails early and clearly when the path is missing

const { describe, it, before, after } = await import('node:test');
const assert = (await import('node:assert/strict')).default;
const http = (await import('node:http')).default;
const { default: Stripe } = await import('stripe');

const SECRET = 'whsec_kassaPeerTestSecret0123456789abcdef';

// A local receiver: records the raw body and the headers of every POST, answers 200.
function startReceiver() {
    const deliveries = [];
    const server = http.createServer((request, response) => {
        const chunks = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => {
            deliveries.push({
                path: request.url,
                method: request.method,
                headers: request.headers,
                rawBody: Buffer.concat(chunks),
            });
            response.writeHead(200, { 'Content-Type': 'application/json' });
            response.end('{"received":true}');
        });
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve({ server, deliveries, port: server.address().port }));
    });
}

async function waitFor(condition, what, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(50);
    }
}

describe('stripe-node verifies kassa-stripe-sim webhooks', () => {
    let receiver;
    let sim;
    let stripe;
    let secondSecret;
    let events; // every event the simulator recorded, from the Events API

    before(async () => {
        receiver = await startReceiver();
        sim = await startSimulator([
            '--webhook',
            `http://127.0.0.1:${receiver.port}/hook`,
            '--webhook-secret',
            SECRET,
            '--seed',
            '99',
        ]);
        stripe = new Stripe('sk_test_kassapeertests12345', {
            host: '127.0.0.1',
            port: sim.port,
            protocol: 'http',
            maxNetworkRetries: 2,
            timeout: 20000,
        });

        // A second endpoint made through the API, with its own secret and only one event type.
        const second = await stripe.webhookEndpoints.create({
            url: `http://127.0.0.1:${receiver.port}/hook2`,
            enabled_events: ['charge.refunded'],
        });
        secondSecret = second.secret;

        const intent = await stripe.paymentIntents.create({
            amount: 2000,
            currency: 'usd',
            payment_method_types: ['card'],
        });
        await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
        await stripe.refunds.create({ payment_intent: intent.id, amount: 500 });
        await stripe.refunds.create({ payment_intent: intent.id });

        events = await stripe.events.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
        const refundedEvents = events.filter((event) => event.type === 'charge.refunded').length;
        await waitFor(async () => {
            const { json: stats } = await sim.control('GET', '/_sim/stats');
            return (
                stats.webhooks.in_flight === 0 &&
                receiver.deliveries.filter((d) => d.path === '/hook').length >= events.length &&
                receiver.deliveries.filter((d) => d.path === '/hook2').length >= refundedEvents
            );
        }, 'every event to reach the receiver');
    });

    after(async () => {
        const status = sim ? await sim.stop() : null;
        if (receiver) {
            receiver.server.closeAllConnections?.();
            await new Promise((resolve) => receiver.server.close(resolve));
        }
        if (status)
            assert.deepEqual(status, { code: 0, signal: null }, 'the simulator exits cleanly on SIGTERM');
    });

    it('delivers every event once to the catch-all endpoint, as a signed JSON POST', () => {
        const types = new Set(events.map((event) => event.type));
        for (const type of ['payment_intent.created', 'payment_intent.succeeded', 'charge.succeeded', 'charge.refunded'])
            assert.ok(types.has(type), `an event ${type} was recorded (have: ${[...types].join(', ')})`);
        const first = receiver.deliveries.filter((d) => d.path === '/hook');
        assert.equal(first.length, events.length);
        for (const delivery of first) {
            assert.equal(delivery.method, 'POST');
            assert.match(delivery.headers['content-type'], /^application\/json/);
            assert.match(delivery.headers['stripe-signature'], /^t=\d+,v1=[0-9a-f]{64}/);
        }
    });

    it('constructEvent accepts every delivery, and the event matches the Events API', () => {
        const byId = new Map(events.map((event) => [event.id, event]));
        const seen = new Set();
        for (const delivery of receiver.deliveries) {
            const secret = delivery.path === '/hook' ? SECRET : secondSecret;
            const event = stripe.webhooks.constructEvent(delivery.rawBody, delivery.headers['stripe-signature'], secret);
            assert.equal(event.object, 'event');
            const recorded = byId.get(event.id);
            assert.ok(recorded, `delivered event ${event.id} is in the Events API`);
            assert.equal(event.type, recorded.type);
            assert.deepEqual(event.data.object, recorded.data.object);
            if (delivery.path === '/hook')
                seen.add(event.id);
            else
                assert.equal(event.type, 'charge.refunded', 'the second endpoint gets only what it enabled');
        }
        assert.equal(seen.size, events.length, 'every recorded event was delivered to /hook');
        // A string body verifies too (what a framework that decoded the body as UTF-8 would pass).
        const one = receiver.deliveries[0];
        stripe.webhooks.constructEvent(one.rawBody.toString('utf8'), one.headers['stripe-signature'], SECRET);
    });

    it('rejects a tampered body', () => {
        const delivery = receiver.deliveries.find((d) => d.path === '/hook');
        const text = delivery.rawBody.toString('utf8');
        const tampered = text.replace(/"amount":\s*(\d+)/, (_, n) => `"amount": ${Number(n) + 1}`);
        assert.notEqual(tampered, text);
        assert.throws(
            () => stripe.webhooks.constructEvent(tampered, delivery.headers['stripe-signature'], SECRET),
            Stripe.errors.StripeSignatureVerificationError,
        );
        assert.throws(
            () => stripe.webhooks.constructEvent(text + ' ', delivery.headers['stripe-signature'], SECRET),
            Stripe.errors.StripeSignatureVerificationError,
        );
    });

    it('rejects a wrong secret', () => {
        const delivery = receiver.deliveries.find((d) => d.path === '/hook');
        assert.throws(
            () =>
                stripe.webhooks.constructEvent(delivery.rawBody, delivery.headers['stripe-signature'], 'whsec_wrong0123456789'),
            Stripe.errors.StripeSignatureVerificationError,
        );
        assert.throws(
            () => stripe.webhooks.constructEvent(delivery.rawBody, delivery.headers['stripe-signature'], secondSecret),
            Stripe.errors.StripeSignatureVerificationError,
        );
    });

    it('rejects a timestamp older than the tolerance', () => {
        const delivery = receiver.deliveries.find((d) => d.path === '/hook');
        const payload = delivery.rawBody.toString('utf8');
        const now = Math.floor(Date.now() / 1000);
        // The same body, correctly signed, but 10 minutes old (the default tolerance is 300 s).
        const stale = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: now - 600 });
        assert.throws(
            () => stripe.webhooks.constructEvent(payload, stale, SECRET),
            (error) => {
                assert.ok(error instanceof Stripe.errors.StripeSignatureVerificationError, `got ${error.constructor.name}`);
                assert.match(error.message, /tolerance/i);
                return true;
            },
        );
        // Control: the only difference is the age.
        const fresh = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: now });
        assert.equal(stripe.webhooks.constructEvent(payload, fresh, SECRET).id, JSON.parse(payload).id);
        // And the simulator signs with the current time, not the simulated clock.
        const t = Number(/t=(\d+)/.exec(delivery.headers['stripe-signature'])[1]);
        assert.ok(Math.abs(t - now) < 300, `signature timestamp ${t} is close to now ${now}`);
    });
});
