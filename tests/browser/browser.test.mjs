// Browser tests of Peil's web screens (issue 6 item 7): headless Chromium (Debian's `chromium`)
// driven by `playwright-core` (which downloads no browser), axe-core for WCAG 2.0/2.1 A and AA.
//
// What runs: a fresh data directory is filled with `peil demo --no-serve` (a generated corpus),
// users are created with `peil user add|password|totp`, `peil serve` is started on a free
// loopback port, and the screens are used as people would: login (analyst; admin and FG with a
// TOTP code computed here, RFC 6238), the dashboard (chart, table, `<k` cells), the CSV export
// and the print page, creating a workspace through the form, adding monitors (the guard refuses
// a person query), the FG console (approval), the audit log, the generated documents, the
// public transparency page, the 404 page and the language toggle.
//
// Every page visited is checked twice:
//   1. in the context the flow runs in (no CSP bypass): the response carries the strict CSP and
//      the page causes no CSP violation (console messages and `securitypolicyviolation` events);
//   2. axe-core, injected from node_modules into a second context with `bypassCSP: true` (the
//      CSP rightly forbids injecting scripts) into exactly the markup the first context got
//      (replayed at the same URL, stylesheets from the server); any violation with impact
//      serious or critical fails the test, with rule, impact, targets and help URL.
//
// Environment: PEIL_BIN (the `peil` binary; default target/release/peil, else target/debug/peil),
// CHROMIUM (default /usr/bin/chromium), PEIL_BROWSER_KEEP=1 keeps the temporary directory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_VERSION = require('axe-core/package.json').version;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const ORG = 'Gemeente Voorbeeldstad (demo)';
const DEMO_WORKSPACE = 'reacties-op-beleid';
const NEW_WORKSPACE = 'afval-evaluatie';
const PERSON_QUERY = '@jan_de_vries OR https://x.com/jandevries';
const USERS = {
  admin: { name: 'test-beheer', role: 'admin', password: 'beheer-wachtwoord-2026!', totp: true },
  analyst: { name: 'test-analist', role: 'analyst', password: 'analist-wachtwoord-2026!', totp: false },
  fg: { name: 'test-fg', role: 'fg', password: 'fg-wachtwoord-2026!', totp: true },
  webcare: { name: 'test-webcare', role: 'webcare', password: 'webcare-wachtwoord-2026!', totp: false },
};
const WEBCARE_WORKSPACE = 'webcare-voorbeeld';
// A public-order picture (needs a lead and an end date within 30 days) for the renewal form.
const PUBLIC_ORDER_WORKSPACE = 'demonstratie-plein';
const LIVE_PERSON_QUERY = 'from:@jan OR afval';
const LIVE_TOPIC_QUERY = 'afval OR #gft';
const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

// ---------------------------------------------------------------------------------------------
// Set-up helpers

