import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { DocumentShape } from './DocumentShape';

/**
 * Apollo keeps parsed documents (one object per distinct query text), so the walk behind these answers
 * runs once per document, not once per request: `me` asks on every request.
 */
const shapes = new WeakMap<DocumentNode, DocumentShape>();
const rootNames = new WeakMap<OperationDefinitionNode, readonly string[]>();

/** The root field names an operation selects, through inline fragments and fragment spreads. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): readonly string[] {
  let names = rootNames.get(operation);
  if (!names) {
    let shape = shapes.get(document);
    if (!shape) shapes.set(document, (shape = new DocumentShape(document)));
    names = shape.rootFields(operation);
    rootNames.set(operation, names);
  }
  return names;
}

const labels = new WeakMap<OperationDefinitionNode, string>();

/** The distinct root field names, sorted and comma-joined: the operation's label in logs and metrics. */
export function rootFieldLabel(operation: OperationDefinitionNode, document: DocumentNode): string {
  let label = labels.get(operation);
  if (label === undefined) {
    label = [...new Set(rootFieldNames(operation, document))].sort().join(',');
    labels.set(operation, label);
  }
  return label;
}
