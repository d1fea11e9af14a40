import { getIntrospectionQuery } from 'graphql';

/**
 * What Apollo Sandbox, GraphiQL, Postman and graphql-codegen send on first contact: the standard
 * introspection query with every option on. The server must always admit it.
 */
export const FULL_INTROSPECTION_OPTIONS = {
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
} as const;

export const FULL_INTROSPECTION_QUERY = getIntrospectionQuery(FULL_INTROSPECTION_OPTIONS);