function peilBinary() {
  if (process.env.PEIL_BIN) {
    if (!fs.existsSync(process.env.PEIL_BIN)) throw new Error(`PEIL_BIN=${process.env.PEIL_BIN} does not exist`);
    return process.env.PEIL_BIN;
  }
  const candidates = [
    process.env.CARGO_TARGET_DIR && path.join(process.env.CARGO_TARGET_DIR, 'release', 'peil'),
    path.join(REPO, 'target', 'release', 'peil'),
    path.join(REPO, 'target', 'debug', 'peil'),
  ].filter(Boolean);
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `no peil binary (looked at ${candidates.join(', ')}); run \`cargo build --release -p peil-cli\` or set PEIL_BIN`,
    );
  }
  return found;
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const character of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(character);
    if (index < 0) throw new Error(`not base32: ${character}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP: HMAC-SHA-1, 30-second steps, 6 digits. */
function totpCode(secret, time = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)));
  const digest = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Shared state

const env = {
  peil: null,
  tmp: null,
  dataDir: null,
  server: null,
  serverLog: [],
  base: null,
  browser: null,
  axeContext: null,
  axePage: null,
  secrets: {},
  /** Every page checked: { label, url, violations: [...] } */
  visited: [],
};

function peil(args, input) {
  return execFileSync(env.peil, ['--data-dir', env.dataDir, ...args], {
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

before(async () => {
  env.peil = peilBinary();
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  env.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'peil-browser-'));
  env.dataDir = path.join(env.tmp, 'data');

  // Data: the demo's organisation and workspace with a generated corpus (about 1,000 posts
  // match its monitors: enough for figures, few enough for suppressed `<k` cells per hour).
  execFileSync(env.peil, ['demo', '--no-serve', '--posts', '3000', '--dir', env.dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Users: the first by the local operator, the others by that admin.
  for (const user of [USERS.admin, USERS.analyst, USERS.fg, USERS.webcare]) {
    const acting = user === USERS.admin ? [] : ['--as', USERS.admin.name];
    peil([...acting, 'user', 'add', '--org', ORG, '--name', user.name, '--role', user.role, '--why', 'browsertest']);
    peil(['user', 'password', '--name', user.name], `${user.password}\n`);
    if (user.totp) {
      const uri = peil(['user', 'totp', '--name', user.name]);
      const secret = new URL(uri.trim()).searchParams.get('secret');
      assert.ok(secret, `no TOTP secret in ${uri}`);
      env.secrets[user.name] = secret;
    }
  }

  // A webcare workspace with two messages addressed to the own account and one that is not
  // (the webcare inbox screen).
  const asAdmin = ['--as', USERS.admin.name];
  peil([...asAdmin, 'workspace', 'create', '--org', ORG, '--name', WEBCARE_WORKSPACE,
    '--purpose', 'communication_webcare', '--purpose-text', 'Vragen aan de gemeente beantwoorden',
    '--legal-basis', 'AVG art. 6 lid 1 sub e', '--retention-days', '7',
    '--own-account', '@voorbeeldstad', '--why', 'browsertest']);
  peil(['--as', USERS.fg.name, 'workspace', 'approve', WEBCARE_WORKSPACE, '--why', 'browsertest']);
  peil([...asAdmin, 'workspace', 'activate', WEBCARE_WORKSPACE, '--why', 'browsertest']);
  peil([...asAdmin, 'monitor', 'add', '--workspace', WEBCARE_WORKSPACE, '--query', 'vuilnis', '--why', 'browsertest']);
  const messages = [0, 1, 2].map((number) => JSON.stringify({
    id: `webcare-${number}`,
    created_at: new Date(Date.now() - number * 60_000).toISOString(),
    text: number < 2 ? `@voorbeeldstad wanneer komt de vuilnis ${number}?` : 'vuilnis op straat',
    author_id: `inwoner-${number}`,
    lang: 'nl',
    url: `https://social.example/@inwoner${number}/${number}77`,
  }));
  peil([...asAdmin, 'workspace', 'create', '--org', ORG, '--name', PUBLIC_ORDER_WORKSPACE,
    '--purpose', 'public_order_general_picture', '--purpose-text', 'Algemeen beeld rond een aangekondigde demonstratie',
    '--legal-basis', 'AVG art. 6 lid 1 sub e jo. art. 172 Gemeentewet', '--retention-days', '14',
    '--lead', 'Aangekondigde demonstratie op het plein', '--until', inDays(10), '--why', 'browsertest']);
  const messageFile = path.join(env.tmp, 'webcare.jsonl');
  fs.writeFileSync(messageFile, `${messages.join('\n')}\n`);
  peil([...asAdmin, 'import', messageFile, '--org', ORG]);

  const port = await freePort();
  env.base = `http://127.0.0.1:${port}`;
  env.server = spawn(
    env.peil,
    [
      '--data-dir', env.dataDir,
      'serve', '--listen', `127.0.0.1:${port}`,
      '--insecure-dev-cookies', '--retention-interval-hours', '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [env.server.stdout, env.server.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => env.serverLog.push(chunk));
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (env.server.exitCode !== null) {
      throw new Error(`peil serve exited (${env.server.exitCode}):\n${env.serverLog.join('')}`);
    }
    try {
      const response = await fetch(`${env.base}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`peil serve did not answer /healthz:\n${env.serverLog.join('')}`);
    await sleep(100);
  }

  env.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  // Only for injecting axe-core: the replayed markup is the flow context's, not fetched here.
  env.axeContext = await env.browser.newContext({ bypassCSP: true });
  env.axeContext.setDefaultTimeout(10_000);
  env.axePage = await env.axeContext.newPage();
});

after(async () => {
  await env.browser?.close();
  if (env.server && env.server.exitCode === null) {
    env.server.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        env.server.kill('SIGKILL');
        resolve();
      }, 5000);
      env.server.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  printSummary();
  if (env.tmp && !process.env.PEIL_BROWSER_KEEP) fs.rmSync(env.tmp, { recursive: true, force: true });
  else if (env.tmp) console.log(`kept ${env.tmp}`);
});

function printSummary() {
  if (env.visited.length === 0) return;
  const lines = [
    '',
    `Screens checked: ${env.visited.length}. axe-core ${AXE_VERSION}, WCAG 2.0/2.1 A+AA: violations (impact); [to review by hand]`,
  ];
  for (const { label, url, violations, incomplete } of env.visited) {
    const counts = violations.length
      ? violations.map((violation) => `${violation.id} (${violation.impact})`).join(', ')
      : 'none';
    const review = incomplete.length ? `  [${incomplete.map((result) => result.id).join(', ')}]` : '';
    lines.push(`  ${label.padEnd(34)} ${counts}${review}  ${url.replace(env.base, '')}`);
  }
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// The two checks of every page

/** A context for the flow itself: the CSP applies, violations are recorded per page. */
async function flowContext(options = {}) {
  const context = await env.browser.newContext({ acceptDownloads: true, locale: 'nl-NL', ...options });
  // Registered by the browser before any page script could run (DevTools injection, not
  // subject to the page's CSP); it only listens.
  await context.addInitScript(() => {
    window.__peilCsp = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__peilCsp.push(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`);
    });
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const watch = { problems: [], documents: [], failed: [] };
  page.on('console', (message) => {
    if (/content.security.policy/i.test(message.text())) watch.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) watch.documents.push(response);
  });
  page.on('requestfailed', (request) => {
    // A live guard check still in flight when the form is submitted is cancelled by the
    // navigation; that is not a failed load of the page.
    const error = request.failure()?.errorText || '';
    if (request.url().endsWith('/monitors/check') && error.includes('ERR_ABORTED')) return;
    watch.failed.push(`${request.url()}: ${error}`);
  });
  page.watch = watch;
  return { context, page };
}

