// GraphiQL in headless Chromium, offline: node graphiql.mjs <base url>. The browser may reach
// loopback only; every request the page makes is recorded and any outside its origin fails the
// run. Signs in from the page's form, runs { __typename } and a signed-in query in the editor.
import { chromium } from 'playwright-core';

const base = new URL(process.argv[2]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--no-proxy-server'],
});
const outside = [];
const problems = [];
try {
  const page = await browser.newPage();
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base.origin && u.protocol !== 'data:') {
      outside.push(u.href);
      return route.abort();
    }
    return route.continue();
  });
  page.on('websocket', (ws) => { if (new URL(ws.url()).host !== base.host) outside.push(ws.url()); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });

  const resp = await page.goto(base.href, { waitUntil: 'load' });
  const csp = resp.headers()['content-security-policy'] ?? '';
  if (!csp.includes("script-src 'self'")) problems.push(`no strict CSP: ${csp}`);

  const run = async (query, expect) => {
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 15000 });
    await page.evaluate((q) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q), query);
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      (want) => (document.querySelector('.result-window')?.innerText ?? '').includes(want), expect, { timeout: 15000 });
    return page.evaluate(() => document.querySelector('.result-window').innerText);
  };
  const anon = await run('{ __typename }', '"Query"');

  await page.click('#signin-button');
  await page.waitForSelector('#signed-in:not([hidden])', { timeout: 15000 });
  const who = await page.textContent('#viewer');
  const signedIn = await run('{ viewer { email role } }', 'coordinator@demo.example');

  console.log(JSON.stringify({ editor: true, anonymous: anon.replace(/\s+/g, ' '), viewer: who,
    signedIn: signedIn.replace(/\s+/g, ' '), outside, problems }));
  process.exitCode = outside.length || problems.length ? 1 : 0;
} finally {
  await browser.close();
}
