import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { Extensions } from 'type-graphql';
import { rootFieldNames } from './rootFields';

/**
 * Limits on what one request may ask for, checked before anything runs. GraphQL lets a single
 * document repeat a field under many aliases: without these, one POST could carry hundreds of `login`
 * guesses (each a bcrypt compare) and walk past any per-request rate limit.
 */
export interface OperationLimits {
  /** Root fields per operation, counting through fragments. */
  maxRootFields: number;
  /** Aliases in the whole document. */
  maxAliases: number;
  /** Nesting of selections, through fragments (our deepest real query is 4). */
  maxDepth: number;
  /** Fields selected in the whole document: a cap on the work one request can ask for. */
  maxFields: number;
  /** Directives in the whole document (each @skip/@include is evaluated per field). */
  maxDirectives: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxRootFields: 10,
  maxAliases: 15,
  maxDepth: 8,
  maxFields: 200,
  maxDirectives: 10,
};

/** Lexical tokens per document; Apollo refuses longer documents before parsing them fully. */
export const MAX_TOKENS = 2000;

/** Marks a root field that runs bcrypt: at most one such field per document. */
export function HashesPassword() {
  return Extensions({ hashesPassword: true });
}

export function operationLimits(limits: OperationLimits = DEFAULT_LIMITS): ValidationRule {
  return (context: ValidationContext) => {
    let aliases = 0;
    let fields = 0;
    let directives = 0;
    let hashing = 0;
    const schema = context.getSchema();
    const document = context.getDocument();
    const fragments = new Map(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
    );
    return {
      Field(node) {
        if (node.alias && ++aliases === limits.maxAliases + 1) {
          context.reportError(tooMuch(`More than ${limits.maxAliases} aliases in one document.`));
        }
        if (++fields === limits.maxFields + 1) {
          context.reportError(tooMuch(`More than ${limits.maxFields} fields in one document.`));
        }
      },
      Directive() {
        if (++directives === limits.maxDirectives + 1) {
          context.reportError(tooMuch(`More than ${limits.maxDirectives} directives in one document.`));
        }
      },
      OperationDefinition(node) {
        const root = schema.getRootType(node.operation);
        if (depthOf(node.selectionSet, fragments, new Set()) > limits.maxDepth) {
          context.reportError(tooMuch(`Selections nested deeper than ${limits.maxDepth} levels.`));
        }
        const names = rootFieldNames(node, document);
        if (names.length > limits.maxRootFields) {
          context.reportError(tooMuch(`More than ${limits.maxRootFields} root fields in one operation.`));
        }
        hashing += names.filter((name) => root?.getFields()[name]?.extensions?.hashesPassword).length;
        if (hashing > 1) {
          context.reportError(tooMuch('Only one password-checking operation (register, login, password or email change, reset, deletion) per request.'));
          hashing = -Infinity; // report once
        }
      },
    };
  };
}

/** Depth of nested field selections, following fragment spreads (each fragment once per path). */
function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  path: Set<string>,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, fragments, path) : 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, path));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment that spreads itself is refused by GraphQL validation; stop rather than loop.
      if (!fragment || path.has(name)) continue;
      deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set(path).add(name)));
    }
  }
  return deepest;
}

/** Reported like any validation failure: HTTP 400, code GRAPHQL_VALIDATION_FAILED. */
function tooMuch(message: string): GraphQLError {
  return new GraphQLError(message);
}