/** Checks the page the flow is on: CSP header and violations, then axe. */
async function check(page, label) {
  const watch = page.watch;
  const url = page.url();
  // The document's own response (the last one of a redirect chain).
  const docResponse = [...watch.documents].reverse().find((response) => response.status() < 300 || response.status() >= 400);
  assert.ok(docResponse, `${label}: no document response seen`);
  const csp = (await docResponse.allHeaders())['content-security-policy'] || '';
  assert.match(csp, /default-src 'none'/, `${label}: strict CSP header missing (got "${csp}")`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `${label}: CSP allows inline or eval`);
  const events = await page.evaluate(() => window.__peilCsp);
  assert.ok(Array.isArray(events), `${label}: the CSP listener did not run`);
  const problems = [...watch.problems, ...events, ...watch.failed];
  assert.deepEqual(problems, [], `${label}: CSP violations or failed loads:\n${problems.join('\n')}`);
  const sheets = await page.evaluate(() => document.styleSheets.length);
  assert.ok(sheets >= 3, `${label}: only ${sheets} stylesheets applied`);
  watch.documents.length = 0;
  watch.problems.length = 0;
  watch.failed.length = 0;

  const html = await page.content();
  const { violations, incomplete } = await axe(url, html);
  env.visited.push({ label, url, violations, incomplete });
  const blocking = violations.filter((violation) => BLOCKING_IMPACTS.has(violation.impact));
  for (const violation of violations) {
    const marker = BLOCKING_IMPACTS.has(violation.impact) ? 'FAIL' : 'note';
    console.log(
      `[${marker}] ${label}: ${violation.id} (${violation.impact}) ${violation.help}\n        ${violation.helpUrl}\n` +
        violation.nodes.map((node) => `        ${node.target.join(' ')} — ${node.failureSummary?.split('\n').join(' ')}`).join('\n'),
    );
  }
  assert.equal(
    blocking.length,
    0,
    `${label}: axe found serious/critical violations:\n` +
      blocking
        .map(
          (violation) =>
            `  ${violation.id} (${violation.impact}): ${violation.help}\n  ${violation.helpUrl}\n` +
            violation.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n'),
        )
        .join('\n'),
  );
}

/** Runs axe-core on `html` served at `url` in the axe context. */
async function axe(url, html) {
  const page = env.axePage;
  const target = url.split('#')[0];
  await page.route(
    (candidate) => candidate.href === target,
    (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    { times: 1 },
  );
  await page.goto(url, { waitUntil: 'load' });
  const sheets = await page.evaluate(() => document.styleSheets.length);
  assert.ok(sheets >= 3, `axe page of ${url}: only ${sheets} stylesheets (colour contrast needs them)`);
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
    AXE_TAGS,
  );
  return { violations: results.violations, incomplete: results.incomplete };
}

