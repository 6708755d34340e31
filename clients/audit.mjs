// graphql-http's own audit suite against a running server: node audit.mjs <base url>.
// Prints every result that is not ok and exits 1 on any error or warning.
import { auditServer } from 'graphql-http';

const url = new URL('/query', process.argv[2] ?? process.env.STAFFCRM_URL).href;
const results = await auditServer({ url });
const counts = { ok: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  if (r.status !== 'ok') {
    let detail = r.reason;
    if (r.response) {
      detail += ` (status ${r.response.status}, body ${(await r.response.text()).slice(0, 300)})`;
    }
    console.log(`${r.status.toUpperCase()} ${r.id} ${r.name}: ${detail}`);
  }
}
console.log(`audit: ${counts.ok} ok, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
