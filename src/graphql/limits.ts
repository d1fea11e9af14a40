import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type ValidationRule } from 'graphql';
import { Extensions } from 'type-graphql';
import { DocumentShape } from './DocumentShape';

/**
 * Limits on what one request may ask for, checked before anything runs. GraphQL lets a single
 * document repeat a field under many aliases or through fragments: without these, one POST could carry
 * hundreds of `login` guesses (each a bcrypt compare) and walk past any per-request rate limit, or ask
 * for a response millions of fields large.
 *
 * Everything is counted as the operation would execute (fragments expanded), in one linear pass
 * (`DocumentShape`), and checked *before* graphql-js's own validation rules: some of those are
 * quadratic (OverlappingFieldsCanBeMergedRule) or follow every fragment path (MaxIntrospectionDepthRule),
 * so a hostile document must be refused before they see it. Within the limits their cost is small.
 */
export interface OperationLimits {
  /** Root fields per operation, counting through fragments. */
  maxRootFields: number;
  /** Aliases in the document's operations, as executed. */
  maxAliases: number;
  /** Nesting of selections, through fragments (our deepest real query is 4). */
  maxDepth: number;
  /** Fields in the document's operations, as executed: a cap on the work one request can ask for. */
  maxFields: number;
  /** Directives in the document's operations, as executed (each @skip/@include is evaluated per field). */
  maxDirectives: number;
  /** Inline fragments and fragment spreads in the document's operations, as executed. */
  maxFragments: number;
  /**
   * Fields that execution merges into one place of the response (`id` selected directly and in three
   * fragments: 4). Typed clients repeat a field a few times; hundreds of repeats only make validation
   * compare every pair.
   */
  maxMerged: number;
  /** Argument values as written (each argument, list item and input object field). */
  maxArgumentValues: number;
  /** Variables declared in the document. */
  maxVariables: number;
  /**
   * Fields under `__schema` / `__type` (development only: production refuses introspection). The
   * standard introspection query of every tool (`getIntrospectionQuery()` with all options) asks for
   * about 220; the nesting inside is bounded by MaxIntrospectionDepthRule.
   */
  maxIntrospectionFields: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxRootFields: 10,
  maxAliases: 15,
  maxDepth: 8,
  maxFields: 200,
  maxDirectives: 10,
  maxFragments: 50,
  maxMerged: 20,
  maxArgumentValues: 100,
  maxVariables: 30,
  maxIntrospectionFields: 400,
};

/** Lexical tokens per document; Apollo refuses longer documents before parsing them fully. */
export const MAX_TOKENS = 2000;

/** Marks a root field that runs bcrypt: at most one such field per operation. */
export function HashesPassword() {
  return Extensions({ hashesPassword: true });
}

/** What every limit says about a document: the problems found, each stated once. */
export function checkLimits(document: DocumentNode, schema: GraphQLSchema, limits: OperationLimits = DEFAULT_LIMITS): string[] {
  const problems: string[] = [];
  const shapes = new DocumentShape(document);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);

  // A fragment no operation uses is refused here, as NoUnusedFragmentsRule would, but before the rules
  // that would pay for its size.
  for (const name of shapes.unusedFragments()) problems.push(`Fragment "${name}" is never used.`);

  // Sizes are per document, summed over its operations as they would execute.
  const total = { fields: 0, aliases: 0, directives: 0, fragments: 0, introspectionFields: 0 };
  let tooDeep = false;
  let tooManyRoots = false;
  let hashing = 0;
  for (const operation of operations) {
    const shape = shapes.of(operation);
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] = Math.min(total[key] + shape[key], 1e9);
    tooDeep ||= shape.depth > limits.maxDepth;
    const names = shapes.rootFields(operation);
    tooManyRoots ||= names.length > limits.maxRootFields;
    const root = schema.getRootType(operation.operation)?.getFields();
    hashing = Math.max(hashing, names.filter((name) => root?.[name]?.extensions?.hashesPassword).length);
  }
  if (total.aliases > limits.maxAliases) problems.push(`More than ${limits.maxAliases} aliases in one document.`);
  if (total.fields > limits.maxFields) problems.push(`More than ${limits.maxFields} fields in one document.`);
  if (total.directives > limits.maxDirectives) problems.push(`More than ${limits.maxDirectives} directives in one document.`);
  if (total.fragments > limits.maxFragments) problems.push(`More than ${limits.maxFragments} fragments (inline or spread) in one document.`);
  if (total.introspectionFields > limits.maxIntrospectionFields) {
    problems.push(`More than ${limits.maxIntrospectionFields} introspection fields in one document.`);
  }
  const inputs = shapes.inputs();
  if (inputs.values > limits.maxArgumentValues) problems.push(`More than ${limits.maxArgumentValues} argument values in one document.`);
  if (inputs.variables > limits.maxVariables) problems.push(`More than ${limits.maxVariables} variables in one document.`);
  if (tooDeep) problems.push(`Selections nested deeper than ${limits.maxDepth} levels.`);
  if (tooManyRoots) problems.push(`More than ${limits.maxRootFields} root fields in one operation.`);
  if (hashing > 1) {
    problems.push('Only one password-checking operation (register, login, password or email change, reset, deletion) per request.');
  }
  // Only once the sizes are known to be small: this walk expands every fragment.
  if (problems.length === 0 && operations.some((operation) => shapes.maxMerged(operation) > limits.maxMerged)) {
    problems.push(`A field is selected more than ${limits.maxMerged} times at one place of the response (give repeats aliases).`);
  }
  return problems;
}

/** Returned in place of the document: the rest of validation walks nothing. */
const NOTHING_LEFT: DocumentNode = Object.freeze({ kind: Kind.DOCUMENT, definitions: [] });

/**
 * The limits as a validation rule whose whole work happens when the document is entered, before any
 * other rule has walked into it. A document over a limit is replaced by an empty one for the rest of
 * the walk (graphql-js's visitor semantics: a node returned from `enter` replaces the node visited), so
 * the expensive rules never run on it. Reported like any validation failure: HTTP 400,
 * GRAPHQL_VALIDATION_FAILED.
 */
export function operationLimits(limits: OperationLimits = DEFAULT_LIMITS): ValidationRule {
  return (context) => ({
    Document(document) {
      const problems = checkLimits(document, context.getSchema(), limits);
      if (problems.length === 0) return undefined;
      for (const message of problems) context.reportError(new GraphQLError(message));
      return NOTHING_LEFT;
    },
  });
}