/** Navigates by an action (click, submit) and waits for the new document. */
async function navigate(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
}

async function login(page, user, { expectSuccess = true } = {}) {
  await page.goto(`${env.base}/login`);
  await check(page, `login (${user.role})`);
  await page.fill('#username', user.name);
  await page.fill('#password', user.password);
  if (user.totp) await page.fill('#totp', totpCode(env.secrets[user.name]));
  await navigate(page, () => page.click('main button[type=submit]'));
  if (expectSuccess) {
    assert.equal(new URL(page.url()).pathname, '/', `${user.name} is not signed in: ${page.url()}`);
    assert.match(await page.textContent('.peil-user'), new RegExp(user.name));
  }
}

const status = (page) => page.watch.documents.at(-1)?.status();

// ---------------------------------------------------------------------------------------------
// The tests, in order (they share the server and its data)

test('axe pipeline finds violations (self-check)', async () => {
  // Peil's own stylesheets on a page with known faults: a control without a label and grey on
  // white text below 4.5:1. If this found nothing, a green run would prove nothing.
  const html = `<!DOCTYPE html><html lang="nl"><head><title>zelftest</title>
    <link rel="stylesheet" href="/static/peil.css"><link rel="stylesheet" href="/static/peil.css">
    <link rel="stylesheet" href="/static/peil.css"></head>
    <body><main><h1>Zelftest</h1><input type="text"><p><font color="#bbbbbb">te licht</font></p></main></body></html>`;
  const { violations } = await axe(`${env.base}/axe-zelftest`, html);
  const ids = violations.map((violation) => violation.id);
  assert.ok(ids.includes('label'), `axe missed the unlabelled input: ${ids}`);
  assert.ok(ids.includes('color-contrast'), `axe missed the low contrast: ${ids}`);
});

test('CSP check finds violations (self-check)', async () => {
  // A page under Peil's CSP with an inline style attribute and an inline script: both must be
  // reported, by the event listener and on the console.
  const { context, page } = await flowContext();
  try {
    const url = `${env.base}/csp-zelftest`;
    const csp = (await fetch(`${env.base}/login`)).headers.get('content-security-policy') || '';
    assert.match(csp, /default-src 'none'/);
    await page.route(url, (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp },
        body: '<!DOCTYPE html><html lang="nl"><head><title>x</title></head><body><p style="color:red">x</p><script>document.title = "y";</script></body></html>',
      }),
    );
    await page.goto(url);
    const events = await page.evaluate(() => window.__peilCsp);
    assert.ok(events.length >= 2, `the listener missed violations: ${events}`);
    assert.ok(page.watch.problems.length >= 1, 'no CSP console message');
    assert.equal(await page.title(), 'x', 'the inline script ran');
  } finally {
    await context.close();
  }
});

test('login page: keyboard order, skip link, failed login', async () => {
  const { context, page } = await flowContext();
  try {
    await page.goto(`${env.base}/login`);
    await check(page, 'login');

    // The skip link is the first stop and visible when focused.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.className), 'peil-skip-link');
    const box = await page.locator('.peil-skip-link').boundingBox();
    assert.ok(box && box.width > 0 && box.height > 0 && box.y >= 0, 'the focused skip link is not visible');
    // Following it moves focus to the main content; the next stop is the user name.
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'inhoud');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'username');

    // From the top, Tab reaches user name, password, code and the button in that order.
    await page.goto(`${env.base}/login`);
    const order = [];
    for (let step = 0; step < 12; step += 1) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const element = document.activeElement;
          return element.id || (element.type === 'submit' ? `submit:${element.closest('main') ? 'main' : 'other'}` : element.className || element.tagName);
        }),
      );
    }
    assert.equal(order[0], 'peil-skip-link', `first Tab stop: ${order[0]}`);
    const at = (name) => order.indexOf(name);
    for (const name of ['username', 'password', 'totp', 'submit:main']) {
      assert.ok(at(name) > 0, `Tab never reaches ${name}: ${order.join(' → ')}`);
    }
    assert.ok(
      at('username') < at('password') && at('password') < at('totp') && at('totp') < at('submit:main'),
      `Tab order: ${order.join(' → ')}`,
    );

    // A failed login: 401, one message, the field marked invalid.
    await page.fill('#username', USERS.analyst.name);
    await page.fill('#password', 'dit-is-niet-het-wachtwoord');
    await navigate(page, () => page.click('main button[type=submit]'));
    assert.equal(status(page), 401);
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    assert.equal(await page.locator('[role=alert]').count(), 1);
    await check(page, 'login failed');
  } finally {
    await context.close();
  }
});

