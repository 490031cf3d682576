// Shared by the outside-reference tests: the "is everything installed" check (skip or fail),
// starting and stopping kassa-stripe-sim, and the simulator's control endpoints.
// Only node: built-ins are imported statically, so that the check runs before anything else loads.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const peersDir = dirname(fileURLToPath(import.meta.url));

// CTest's SKIP_RETURN_CODE for these tests (tests/peers/CMakeLists.txt).
export const SKIP_EXIT_CODE = 77;

// Exits with SKIP_EXIT_CODE when Node.js is too old or the stripe package from package-lock.json is not
// installed, or with 1 when KASSA_REQUIRE_SERVICES=1 (CI) says these tests must run. Never a silent pass.
export function requirePeerPackages(testName) {
    const problems = [];
    const major = Number(process.versions.node.split('.')[0]);
    if (major < 18)
        problems.push(`Node.js ${process.versions.node} is too old (18 or newer is needed)`);
    let wanted = null;
    try {
        const lock = JSON.parse(readFileSync(join(peersDir, 'package-lock.json'), 'utf8'));
        wanted = lock.packages['node_modules/stripe'].version;
    } catch (error) {
        problems.push(`tests/peers/package-lock.json does not name the stripe package (${error.message})`);
    }
    let installed = null;
    try {
        installed = JSON.parse(readFileSync(join(peersDir, 'node_modules', 'stripe', 'package.json'), 'utf8')).version;
    } catch {
        problems.push('the stripe npm package is not installed in tests/peers/node_modules');
    }
    if (installed && wanted && installed !== wanted)
        problems.push(`tests/peers/node_modules holds stripe ${installed} but package-lock.json pins ${wanted}`);
    if (problems.length === 0)
        return;
    const fix =
        'Install Node.js 18+ and the locked npm packages with scripts/setup-debian.sh (it runs `npm ci` in ' +
        'tests/peers), or run `npm ci` in tests/peers yourself.';
    if (process.env.KASSA_REQUIRE_SERVICES === '1') {
        console.error(`FAIL ${testName}: ${problems.join('; ')}. KASSA_REQUIRE_SERVICES=1 requires this test. ${fix}`);
        process.exit(1);
    }
    console.log(`SKIPPED ${testName}: ${problems.join('; ')}. ${fix}`);
    process.exit(SKIP_EXIT_CODE);
}

export function simulatorPath() {
    const path = process.argv[2] || process.env.KASSA_SIM;
    if (!path) {
        // A configuration error of the test itself, not a missing optional tool: fail.
        console.error('usage: node <test>.mjs /path/to/kassa-stripe-sim (or set KASSA_SIM)');
        process.exit(1);
    }
    if (!existsSync(path)) {
        console.error(`kassa-stripe-sim not found at ${path}; build the project first`);
        process.exit(1);
    }
    return path;
}

// Every simulator this process started, so that no exit path leaves one behind.
const running = new Set();

function killAll() {
    for (const child of running) {
        if (child.exitCode === null && child.signalCode === null)
            child.kill('SIGKILL');
    }
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
        killAll();
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
}

// Starts kassa-stripe-sim on 127.0.0.1:0 and resolves once it printed its "listening on" line.
export function startSimulator(extraArgs = [], { startTimeoutMs = 15000 } = {}) {
    const child = spawn(simulatorPath(), ['--listen', '127.0.0.1:0', ...extraArgs], {
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text) => process.stderr.write(text.replace(/^(?=.)/gm, '[sim] ')));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`kassa-stripe-sim printed no "listening on" line within ${startTimeoutMs} ms`));
        }, startTimeoutMs);
        child.once('error', (error) => {
            clearTimeout(timer);
            reject(error);
        });
        const onEarlyExit = (code, signal) => {
            clearTimeout(timer);
            reject(new Error(`kassa-stripe-sim exited before listening (code ${code}, signal ${signal}): ${out}`));
        };
        child.once('exit', onEarlyExit);
        child.stdout.setEncoding('utf8');
        const onData = (text) => {
            out += text;
            const newline = out.indexOf('\n');
            if (newline < 0)
                return;
            clearTimeout(timer);
            child.stdout.off('data', onData);
            child.off('exit', onEarlyExit);
            child.stdout.resume(); // keep draining later lines
            const first = out.slice(0, newline).trim();
            const match = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(first);
            if (!match) {
                child.kill('SIGKILL');
                reject(new Error(`unexpected first line from kassa-stripe-sim: ${JSON.stringify(first)}`));
                return;
            }
            const port = Number(match[1]);
            resolve({
                port,
                pid: child.pid,
                control: (method, path, body) => simControl(port, method, path, body),
                // SIGTERM, then SIGKILL after 5 s; resolves to the exit status.
                async stop() {
                    if (child.exitCode === null && child.signalCode === null) {
                        child.kill('SIGTERM');
                        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
                        const status = await exited;
                        clearTimeout(kill);
                        running.delete(child);
                        return status;
                    }
                    running.delete(child);
                    return exited;
                },
            });
        };
        child.stdout.on('data', onData);
    });
}

// A request to one of the simulator's /_sim/ endpoints (JSON in, JSON out).
export function simControl(port, method, path, body) {
    return new Promise((resolve, reject) => {
        const payload = body === undefined ? '' : JSON.stringify(body);
        const request = http.request(
            {
                host: '127.0.0.1',
                port,
                method,
                path,
                agent: false,
                headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
            },
            (response) => {
                let text = '';
                response.setEncoding('utf8');
                response.on('data', (chunk) => (text += chunk));
                response.on('end', () => {
                    try {
                        resolve({ status: response.statusCode, json: JSON.parse(text) });
                    } catch (error) {
                        reject(new Error(`${method} ${path}: not JSON (${error.message}): ${text}`));
                    }
                });
            },
        );
        request.setTimeout(10000, () => request.destroy(new Error(`${method} ${path}: timed out`)));
        request.on('error', reject);
        request.end(payload);
    });
}

export function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
