// Operations of a front end that runs against a server with TRUSTED_DOCUMENTS: each is sent by the
// id graphql-codegen embedded in it (document.__meta__.hash), never as text.
import { graphql } from './gql/index.js';

export const SignIn = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    login(input: { email: $email, password: $password }) {
      accessToken
    }
  }
`);

export const WhoAmI = graphql(`
  query WhoAmI {
    viewer {
      email
      role
    }
  }
`);