test('analyst: dashboard (chart, table, <k), CSV export, print page, guard refusal, English', async () => {
  const { context, page } = await flowContext();
  try {
    await login(page, USERS.analyst);
    await check(page, 'overview (analyst)');

    await navigate(page, () => page.click(`a[href="/workspaces/${DEMO_WORKSPACE}/dashboard"]`));
    await check(page, 'dashboard');
    // Each chart is an image with a title, and a table with the same figures follows it.
    const charts = page.locator('svg[role=img]');
    assert.ok((await charts.count()) > 0, 'no chart on the dashboard');
    for (const chart of await charts.all()) {
      const title = await chart.evaluate((svg) => svg.querySelector(':scope > title')?.textContent?.trim());
      assert.ok(title, 'a chart without a title');
      const labelled = await chart.getAttribute('aria-labelledby');
      assert.ok(labelled && labelled.includes('-title'), 'a chart not labelled by its title');
      const table = await chart.evaluate((svg) => {
        const figure = svg.closest('figure');
        let next = figure?.nextElementSibling;
        return next?.tagName === 'TABLE' && next.querySelector('caption') ? next.id || 'table' : null;
      });
      assert.ok(table, 'a chart not followed by a table with a caption');
    }

    // Sentiment over time: a chart and its table, one row per period with three classes, each
    // cell either a share with its count or <k (never a bare number).
    const series = page.locator('section[aria-labelledby="dash-sentiment-series"]');
    assert.equal(await series.count(), 1, 'no sentiment-over-time section');
    assert.equal(await series.locator('svg[role=img]').count(), 1, 'no sentiment-over-time chart');
    const seriesRows = series.locator('table tbody tr');
    assert.ok((await seriesRows.count()) > 0, 'no rows in the sentiment-over-time table');
    for (const cell of await series.locator('table tbody td').all()) {
      const text = (await cell.textContent()).trim();
      assert.match(text, /^(<k|\d+% \(\d+\)|–)$/, `unexpected sentiment-over-time cell: ${text}`);
    }
    assert.ok(
      (await series.locator('p.peil-muted').count()) >= 2,
      'no suppressed-cell count or accuracy caveat beside the sentiment-over-time chart',
    );

    // Per hour, cells under k are suppressed and shown as <k.
    await page.selectOption('#query-interval', 'hour');
    await navigate(page, () => page.click('form.peil-form--query button[type=submit]'));
    assert.match(page.url(), /interval=hour/);
    await check(page, 'dashboard per hour');
    const suppressed = page.locator('td.peil-suppressed');
    assert.ok((await suppressed.count()) > 0, 'no suppressed cells in the hourly view');
    assert.equal((await suppressed.first().textContent()).trim(), '<k');

    // The CSV export: a download whose first rows are the caveat block.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`a[href^="/workspaces/${DEMO_WORKSPACE}/report.csv"]`),
    ]);
    assert.match(download.suggestedFilename(), /^peil-reacties-op-beleid-\d{8}-\d{4}\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const rows = csv.split(/\r?\n/);
    assert.ok(rows[0].startsWith('#'), `the CSV does not start with the caveat rows: ${rows[0]}`);
    assert.ok(rows.some((row) => row.startsWith('#') && /k = 10/.test(row)), 'no k row in the caveat');
    assert.ok(rows.some((row) => row.startsWith('#') && /niet representatief/.test(row)), 'no representativeness caveat');
    assert.ok(rows.some((row) => /<k/.test(row) && !row.startsWith('#')), 'no <k cell in the CSV');
    const seriesCsv = rows.filter((row) => row.startsWith('sentiment_series,'));
    assert.ok(seriesCsv.length > 0, 'no sentiment_series rows in the CSV');
    for (const row of seriesCsv) {
      assert.match(row, /^sentiment_series,[^,]+\/(negative|neutral|positive),(<k,<k|\d+,[\d.]*)$/, row);
    }

    // The print page.
    await navigate(page, () => page.click(`a[href^="/workspaces/${DEMO_WORKSPACE}/report?"]`));
    assert.ok(await page.locator('body.peil--print').count(), 'not the print frame');
    await check(page, 'report, print page');

    // Monitors, live guard feedback (the vendored script): typing a person-targeting query
    // shows the refusal in the polite live region without submitting; focus stays in the field.
    await page.goto(`${env.base}/workspaces/${DEMO_WORKSPACE}/monitors`);
    const live = page.locator('#guard-live');
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    assert.equal((await live.textContent()).trim(), '', 'the live region is not empty before typing');
    const editorUrl = page.url();
    const refusedCheck = page.waitForResponse((response) => response.url().endsWith('/monitors/check'));
    await page.click('#monitor-query');
    await page.keyboard.type(LIVE_PERSON_QUERY, { delay: 15 });
    const refusedReply = await refusedCheck;
    assert.equal(refusedReply.status(), 200);
    assert.equal(refusedReply.request().headers()['x-csrf-token']?.length > 0, true, 'no CSRF header');
    await live.locator('.peil-notice--error').waitFor();
    const refusedText = await live.textContent();
    assert.match(refusedText, /Geweigerd/, 'the refusal is not said in words');
    assert.match(refusedText, /Peil zoekt niet naar personen/);
    assert.ok(!refusedText.includes('@jan'), 'the live message repeats the query');
    assert.equal(page.url(), editorUrl, 'typing navigated');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'monitor-query', 'the verdict took the focus');
    assert.equal(await page.inputValue('#monitor-query'), LIVE_PERSON_QUERY);
    await check(page, 'monitors, live refusal (analyst)');
    // An acceptable query: acceptance appears the same way.
    await page.fill('#monitor-query', LIVE_TOPIC_QUERY);
    await live.locator('.peil-notice--success').waitFor();
    assert.match(await live.textContent(), /Toegestaan/);
    assert.equal(await live.locator('.peil-notice--error').count(), 0);

    // Submitting: the server decides (the script never blocks submit); the refusal is announced.
    await page.fill('#monitor-query', PERSON_QUERY);
    await live.locator('.peil-notice--error').waitFor();
    await page.fill('#monitor-justification', 'Nagaan wat een persoon schrijft (moet geweigerd worden)');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.ok(status(page) >= 400, `a person query was not refused (${status(page)})`);
    assert.equal(await page.locator('#guard-feedback [role=alert]').count(), 1);
    assert.equal(await page.getAttribute('#monitor-query', 'aria-invalid'), 'true');
    await check(page, 'monitors, guard refusal');

    // The language toggle: English from now on (kept in a cookie).
    await page.goto(`${env.base}/workspaces/${DEMO_WORKSPACE}/dashboard`);
    await navigate(page, () => page.click('a.peil-language'));
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.textContent('a.peil-language')).trim(), 'Nederlands');
    await check(page, 'dashboard (English)');
    await page.goto(`${env.base}/workspaces`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the language choice was not kept');
    await check(page, 'overview (English)');

    // A page that does not exist, signed in.
    await page.goto(`${env.base}/bestaat-niet`);
    assert.equal(status(page), 404);
    await check(page, '404 (signed in, English)');

    // Sign out from a screen (the 404 page is anonymous: it shows no user and no sign-out form).
    await page.goto(`${env.base}/workspaces`);
    await navigate(page, () => page.click('form.peil-logout button'));
    assert.equal(new URL(page.url()).pathname, '/login');
    await check(page, 'login after logout');
  } finally {
    await context.close();
  }
});

