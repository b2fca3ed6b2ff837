// The driver's pages in a real browser (issue 6, DESIGN.md principle 6): headless Chromium from
// Debian driven by playwright-core, against the real reference CSMS (ocpp-csms-sim), with an
// ocpp-rpc client in strict mode playing the pile. On a 360x740 phone screen: the QR landing page
// of an offline pile, log-in, a code (checked with `ocpp-offline-code verify`, nothing derived here),
// then the pile comes back and replays the session with the code as idTag, and "My sessions" shows
// the settlement. A screenshot of each page goes to OCPP_SCREENSHOT_DIR.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { RPCClient } = require('ocpp-rpc');
const { chromium } = require('playwright-core');
const { start, stop, waitFor, waitForAsync, tempDir, tail } = require('../interop/peer/support');

const binDir = process.env.OCPP_BIN_DIR || path.resolve(__dirname, '../../build/dev/bin');
const shotDir = process.env.OCPP_SCREENSHOT_DIR || path.join(__dirname, 'screenshots');
const chromiumPath = process.env.OCPP_CHROMIUM || '/usr/bin/chromium';

const PILE = 'CP-WEB-1';
const DRIVER = { user: 'driver', password: 'driver-secret' };
const TARIFF = '0.30';  // per kWh
const METER_START_WH = 1000;
const METER_STOP_WH = 8500;  // 7500 Wh: 7.50 kWh, 2.25 EUR at 0.30 per kWh

// Runs ocpp-offline-code: {code (exit code), stdout, stderr}.
function offlineCodeCli(...args) {
  return new Promise((resolve) => {
    execFile(path.join(binDir, 'ocpp-offline-code'), args.map(String), { timeout: 20000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

// A strict 1.6 pile that boots, reports its connectors, holds no offline-code key at first and
// accepts the one the server provisions (docs/configuration.md: OfflineCodeKey is "V:HEX[:CHECK]").
class FakePile {
  constructor(ocppPort, state) {
    this.state = state;  // survives reconnects: {keySpec: 'V:HEX:CHECK' | null}
    this.failures = [];
    this.client = new RPCClient({ endpoint: `ws://127.0.0.1:${ocppPort}`, identity: PILE, protocols: ['ocpp1.6'],
      strictMode: true, reconnect: false });
    this.client.on('strictValidationFailure', (e) => this.failures.push(`${e.method}: ${e.error.message}`));
    this.client.handle('GetConfiguration', ({ params }) => {
      const version = this.state.keySpec ? this.state.keySpec.split(':')[0] : '0';
      const known = { OfflineCodeKeyVersion: version, OfflineCodeEnabled: 'true' };
      const wanted = params.key && params.key.length ? params.key : Object.keys(known);
      return {
        configurationKey: wanted.filter((k) => k in known).map((k) => ({ key: k, readonly: k !== 'OfflineCodeEnabled', value: known[k] })),
        unknownKey: wanted.filter((k) => !(k in known)),
      };
    });
    this.client.handle('ChangeConfiguration', ({ params }) => {
      if (params.key === 'OfflineCodeKey') {
        if (!/^\d+:[0-9a-fA-F]{64}(:[0-9a-fA-F]{8})?$/.test(params.value)) return { status: 'Rejected' };
        this.state.keySpec = params.value;
        return { status: 'Accepted' };
      }
      return params.key === 'OfflineCodeEnabled' ? { status: 'Accepted' } : { status: 'NotSupported' };
    });
  }

  async boot() {
    await this.client.connect();
    const boot = await this.client.call('BootNotification', { chargePointVendor: 'BrowserTest', chargePointModel: 'FakePile' });
    assert.equal(boot.status, 'Accepted');
    for (const connectorId of [1, 2]) {
      await this.client.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available',
        timestamp: new Date().toISOString() });
    }
  }

  async close() {
    await this.client.close({ force: true });
  }
}

async function startCsms(dir) {
  const csms = start('ocpp-csms-sim', ['--ocpp-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--database', path.join(dir, 'csms.db'), '--master-key-file', path.join(dir, 'master.key'),
    '--user', `${DRIVER.user}:${DRIVER.password}`, '--tariff-per-kwh', TARIFF, '--currency', 'EUR']);
  await waitFor(() => /listening ocpp=\d+ http=\d+/.test(csms.out), 'the CSMS to listen');
  const [, ocpp, http] = csms.out.match(/listening ocpp=(\d+) http=(\d+)/);
  return { csms, ocpp: Number(ocpp), http: Number(http) };
}

// What a phone of 360 CSS pixels must never need: sideways scrolling.
async function assertFitsTheScreen(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `${what}: the page is ${width} px wide on a 360 px screen`);
}

async function screenshot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `driver-${name}.png`), fullPage: true });
}

