/**
 * Documents built to make validation expensive, each within the body cap (64 KiB) and the token cap
 * (2,000 tokens), so that only the operation limits stand between them and graphql-js's own rules.
 * Before the limits ran as a linear first pass, several of these held the event loop for seconds.
 * Used by the unit test of the limits and by the security suite, which times them on a live server.
 */

const times = (n: number, make: (i: number) => string, separator = ' ') => Array.from({ length: n }, (_, i) => make(i)).join(separator);

/** A fragment that spreads `fanOut` copies of the one below it, `levels` deep: fanOut^levels fields. */
function fanOut(levels: number, width: number, base: string): string {
  let fragments = `fragment F0 on User { ${base} }`;
  for (let i = 1; i <= levels; i++) fragments += `\nfragment F${i} on User { ${times(width, () => `...F${i - 1}`)} }`;
  return fragments;
}

export const HOSTILE_DOCUMENTS: Record<string, string> = {
  // The campaign's document: 199 nested inline fragments, each selecting `me` (6.5 KB, 0.6-1.3 s before).
  nestedInlineFragments: `{ ${'... on Query { me { id email } '.repeat(199)}${' }'.repeat(199)} }`,
  // One field a thousand times (120 ms before).
  oneFieldThousandTimes: `{ me { ${'id '.repeat(1000)} } }`,
  // 687 bytes within every old limit: ten spreads per level, six levels (seconds before).
  fragmentFanOut: `{ me { ...F6 } }\n${fanOut(6, 10, 'id email')}`,
  // A chain of fragments, each adding a field and spreading the next.
  fragmentChain: `{ ...C0 }\n${times(150, (i) => `fragment C${i} on Query { me { id } ${i < 149 ? `...C${i + 1}` : ''} }`, '\n')}`,
  // Many spreads of one large fragment.
  manySpreadsOfOneFragment: `{ me { ${'...Big '.repeat(300)} } }\nfragment Big on User { ${'id email firstName lastName createdAt updatedAt '.repeat(8)} }`,
  // The same field selected again and again: validation compares every pair.
  sameFieldRepeated: `{ me { ${'firstName '.repeat(199)} } }`,
  sameFieldAcrossRoots: `{ ${times(10, () => `me { ${'id email '.repeat(9)} }`)} }`,
  manyFragmentsRepeatingFields: `{ me { ${times(40, (i) => `...R${i}`)} } }\n${times(40, (i) => `fragment R${i} on User { id email firstName lastName }`, '\n')}`,
  // Introspection: many aliases, fan-out through fragments, one list field repeated.
  introspectionAliases: `{ ${times(60, (i) => `s${i}: __schema { types { fields { type { name } } } }`)} }`,
  introspectionFanOut: `{ __schema { types { ...T4 } } }\n${times(5, (i) => (i === 0 ? 'fragment T0 on __Type { name kind }' : `fragment T${i} on __Type { ${`...T${i - 1} `.repeat(4)} }`), '\n')}`,
  introspectionRepeated: `{ __schema { types { ${'name '.repeat(397)} } } }`,
  // Errors are costly too: each validation error captures a stack trace.
  unknownFields: `{ ${times(10, () => `me { ${times(18, (i) => `x${i}`)} }`)} }`,
  unusedVariables: `query (${times(400, (i) => `$v${i}: String`, ', ')}) { me { id } }`,
  unknownArguments: `{ me(${times(600, (i) => `a${i}: 1`, ', ')}) { id } }`,
  deepListValue: `{ me(x: ${'['.repeat(900)}${']'.repeat(900)}) { id } }`,
  deepObjectValue: `mutation { register(input: ${'{a: '.repeat(490)}1${'}'.repeat(490)}) { __typename } }`,
  unusedFragments: `{ me { id } }\n${times(250, (i) => `fragment U${i} on User { id }`, '\n')}`,
};