test('admin (TOTP): create a workspace through the form, add a monitor, guard refusal', async () => {
  const { context, page } = await flowContext();
  try {
    await login(page, USERS.admin);
    await check(page, 'overview (admin)');

    await navigate(page, () => page.click('nav a[href="/workspaces/new"]'));
    await check(page, 'new workspace form');
    // Empty form: an error summary linking to the fields.
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.ok(status(page) >= 400, `an empty workspace form was accepted (${status(page)})`);
    assert.ok((await page.locator('.peil-error-summary a[href^="#"]').count()) > 0, 'no error summary');
    await check(page, 'new workspace form, errors');

    await page.fill('#ws-name', NEW_WORKSPACE);
    await page.check('#ws-purpose-trend-policy-analysis');
    await page.fill('#ws-purpose-text', 'Reacties op het nieuwe inzamelbeleid volgen voor de evaluatie in de raad');
    await page.fill('#ws-legal-basis', 'AVG art. 6 lid 1 sub e jo. art. 160 Gemeentewet');
    await page.fill('#ws-retention-days-posts', '30');
    await page.fill('#ws-retention-days-aggregates', '365');
    await page.fill('#ws-k', '10');
    await page.fill('#ws-fg-contact', 'fg@voorbeeldstad.example');
    await page.fill('#ws-why', 'Evaluatie inzamelbeleid (browsertest)');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(new URL(page.url()).pathname, '/', `the workspace was not created: ${page.url()}`);
    assert.ok(await page.locator('th[scope=row]', { hasText: NEW_WORKSPACE }).count(), 'the new workspace is not listed');
    await check(page, 'overview after create');

    await page.goto(`${env.base}/workspaces/${NEW_WORKSPACE}`);
    await check(page, 'workspace settings');
    // Edit in place: the purpose is shown, not offered; without a why note the error is shown
    // next to the field and in the summary; with one the change is saved.
    assert.equal(await page.locator('input[name=purpose]').count(), 0, 'the purpose is offered in the edit form');
    assert.equal(await page.inputValue('#ws-k'), '10', 'the edit form is not prefilled');
    await page.fill('#ws-k', '12');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(status(page), 400, `an edit without a why note was accepted (${status(page)})`);
    assert.equal(await page.locator('.peil-error-summary a[href="#ws-why"]').count(), 1, 'no error summary for the why note');
    assert.match((await page.getAttribute('#ws-why', 'aria-describedby')) || '', /ws-why-error/);
    await check(page, 'workspace settings, errors');
    await page.fill('#ws-k', '12');
    await page.fill('#ws-why', 'Strengere drempel (browsertest)');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(new URL(page.url()).pathname, '/', `the edit was not saved: ${page.url()}`);
    await page.goto(`${env.base}/workspaces/${NEW_WORKSPACE}`);
    assert.equal(await page.inputValue('#ws-k'), '12', 'the edit was not kept');

    await page.goto(`${env.base}/workspaces/${NEW_WORKSPACE}/monitors`);
    await check(page, 'monitors (admin)');
    await page.fill('#monitor-query', 'afval OR afvalinzameling OR container* OR #gft');
    await page.fill('#monitor-justification', 'Reacties op het nieuwe inzamelbeleid voor de evaluatie in de raad');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(status(page), 200);
    assert.equal(await page.locator('#guard-feedback [role=status]').count(), 1, 'no confirmation');
    assert.ok(await page.locator('tbody code', { hasText: 'container*' }).count(), 'the monitor is not listed');
    await check(page, 'monitors, added');

    await page.fill('#monitor-query', PERSON_QUERY);
    await page.fill('#monitor-justification', 'Nagaan wat een persoon schrijft (moet geweigerd worden)');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.ok(status(page) >= 400);
    assert.equal(await page.locator('#guard-feedback [role=alert]').count(), 1);
    await check(page, 'monitors, guard refusal (admin)');

    // Renewal of a public-order picture: new end date, lead and why; without them the errors
    // are shown; with them the workspace goes back to draft for the FG.
    await page.goto(`${env.base}/workspaces/${PUBLIC_ORDER_WORKSPACE}/renew`);
    assert.equal(status(page), 200);
    await check(page, 'renewal form');
    assert.equal(await page.inputValue('#ws-ends-at'), '', 'the renewal form offers the old end date');
    assert.match(await page.inputValue('#ws-lead'), /demonstratie/, 'the current lead is not prefilled');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(status(page), 400, `a renewal without end date and why was accepted (${status(page)})`);
    assert.equal(await page.locator('.peil-error-summary a[href="#ws-ends-at"]').count(), 1, 'no error for the end date');
    assert.equal(await page.locator('.peil-error-summary a[href="#ws-why"]').count(), 1, 'no error for the why note');
    await check(page, 'renewal form, errors');
    await page.fill('#ws-ends-at', inDays(20));
    await page.fill('#ws-lead', 'De demonstratie is verplaatst naar een nieuwe datum');
    await page.fill('#ws-why', 'Nieuwe aankondiging (browsertest)');
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(new URL(page.url()).pathname, '/', `the renewal was not saved: ${page.url()}`);
    await check(page, 'overview after renewal');
    const renewedRow = page.locator('tr', { has: page.locator('th[scope=row]', { hasText: PUBLIC_ORDER_WORKSPACE }) });
    assert.equal(await renewedRow.count(), 1, 'the renewed workspace is not listed');
    assert.match(await renewedRow.textContent(), /concept|draft/i, 'the renewed workspace is not back in draft');
  } finally {
    await context.close();
  }
});

