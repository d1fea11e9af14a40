import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
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
}

export const DEFAULT_LIMITS: OperationLimits = { maxRootFields: 10, maxAliases: 15 };

/** Lexical tokens per document; Apollo refuses longer documents before parsing them fully. */
export const MAX_TOKENS = 2000;

/** Marks a root field that runs bcrypt: at most one such field per document. */
export function HashesPassword() {
  return Extensions({ hashesPassword: true });
}

export function operationLimits(limits: OperationLimits = DEFAULT_LIMITS): ValidationRule {
  return (context: ValidationContext) => {
    let aliases = 0;
    let hashing = 0;
    const schema = context.getSchema();
    const document = context.getDocument();
    return {
      Field(node) {
        if (node.alias && ++aliases === limits.maxAliases + 1) {
          context.reportError(tooMuch(`More than ${limits.maxAliases} aliases in one document.`));
        }
      },
      OperationDefinition(node) {
        const root = schema.getRootType(node.operation);
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

/** Reported like any validation failure: HTTP 400, code GRAPHQL_VALIDATION_FAILED. */
function tooMuch(message: string): GraphQLError {
  return new GraphQLError(message);
}

