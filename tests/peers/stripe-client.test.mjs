// Outside reference: the official stripe npm package (the exact version in package-lock.json) against
// kassa-stripe-sim. Every call goes through the SDK's own request, retry, error and pagination code, so a
// response shape the SDK does not accept fails here.
//
//   node tests/peers/stripe-client.test.mjs <build>/bin/kassa-stripe-sim     (or KASSA_SIM=... node ...)
import { requirePeerPackages, simulatorPath, startSimulator } from './support.mjs';

requirePeerPackages('peer_stripe_client');
simulatorPath(); // fails early and clearly when the path is missing

const { describe, it, before, after } = await import('node:test');
const assert = (await import('node:assert/strict')).default;
const { default: Stripe } = await import('stripe');

const DEMO_PAYMENTS = 120; // more than one page of 100, so auto-pagination has to follow starting_after

describe('stripe-node against kassa-stripe-sim', () => {
    let sim;
    let stripe;
    const responses = [];

    before(async () => {
        sim = await startSimulator(['--seed-demo', String(DEMO_PAYMENTS), '--seed', '4242']);
        stripe = new Stripe('sk_test_kassapeertests12345', {
            host: '127.0.0.1',
            port: sim.port,
            protocol: 'http',
            maxNetworkRetries: 2,
            timeout: 20000,
        });
        stripe.on('response', (event) => responses.push(event));
    });

    after(async () => {
        if (!sim)
            return;
        const status = await sim.stop();
        assert.deepEqual(status, { code: 0, signal: null }, 'the simulator exits cleanly on SIGTERM');
    });

    it('creates and retrieves a customer', async () => {
        const customer = await stripe.customers.create({
            email: 'peer@example.com',
            name: 'Peer Test',
            metadata: { source: 'stripe-node' },
        });
        assert.equal(customer.object, 'customer');
        assert.match(customer.id, /^cus_/);
        assert.equal(customer.email, 'peer@example.com');
        assert.equal(customer.metadata.source, 'stripe-node');
        assert.match(customer.lastResponse.requestId, /^req_/);
        const again = await stripe.customers.retrieve(customer.id);
        assert.equal(again.id, customer.id);
        assert.equal(again.name, 'Peer Test');
    });

    it('creates and confirms a PaymentIntent with pm_card_visa', async () => {
        const created = await stripe.paymentIntents.create({
            amount: 1999,
            currency: 'usd',
            payment_method_types: ['card'],
            metadata: { order: 'peer-1' },
        });
        assert.equal(created.status, 'requires_payment_method');
        const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
        assert.equal(confirmed.id, created.id);
        assert.equal(confirmed.status, 'succeeded');
        assert.equal(confirmed.amount_received, 1999);
        assert.match(confirmed.latest_charge, /^ch_/);
        const charge = await stripe.charges.retrieve(confirmed.latest_charge);
        assert.equal(charge.amount, 1999);
        assert.equal(charge.paid, true);
        assert.equal(charge.payment_intent, created.id);

        const expanded = await stripe.paymentIntents.retrieve(created.id, { expand: ['latest_charge'] });
        assert.equal(typeof expanded.latest_charge, 'object');
        assert.equal(expanded.latest_charge.id, charge.id);

        // One call: create with confirm=true.
        const oneShot = await stripe.paymentIntents.create({
            amount: 500,
            currency: 'usd',
            payment_method: 'pm_card_visa',
            payment_method_types: ['card'],
            confirm: true,
        });
        assert.equal(oneShot.status, 'succeeded');
    });

    it('captures a manual-capture PaymentIntent partially, then refunds part and the rest', async () => {
        const authorized = await stripe.paymentIntents.create({
            amount: 5000,
            currency: 'usd',
            payment_method: 'pm_card_visa',
            payment_method_types: ['card'],
            capture_method: 'manual',
            confirm: true,
        });
        assert.equal(authorized.status, 'requires_capture');
        assert.equal(authorized.amount_capturable, 5000);

        const captured = await stripe.paymentIntents.capture(authorized.id, { amount_to_capture: 3000 });
        assert.equal(captured.status, 'succeeded');
        assert.equal(captured.amount_received, 3000);

        const first = await stripe.refunds.create({ payment_intent: captured.id, amount: 1000 });
        assert.equal(first.object, 'refund');
        assert.equal(first.amount, 1000);
        assert.equal(first.status, 'succeeded');

        const rest = await stripe.refunds.create({ payment_intent: captured.id });
        assert.equal(rest.amount, 2000, 'amount defaults to what is left of the captured 3000');

        const charge = await stripe.charges.retrieve(captured.latest_charge);
        assert.equal(charge.amount_captured, 3000);
        assert.equal(charge.amount_refunded, 3000);
        assert.equal(charge.refunded, true);

        const refunds = await stripe.refunds.list({ payment_intent: captured.id });
        assert.deepEqual(refunds.data.map((r) => r.id).sort(), [first.id, rest.id].sort());

        await assert.rejects(
            () => stripe.refunds.create({ payment_intent: captured.id }),
            (error) => {
                assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, `got ${error.constructor.name}`);
                assert.equal(error.type, 'StripeInvalidRequestError');
                assert.equal(error.code, 'charge_already_refunded');
                assert.equal(error.statusCode, 400);
                assert.match(error.requestId, /^req_/);
                return true;
            },
        );
    });

    it('surfaces a decline as StripeCardError with decline_code', async () => {
        await assert.rejects(
            () =>
                stripe.paymentIntents.create({
                    amount: 2500,
                    currency: 'usd',
                    payment_method: 'pm_card_visa_chargeDeclinedInsufficientFunds',
                    payment_method_types: ['card'],
                    confirm: true,
                }),
            (error) => {
                assert.ok(error instanceof Stripe.errors.StripeCardError, `got ${error.constructor.name}`);
                assert.equal(error.statusCode, 402);
                assert.equal(error.code, 'card_declined');
                assert.equal(error.decline_code, 'insufficient_funds');
                assert.equal(error.payment_intent?.status, 'requires_payment_method');
                assert.equal(error.payment_intent?.last_payment_error?.decline_code, 'insufficient_funds');
                assert.match(error.requestId, /^req_/);
                return true;
            },
        );
        await assert.rejects(
            () =>
                stripe.paymentIntents.create({
                    amount: 2500,
                    currency: 'usd',
                    payment_method: 'pm_card_visa_chargeDeclined',
                    payment_method_types: ['card'],
                    confirm: true,
                }),
            (error) => {
                assert.ok(error instanceof Stripe.errors.StripeCardError, `got ${error.constructor.name}`);
                assert.equal(error.decline_code, 'generic_decline');
                return true;
            },
        );
    });

    it('lists newest first and auto-paginates over more than 100 PaymentIntents', async () => {
        const { json: stats } = await sim.control('GET', '/_sim/stats');
        const total = stats.objects.payment_intent;
        assert.ok(total > 100, `the simulator holds ${total} payment intents, more than one page`);

        const page = await stripe.paymentIntents.list({ limit: 100 });
        assert.equal(page.object, 'list');
        assert.equal(page.url, '/v1/payment_intents');
        assert.equal(page.data.length, 100);
        assert.equal(page.has_more, true);

        const all = await stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10000 });
        assert.equal(all.length, total);
        assert.equal(new Set(all.map((pi) => pi.id)).size, total, 'no intent twice across pages');
        for (let i = 1; i < all.length; ++i)
            assert.ok(all[i - 1].created >= all[i].created, 'newest first');

        // for await over smaller pages, so that several starting_after requests run.
        const ids = [];
        for await (const intent of stripe.paymentIntents.list({ limit: 30 }))
            ids.push(intent.id);
        assert.deepEqual(ids, all.map((pi) => pi.id));
    });

    it('searches PaymentIntents and pages through search results', async () => {
        const found = await stripe.paymentIntents.search({ query: "metadata['order']:'peer-1'" });
        assert.equal(found.object, 'search_result');
        assert.equal(found.data.length, 1);
        assert.equal(found.data[0].amount, 1999);

        const succeeded = await stripe.paymentIntents
            .search({ query: "status:'succeeded'", limit: 25 })
            .autoPagingToArray({ limit: 10000 });
        assert.ok(succeeded.length > 25, `several search pages (${succeeded.length} results)`);
        assert.ok(succeeded.every((pi) => pi.status === 'succeeded'));
        assert.equal(new Set(succeeded.map((pi) => pi.id)).size, succeeded.length);

        const customers = await stripe.customers.search({ query: "email:'peer@example.com'" });
        assert.equal(customers.data.length, 1);
    });

    it('retrieves an event', async () => {
        const recent = await stripe.events.list({ limit: 3, type: 'payment_intent.succeeded' });
        assert.ok(recent.data.length > 0);
        const event = await stripe.events.retrieve(recent.data[0].id);
        assert.equal(event.object, 'event');
        assert.equal(event.type, 'payment_intent.succeeded');
        assert.equal(event.data.object.object, 'payment_intent');
        assert.equal(event.data.object.status, 'succeeded');
        assert.equal(typeof event.created, 'number');
    });

    it('creates a webhook endpoint that returns its secret', async () => {
        const endpoint = await stripe.webhookEndpoints.create({
            url: 'https://example.com/kassa/hook',
            enabled_events: ['payment_intent.succeeded', 'charge.refunded'],
        });
        assert.match(endpoint.id, /^we_/);
        assert.match(endpoint.secret, /^whsec_/);
        assert.deepEqual(endpoint.enabled_events, ['payment_intent.succeeded', 'charge.refunded']);
        const again = await stripe.webhookEndpoints.retrieve(endpoint.id);
        assert.equal(again.url, 'https://example.com/kassa/hook');
        const deleted = await stripe.webhookEndpoints.del(endpoint.id);
        assert.equal(deleted.deleted, true);
    });

    it("replays through the SDK's own idempotency-key retry after a dropped response", async () => {
        const before = (await sim.control('GET', '/_sim/stats')).json;
        const set = await sim.control('POST', '/_sim/faults', { drop_after_commit_rate: 1 });
        assert.equal(set.status, 200);
        let intent;
        try {
            // No idempotencyKey given: the SDK makes one (maxNetworkRetries > 0) and reuses it on the retry.
            intent = await stripe.paymentIntents.create({
                amount: 4321,
                currency: 'usd',
                payment_method: 'pm_card_visa',
                payment_method_types: ['card'],
                confirm: true,
                metadata: { order: 'peer-retry' },
            });
        } finally {
            await sim.control('POST', '/_sim/faults', {});
        }
        const after = (await sim.control('GET', '/_sim/stats')).json;
        assert.equal(intent.status, 'succeeded');
        assert.equal(intent.lastResponse.headers['idempotent-replayed'], 'true');
        assert.match(intent.lastResponse.idempotencyKey, /^stripe-node-retry-/);
        assert.equal(intent.lastResponse.headers['idempotency-key'], intent.lastResponse.idempotencyKey);
        assert.match(intent.lastResponse.headers['original-request'], /^req_/);
        assert.equal((after.faults_injected.drop_after_commit ?? 0) - (before.faults_injected.drop_after_commit ?? 0), 1);
        assert.equal((after.faults_injected.idempotent_replay ?? 0) - (before.faults_injected.idempotent_replay ?? 0), 1);
        assert.equal(after.objects.payment_intent - before.objects.payment_intent, 1, 'applied exactly once');
        const found = await stripe.paymentIntents.search({ query: "metadata['order']:'peer-retry'" });
        assert.equal(found.data.length, 1);
    });

    it('gave the SDK a request id and its pinned API version on every response', () => {
        assert.ok(responses.length > 20, `${responses.length} responses seen`);
        for (const response of responses) {
            assert.match(response.request_id ?? '', /^req_/, `${response.method} ${response.path}`);
            assert.equal(response.api_version, Stripe.API_VERSION, `${response.method} ${response.path}`);
        }
    });
});