test('FG (TOTP): console and approval, audit log, documents, subject requests', async () => {
  const { context, page } = await flowContext();
  try {
    await login(page, USERS.fg);
    await check(page, 'overview (FG)');

    await navigate(page, () => page.click('nav a[href="/fg"]'));
    await check(page, 'FG console');
    const card = page.locator('article.peil-card', { hasText: NEW_WORKSPACE });
    assert.equal(await card.count(), 1, 'the new workspace does not await approval');
    await card.locator('textarea[name=why]').fill('DPIA besproken; akkoord (browsertest)');
    await navigate(page, () => card.locator('button[type=submit]').click());
    assert.ok(status(page) < 400, `approval failed (${status(page)})`);
    await check(page, 'after approval');
    await page.goto(`${env.base}/fg`);
    assert.equal(await page.locator('article.peil-card', { hasText: NEW_WORKSPACE }).count(), 0);
    await check(page, 'FG console, nothing pending');

    await navigate(page, () => page.click('nav a[href="/fg/audit"]'));
    await check(page, 'audit log');
    // Pages of 50 entries, newest first, with "older"/"newer" links in a named navigation.
    const rows = await page.locator('table.peil-audit tbody tr').count();
    assert.ok(rows > 0 && rows <= 50, `audit rows on one page: ${rows}`);
    const older = page.locator('nav.peil-pagination a[rel=next]');
    if (rows === 50 && (await older.count()) === 1) {
      await navigate(page, () => older.click());
      assert.equal(status(page), 200);
      assert.match(page.url(), /\/fg\/audit\?before=\d+$/);
      await check(page, 'audit log, older page');
      await navigate(page, () => page.locator('nav.peil-pagination a[rel=prev]').click());
      await check(page, 'audit log, newer page');
    }
    await navigate(page, () => page.click('main form button[type=submit]'));
    assert.equal(status(page), 200);
    await check(page, 'audit log, verified');

    await page.goto(`${env.base}/fg`);
    const documents = await page.locator('a[href^="/fg/documents/"]').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    assert.ok(documents.length >= 4, `documents: ${documents}`);
    for (const href of documents) {
      await page.goto(`${env.base}${href}`);
      assert.equal(status(page), 200, href);
      await check(page, `document ${href.split('?')[0].split('/').pop()}`);
    }

    await page.goto(`${env.base}/fg/subject-requests`);
    await check(page, 'subject requests');
  } finally {
    await context.close();
  }
});

