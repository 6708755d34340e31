// How a front end sends a generated document to a server with TRUSTED_DOCUMENTS: by the id the
// client preset embedded in it, as the GraphQL-over-HTTP persisted-documents request
// ({"documentId": "sha256:<hex>"}); the document's text never leaves the app.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export type GraphQLResult<T> = { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };

export function documentId(doc: TypedDocumentNode<any, any>): string {
  const id = (doc as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!id) throw new Error('the document has no id: generate it with presetConfig.persistedDocuments: true');
  return id;
}

export async function execute<R, V>(url: string, doc: TypedDocumentNode<R, V>, variables: V, token?: string): Promise<GraphQLResult<R>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json;q=0.9',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ documentId: documentId(doc), variables }),
  });
  return (await res.json()) as GraphQLResult<R>;
}

// Apollo's form of the same request, for clients built on Apollo's persisted-queries link: the bare
// hex in extensions.persistedQuery, here as a GET (queries only).
export async function executeGet<R>(url: string, doc: TypedDocumentNode<R, Record<string, never>>, token?: string): Promise<GraphQLResult<R>> {
  const sha256Hash = documentId(doc).replace(/^sha256:/, '');
  const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash } }));
  const res = await fetch(`${url}?extensions=${extensions}`, {
    headers: { Accept: 'application/graphql-response+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  return (await res.json()) as GraphQLResult<R>;
}
