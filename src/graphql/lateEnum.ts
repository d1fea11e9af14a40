import { registerEnumType } from 'type-graphql';

const pending: Array<() => unknown> = [];

/**
 * An enum whose values modules declare as they load (second-factor methods, security event kinds).
 * type-graphql must know an enum before it builds a schema, and the values are only all known once
 * every feature has loaded: so the enum is made and registered by `registerLateEnums`, which
 * `createSchema` calls first. The returned function gives the enum, for `@Field(() => ...)`.
 */
export function lateEnum(name: string, description: string, values: () => Iterable<[string, string]>): () => Record<string, string> {
  let made: Record<string, string> | undefined;
  const get = () => {
    if (made) return made;
    const entries = [...values()];
    made = Object.fromEntries(entries.map(([value]) => [value, value]));
    registerEnumType(made, {
      name,
      description,
      valuesConfig: Object.fromEntries(entries.map(([value, text]) => [value, { description: text }])),
    });
    return made;
  };
  pending.push(get);
  return get;
}

export function registerLateEnums(): void {
  for (const get of pending) get();
}