test('webcare: inbox with answer links, mark answered, English', async () => {
  const { context, page } = await flowContext();
  try {
    await login(page, USERS.webcare);
    await check(page, 'overview (webcare)');
    await navigate(page, () => page.click('nav a[href="/inbox"]'));
    assert.equal(status(page), 200);
    await check(page, 'webcare inbox');
    const links = await page
      .locator('main a', { hasText: 'Open om te beantwoorden' })
      .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    assert.deepEqual(links, ['https://social.example/@inwoner0/077', 'https://social.example/@inwoner1/177']);
    const card = page.locator('article.peil-card').first();
    await card.locator('input[name=why]').fill('beantwoord met de ophaaldatum (browsertest)');
    await navigate(page, () => card.locator('button[value=answered]').click());
    assert.equal(status(page), 200);
    await check(page, 'webcare inbox, message answered');
    assert.match(await page.textContent('main'), /Het bericht is bijgewerkt/);
    await page.goto(`${env.base}/inbox?lang=en`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.textContent('main'), /Open to answer/);
    await check(page, 'webcare inbox (English)');
  } finally {
    await context.close();
  }
});

test('public: transparency page and 404 without a session', async () => {
  const { context, page } = await flowContext();
  try {
    await page.goto(`${env.base}/transparency/${encodeURIComponent(ORG)}`);
    assert.equal(status(page), 200);
    await check(page, 'transparency page (public)');
    await page.goto(`${env.base}/transparency/${encodeURIComponent(ORG)}?lang=en`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await check(page, 'transparency page (English)');

    await page.goto(`${env.base}/bestaat-niet`);
    assert.equal(status(page), 404);
    await check(page, '404 (public)');

    // Without a session, a screen sends the browser to the login form.
    await page.goto(`${env.base}/fg`);
    assert.equal(new URL(page.url()).pathname, '/login');
  } finally {
    await context.close();
  }
});
