// The README's websocket rule, in one place: the tests run exactly this client.
//
// On close 4403 (Forbidden: no, invalid or expired token, or an ended session) refresh the access
// token once and reconnect; if the refresh fails, stop and report the error (sign in again). Other
// closes reconnect with backoff; graphql-ws itself never retries 4400, 4401, 4406, 4409 and 4429.
import { createClient, CloseCode } from 'graphql-ws';
import WebSocket from 'ws'; // Node 20 has no global WebSocket; browsers use theirs

export function staffcrmClient({ url, tokens, refresh, retryWait, on = {} }) {
  let forbidden = false; // the last close was 4403
  let refreshFailed = false;
  return createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 2, // at most 3 connection attempts in a row
    retryWait: retryWait ?? ((n) => new Promise((r) => setTimeout(r, 500 * 2 ** n))),
    connectionParams: async () => {
      if (forbidden) {
        forbidden = false;
        try {
          Object.assign(tokens, await refresh(tokens.refreshToken));
        } catch {
          refreshFailed = true; // one more refusal, then shouldRetry stops
        }
      }
      return tokens.accessToken ? { Authorization: `Bearer ${tokens.accessToken}` } : {};
    },
    shouldRetry: (e) => !(e?.code === CloseCode.Forbidden && refreshFailed),
    on: {
      ...on,
      closed: (e) => {
        forbidden = e?.code === CloseCode.Forbidden;
        on.closed?.(e);
      },
    },
  });
}

// refreshWith returns the refresh function for a server: the refreshToken mutation over HTTP.
export function refreshWith(httpUrl) {
  return async (refreshToken) => {
    if (!refreshToken) throw new Error('no refresh token: sign in');
    const res = await fetch(httpUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($t:String!){refreshToken(input:{refreshToken:$t}){accessToken refreshToken}}',
        variables: { t: refreshToken },
      }),
    });
    const body = await res.json();
    if (!body.data?.refreshToken) throw new Error(body.errors?.[0]?.message ?? 'refresh failed');
    return body.data.refreshToken;
  };
}
