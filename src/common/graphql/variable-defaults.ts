import { isInputType, Kind, typeFromAST, valueFromAST, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The request's variables with the operation's declared defaults filled in where a variable was
 * not sent. graphql-js does this itself, but Mercurius runs hot queries through graphql-jit, which
 * refuses `$n: Int! = 14` left out ("of required type Int! was not provided") — so a valid query
 * would work once and fail from its second run on. Undefined when nothing needs filling.
 * Documents with several operations declaring one name with different defaults are left alone.
 */
export function withVariableDefaults(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const given = variables ?? {};
  const filled: Record<string, unknown> = {};
  const conflicting = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of definition.variableDefinitions ?? []) {
      const name = v.variable.name.value;
      if (!v.defaultValue || Object.prototype.hasOwnProperty.call(given, name)) continue;
      const type = typeFromAST(schema, v.type);
      const value = type && isInputType(type) ? valueFromAST(v.defaultValue, type) : undefined;
      if (value === undefined) continue;
      if (name in filled && JSON.stringify(filled[name]) !== JSON.stringify(value)) conflicting.add(name);
      filled[name] = value;
    }
  }
  for (const name of conflicting) delete filled[name];
  return Object.keys(filled).length === 0 ? undefined : { ...given, ...filled };
}
