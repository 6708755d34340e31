// graphql-ws against a running server: node ws.mjs <base url> <cases.json>. Each case subscribes
// with the README's client (subscribe.mjs) and reports attempts, close codes and what the
// subscription's callbacks saw, as one JSON line per case; the Go test asserts on them.
import { readFileSync } from 'node:fs';
import { staffcrmClient, refreshWith } from './subscribe.mjs';

const base = new URL(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const httpUrl = new URL('/query', base).href;
const wsUrl = httpUrl.replace(/^http/, 'ws');

async function run(c) {
  const r = { name: c.name, attempts: 0, acks: 0, closeCodes: [], next: 0, error: null, complete: false };
  const client = staffcrmClient({
    url: wsUrl,
    tokens: { accessToken: c.accessToken, refreshToken: c.refreshToken },
    refresh: refreshWith(httpUrl),
    retryWait: () => new Promise((res) => setTimeout(res, 100)),
    on: {
      connecting: () => r.attempts++,
      connected: () => r.acks++,
      closed: (e) => r.closeCodes.push(e?.code),
    },
  });
  await new Promise((resolve) => {
    const timer = setTimeout(() => { r.timedOut = true; resolve(); }, c.waitMs ?? 15000);
    const done = () => { clearTimeout(timer); resolve(); };
    client.subscribe({ query: 'subscription{inquiryAssigned{id}}' }, {
      next: () => r.next++,
      error: (e) => {
        // a CloseEvent when the connection was refused, GraphQL errors when the server ended it
        r.error = Array.isArray(e)
          ? { graphqlErrors: e.map((x) => ({ message: x.message, code: x.extensions?.code })) }
          : { closeCode: e?.code, reason: e?.reason, message: e?.message };
        done();
      },
      complete: () => { r.complete = true; if (c.untilComplete) done(); },
    });
    if (c.stopAfterAckMs) {
      const poll = setInterval(() => {
        if (r.acks > 0) { clearInterval(poll); setTimeout(done, c.stopAfterAckMs); }
      }, 20);
    }
  });
  await new Promise((res) => setTimeout(res, 200)); // let the last close event arrive
  await client.dispose();
  return r;
}

for (const c of cases) console.log(JSON.stringify(await run(c)));
