import {
  Kind,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * What an executable definition asks for once executed: fragment spreads expanded, every field of a
 * fragment counted once per place it is spread. This is the honest measure of the work a document
 * requests (ten spreads of a fragment that spreads ten others ask for a hundred times its fields), and
 * the measure that bounds what graphql-js's own validation rules cost afterwards.
 *
 * Computed in one pass over the document: each fragment is measured once and its shape reused at every
 * spread (memoised), and every count saturates instead of growing without bound. So the cost is linear
 * in the document's size however its fragments fan out.
 */
export interface Shape {
  /** Fields outside introspection. */
  fields: number;
  aliases: number;
  directives: number;
  /** Inline fragments and fragment spreads. */
  fragments: number;
  /** Nesting of field selections outside introspection (a leaf field is 1). */
  depth: number;
  /**
   * Fields inside `__schema` and `__type` (their own budget: the standard introspection query alone
   * asks for about 220). Their nesting is bounded by graphql-js's MaxIntrospectionDepthRule instead.
   */
  introspectionFields: number;
}

/** Counts stop here: a number that big is already far past every limit. */
const SATURATED = 1_000_000_000;
const add = (a: number, b: number) => Math.min(a + b, SATURATED);
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
/** Marks a fragment being measured: meeting it again is a cycle, which NoFragmentCyclesRule reports. */
const IN_PROGRESS = Symbol('in progress');
/** Longest list of root fields kept: past the root-field limit, so "too many" is still told. */
const FIELD_LIST_CAP = 32;

const empty = (): Shape => ({ fields: 0, aliases: 0, directives: 0, fragments: 0, depth: 0, introspectionFields: 0 });

export class DocumentShape {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly measured = new Map<string, Shape | typeof IN_PROGRESS>();
  private readonly fieldsAtCache = new Map<SelectionSetNode, readonly FieldNode[] | typeof IN_PROGRESS>();

  constructor(readonly document: DocumentNode) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION && !this.fragments.has(definition.name.value)) {
        this.fragments.set(definition.name.value, definition);
      }
    }
  }

  /** The shape of an operation or of a fragment definition, as it would execute. */
  of(definition: OperationDefinitionNode | FragmentDefinitionNode): Shape {
    const shape = this.ofSelectionSet(definition.selectionSet);
    shape.directives = add(shape.directives, definition.directives?.length ?? 0);
    // A fragment on an introspection type (`fragment TypeRef on __Type`) can only be spread inside
    // `__schema` / `__type`: it is introspection wherever it is measured.
    if (definition.kind === Kind.FRAGMENT_DEFINITION && definition.typeCondition.name.value.startsWith('__')) {
      return { ...shape, fields: 0, depth: 0, introspectionFields: add(shape.introspectionFields, shape.fields) };
    }
    return shape;
  }

  /**
   * The root field names an operation selects, through inline fragments and fragment spreads, each as
   * often as it is selected, at most `FIELD_LIST_CAP` of them (callers need no more than "too many").
   */
  rootFields(operation: OperationDefinitionNode): string[] {
    return this.fieldsAt(operation.selectionSet).map((field) => field.name.value);
  }

  /**
   * The most fields that execution would merge into one response path (`me.id` selected directly and
   * in three fragments: 4). graphql-js compares every pair of such fields (OverlappingFieldsCanBeMergedRule),
   * so this bounds that rule's work. Expands the operation fully: call it only once its size is known
   * to be within the limits.
   */
  maxMerged(operation: OperationDefinitionNode): number {
    const counts = new Map<string, number>();
    let most = 0;
    const inFragments = new Set<string>();
    const expand = (set: SelectionSetNode, path: string) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = `${path}.${selection.alias?.value ?? selection.name.value}`;
          const count = (counts.get(key) ?? 0) + 1;
          counts.set(key, count);
          most = Math.max(most, count);
          if (selection.selectionSet) expand(selection.selectionSet, key);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          expand(selection.selectionSet, path);
        } else {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          if (!fragment || inFragments.has(name)) continue;
          inFragments.add(name);
          expand(fragment.selectionSet, path);
          inFragments.delete(name);
        }
      }
    };
    expand(operation.selectionSet, '');
    return most;
  }

  /**
   * Argument values as written in the document (each argument, and each list item and object field
   * inside one), and variables declared: validation and coercion walk each of these once.
   */
  inputs(): { values: number; variables: number } {
    let values = 0;
    let variables = 0;
    const countValue = (value: ValueNode): void => {
      values += 1;
      if (value.kind === Kind.LIST) for (const item of value.values) countValue(item);
      else if (value.kind === Kind.OBJECT) for (const field of value.fields) countValue(field.value);
    };
    const countDirectives = (directives: readonly DirectiveNode[] | undefined) => {
      for (const directive of directives ?? []) for (const argument of directive.arguments ?? []) countValue(argument.value);
    };
    const walk = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        countDirectives(selection.directives);
        if (selection.kind === Kind.FIELD) for (const argument of selection.arguments ?? []) countValue(argument.value);
        if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) walk(selection.selectionSet);
      }
    };
    for (const definition of this.document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      countDirectives(definition.directives);
      for (const variable of definition.variableDefinitions ?? []) {
        variables += 1;
        if (variable.defaultValue) countValue(variable.defaultValue);
      }
      walk(definition.selectionSet);
    }
    return { values, variables };
  }

  /** Fragments that no operation spreads, directly or through other fragments. */
  unusedFragments(): string[] {
    const used = new Set<string>();
    const pending: SelectionSetNode[] = this.document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.selectionSet] : []));
    while (pending.length > 0) {
      for (const selection of pending.pop()!.selections) {
        if (selection.kind !== Kind.FRAGMENT_SPREAD) {
          if (selection.selectionSet) pending.push(selection.selectionSet);
          continue;
        }
        const fragment = this.fragments.get(selection.name.value);
        if (fragment && !used.has(selection.name.value)) {
          used.add(selection.name.value);
          pending.push(fragment.selectionSet);
        }
      }
    }
    return [...this.fragments.keys()].filter((name) => !used.has(name));
  }

  /** The fields a selection set selects at its own level, through fragments; memoised per selection set. */
  private fieldsAt(set: SelectionSetNode): readonly FieldNode[] {
    const known = this.fieldsAtCache.get(set);
    if (known === IN_PROGRESS) return [];
    if (known) return known;
    this.fieldsAtCache.set(set, IN_PROGRESS);
    const fields: FieldNode[] = [];
    for (const selection of set.selections) {
      if (fields.length >= FIELD_LIST_CAP) break;
      let found: readonly FieldNode[];
      if (selection.kind === Kind.FIELD) found = [selection];
      else if (selection.kind === Kind.INLINE_FRAGMENT) found = this.fieldsAt(selection.selectionSet);
      else {
        const fragment = this.fragments.get(selection.name.value);
        found = fragment ? this.fieldsAt(fragment.selectionSet) : [];
      }
      for (const field of found) if (fields.length < FIELD_LIST_CAP) fields.push(field);
    }
    this.fieldsAtCache.set(set, fields);
    return fields;
  }

  private ofSelectionSet(set: SelectionSetNode): Shape {
    const shape = empty();
    for (const selection of set.selections) {
      shape.directives = add(shape.directives, selection.directives?.length ?? 0);
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? this.ofSelectionSet(selection.selectionSet) : empty();
        if (selection.alias) shape.aliases = add(shape.aliases, 1);
        shape.aliases = add(shape.aliases, inner.aliases);
        shape.directives = add(shape.directives, inner.directives);
        shape.fragments = add(shape.fragments, inner.fragments);
        if (INTROSPECTION_ROOTS.has(selection.name.value)) {
          // Everything below an introspection root counts toward the introspection budget, not the depth.
          shape.introspectionFields = add(shape.introspectionFields, 1 + inner.fields + inner.introspectionFields);
        } else {
          shape.fields = add(shape.fields, 1 + inner.fields);
          shape.introspectionFields = add(shape.introspectionFields, inner.introspectionFields);
          shape.depth = Math.max(shape.depth, 1 + inner.depth);
        }
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? this.ofSelectionSet(selection.selectionSet) : this.ofFragment(selection.name.value);
        shape.fragments = add(shape.fragments, 1);
        merge(shape, inner);
      }
    }
    return shape;
  }

  private ofFragment(name: string): Shape {
    const known = this.measured.get(name);
    if (known === IN_PROGRESS) return empty();
    if (known) return known;
    const fragment = this.fragments.get(name);
    // An unknown fragment is KnownFragmentNamesRule's to report.
    if (!fragment) return empty();
    this.measured.set(name, IN_PROGRESS);
    const shape = this.of(fragment);
    this.measured.set(name, shape);
    return shape;
  }
}


function merge(into: Shape, from: Shape): void {
  into.fields = add(into.fields, from.fields);
  into.aliases = add(into.aliases, from.aliases);
  into.directives = add(into.directives, from.directives);
  into.fragments = add(into.fragments, from.fragments);
  into.introspectionFields = add(into.introspectionFields, from.introspectionFields);
  into.depth = Math.max(into.depth, from.depth);
}
