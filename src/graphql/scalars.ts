import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver, EmailAddressResolver, JSONResolver } from 'graphql-scalars';
import { EMAIL_MAX } from '../core/validation';

/**
 * graphql-scalars' `DateTime`, naming its specification (RFC 3339's `date-time`) with `@specifiedBy`, so
 * introspecting clients and code generators know what the strings are without reading descriptions.
 */
export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339',
});

/**
 * graphql-scalars' `EmailAddress`, with two additions made before its check: surrounding whitespace is
 * trimmed (people paste addresses with spaces), and anything longer than an email can be is refused
 * without running the pattern on it.
 */
export const EmailAddress = new GraphQLScalarType({
  name: 'EmailAddress',
  description: `${EmailAddressResolver.description} Surrounding whitespace is ignored; compared case-insensitively.`,
  specifiedByURL: EmailAddressResolver.specifiedByURL,
  serialize: (value) => EmailAddressResolver.serialize(value),
  parseValue: (value) => EmailAddressResolver.parseValue(prepare(value)),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) return EmailAddressResolver.parseLiteral(ast, undefined);
    return EmailAddressResolver.parseValue(prepare(ast.value));
  },
  extensions: EmailAddressResolver.extensions,
});

function prepare(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed.length > EMAIL_MAX) throw new TypeError(`Value is not a valid email address: longer than ${EMAIL_MAX} characters`);
  return trimmed;
}

/**
 * graphql-scalars' `JSON`: any JSON value, as is. WebAuthn's options and responses travel in it in
 * their standard JSON forms (`PublicKeyCredentialCreationOptionsJSON`, `RegistrationResponseJSON`...),
 * so `@simplewebauthn/browser` (or the browser's own `toJSON()`) reads and writes them unchanged.
 */
export const JSONScalar = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  description:
    'A JSON value (ECMA-404), passed as is: an object, not a string holding one. WebAuthn options and responses ' +
    'travel in it in their standard JSON forms.',
  specifiedByURL: 'https://ecma-international.org/publications-and-standards/standards/ecma-404/',
});
