// node persisted/dist/main.js URL EMAIL PASSWORD: signs in and asks who it is, every operation by
// id (POST documentId, then GET with Apollo's extension); prints the results as one JSON line.
import { execute, executeGet } from './client.js';
import { SignIn, WhoAmI } from './operations.js';

declare const process: { argv: string[]; exitCode?: number };

const [url, email, password] = process.argv.slice(2);
const signIn = await execute(url, SignIn, { email, password });
const token = signIn.data?.login.accessToken;
const viewer = await execute(url, WhoAmI, {}, token);
const viewerByGet = await executeGet(url, WhoAmI, token);
console.log(JSON.stringify({ signedIn: !!token, signInErrors: signIn.errors ?? [], viewer, viewerByGet }));
