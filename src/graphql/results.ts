import { createUnionType, type ClassType } from 'type-graphql';
import { isFailure } from '../core/results';
import { errorTypeName } from './errors';

/**
 * The result union of an operation. Services answer plain values: a success tagged with `kind`, or a
 * `Failure` with a `code`. The union resolves each on its tag, so no service builds a GraphQL type.
 */
export function resultUnion(name: string, description: string, successes: Record<string, ClassType>, failures: ClassType[]) {
  return createUnionType({
    name,
    description,
    types: () => [...Object.values(successes), ...failures] as [ClassType, ...ClassType[]],
    resolveType: (value: { kind?: string }) => {
      if (isFailure(value)) return errorTypeName(value);
      const type = value.kind === undefined ? undefined : successes[value.kind];
      if (!type) throw new Error(`${name}: no member for a result of kind ${String(value.kind)}`);
      return type;
    },
  });
}
