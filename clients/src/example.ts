// A typed query a front end can copy: the document is checked against the schema at generation
// time, and its result type follows the selection (scalars as strings, enums as unions).
import { graphql } from './gql';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';

export const OpenPostings = graphql(`
  query OpenPostings($first: Int!, $after: Cursor) {
    postings(first: $first, after: $after, where: { status: OPEN }, orderBy: { field: CREATED_AT, direction: DESC }) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id title hourlyWage createdAt } }
    }
  }
`);

export async function openPostings(url: string, token: string, vars: VariablesOf<typeof OpenPostings>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json;q=0.9',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query: OpenPostings.toString(), variables: vars }),
  });
  const body = (await res.json()) as { data?: ResultOf<typeof OpenPostings>; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
  return body.data.postings;
}

// Compile-time checks that scalars are strings, not any: each line fails to type-check otherwise.
type IsAny<T> = 0 extends 1 & T ? true : false;
type Node = NonNullable<NonNullable<ResultOf<typeof OpenPostings>['postings']['edges']>[number]>['node'];
type Cursor = ResultOf<typeof OpenPostings>['postings']['pageInfo']['endCursor'];
const createdAtIsString: IsAny<NonNullable<Node>['createdAt']> extends false ? NonNullable<Node>['createdAt'] : never = '2026-04-01T00:30:00Z';
const cursorIsString: IsAny<Cursor> extends false ? NonNullable<Cursor> : never = 'opaque';
export const checks = [createdAtIsString, cursorIsString];