test('a driver gets an offline code on a phone and sees the settlement after the replay', { timeout: 120000 }, async () => {
  const dir = tempDir();
  const { csms, ocpp, http } = await startCsms(dir);
  const base = `http://127.0.0.1:${http}`;
  const pileState = { keySpec: null };
  let pile = new FakePile(ocpp, pileState);
  let browser;
  try {
    // The pile boots, gets its key, and loses its link.
    await pile.boot();
    await waitFor(() => pileState.keySpec !== null, 'the server to provision the offline-code key', 15000);
    const [keyVersion, keyHex] = pileState.keySpec.split(':');
    const derived = await offlineCodeCli('derive-key', '--master-key-file', path.join(dir, 'master.key'),
      '--charge-point-id', PILE, '--key-version', keyVersion);
    assert.equal(derived.code, 0, derived.stderr);
    assert.equal(keyHex.toLowerCase(), derived.stdout.trim().toLowerCase(), 'the provisioned key is K(ID, V)');
    assert.deepEqual(pile.failures, [], 'every frame of the CSMS passes the strict peer');
    await pile.close();
    await waitForAsync(async () => {
      const html = await (await fetch(`${base}/c/${PILE}/1`)).text();
      return html.includes('badge-offline') && !html.includes('cannot take offline charging codes');
    }, 'the landing page to show the pile offline and able to take codes');

    browser = await chromium.launch({ executablePath: chromiumPath });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2,
      isMobile: true, hasTouch: true, locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();

    // The QR landing page of the offline pile.
    const landing = await page.goto(`${base}/c/${PILE}/1`);
    assert.equal(landing.status(), 200);
    await assertFitsTheScreen(page, 'landing page');
    assert.match(await page.locator('h1').innerText(), new RegExp(`Charger ${PILE}, connector 1`));
    assert.equal(await page.locator('.status-panel .badge').innerText(), '● Offline');
    await screenshot(page, 'landing-offline');

    // Log in, and come back to the pile.
    await page.getByRole('link', { name: 'Log in to get a code' }).click();
    await page.waitForURL(/\/login\?next=/);
    await assertFitsTheScreen(page, 'log-in page');
    await screenshot(page, 'login');
    await page.getByLabel('User name').fill(DRIVER.user);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /Wrong user name or password/);
    await page.getByLabel('Password').fill(DRIVER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/c/${PILE}/1`);
    assert.match(await page.locator('header.site').innerText(), new RegExp(`Logged in as ${DRIVER.user}`));

    // Ask for a code: it is shown large, in groups of four, with its expiry and how to type it.
    const button = page.getByRole('button', { name: 'Get an offline charging code' });
    const box = await button.boundingBox();
    assert.ok(box.height >= 44 && box.width >= 300, `a large touch target (${box.width}x${box.height})`);
    await button.click();
    await page.waitForURL(`${base}/c/${PILE}/1/code`);
    const shown = await page.locator('.code').innerText();
    assert.match(shown, /^\d{4} \d{4} \d{4} \d{4}$/);
    const code = shown.replace(/ /g, '');
    const fontSize = await page.locator('.code').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(fontSize >= 24, `the code is large (${fontSize} px)`);
    assert.match(await page.locator('main').innerText(), /choose code entry/);
    const expiresAt = await page.locator('.code-card time').getAttribute('datetime');
    assert.ok(Date.parse(expiresAt) > Date.now(), `expires in the future (${expiresAt})`);
    await assertFitsTheScreen(page, 'code page');
    await screenshot(page, 'code');

    // The code verifies for this pile and connector: checked by the CLI, derived nothing here.
    const verify = await offlineCodeCli('verify', '--master-key-file', path.join(dir, 'master.key'),
      '--charge-point-id', PILE, '--connector', 1, '--key-version', keyVersion, code);
    assert.equal(verify.code, 0, `ocpp-offline-code verify refused ${code}: ${verify.stdout}${verify.stderr}`);

    // "My sessions" lists the code as not used yet.
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'My sessions' }).click();
    assert.match(await page.locator('main').innerText(), new RegExp(shown));
    assert.match(await page.locator('main').innerText(), /No charging sessions yet/);

    // The pile comes back and replays the offline session with the code as idTag (1.6).
    const startedAt = new Date(Date.now() - 1000).toISOString();
    pile = new FakePile(ocpp, pileState);
    await pile.boot();
    const started = await pile.client.call('StartTransaction', { connectorId: 1, idTag: code, meterStart: METER_START_WH,
      timestamp: startedAt });
    await pile.client.call('MeterValues', { connectorId: 1, transactionId: started.transactionId,
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '4000', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    await pile.client.call('StopTransaction', { transactionId: started.transactionId, idTag: code, meterStop: METER_STOP_WH,
      timestamp: new Date().toISOString(), reason: 'Local' });
    assert.deepEqual(pile.failures, [], 'every frame of the CSMS passes the strict peer');

    // The settlement reaches the driver's page.
    await waitForAsync(async () => {
      await page.goto(`${base}/me`);
      return (await page.locator('main').innerText()).includes('2.25 EUR');
    }, 'the settlement on My sessions', 15000);
    const me = await page.locator('main').innerText();
    assert.match(me, /7\.50 kWh/);
    assert.match(me, new RegExp(`${PILE}, connector 1`));
    assert.match(me, new RegExp(shown), 'the code that paid');
    assert.match(me, /No codes waiting/, 'the code is no longer pending');
    await assertFitsTheScreen(page, 'My sessions');
    await screenshot(page, 'my-sessions');

    // Online now: the landing page says to just plug in.
    await page.goto(`${base}/c/${PILE}/1`);
    assert.equal(await page.locator('.status-panel .badge').innerText(), '● Online');
    await screenshot(page, 'landing-online');
    await context.close();

    // The pages work with JavaScript off: landing page, log-in form, My sessions.
    const noScript = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${base}/c/${PILE}/2`);
    await plain.getByRole('link', { name: 'Log in to get a code' }).click();
    await plain.getByLabel('User name').fill(DRIVER.user);
    await plain.getByLabel('Password').fill(DRIVER.password);
    await plain.getByRole('button', { name: 'Log in' }).click();
    await plain.waitForURL(`${base}/c/${PILE}/2`);
    await plain.goto(`${base}/me`);
    assert.match(await plain.locator('main').innerText(), /2\.25 EUR/);
    await noScript.close();

    await pile.close();
    assert.equal(await stop(csms), 0, 'the CSMS exits cleanly (under the sanitizers: no report)');
    fs.rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    e.message += tail(csms);
    throw e;
  } finally {
    if (browser) await browser.close();
    await pile.close().catch(() => {});
    await stop(csms);
  }
});
