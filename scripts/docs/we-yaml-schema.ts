/**
 * The JSON Schema of we.yaml, converted by zod 4 from the schema config loading validates with
 * (core/config/schema.ts) and each plugin's option schema (plugins/catalog.ts): nothing is written twice.
 * A plugin field (`propagator`, …) becomes one alternative per plugin, its `name` fixed and its `options`
 * that plugin's, so an editor completes and checks options too.
 */
import * as z from 'zod';
import type { PluginCatalog, PluginField } from '../../core/config/plugin-catalog.js';
import { weYamlObject } from '../../core/config/schema.js';

export type JsonSchema = { [key: string]: unknown };

/** Where the page and the JSON Schema are kept, relative to the repository. */
export const SCHEMA_FILE = 'schema/we-yaml.schema.json';

/** Draft 7: what yaml-language-server and most editors' YAML support read. */
const TARGET = 'draft-07';

const nonFinite = (value: unknown) => typeof value === 'number' && !Number.isFinite(value);

/**
 * Tidies what zod cannot say in JSON: YAML's .inf (a literal Infinity, which JSON writes as null) is a
 * number to a YAML editor; bounds that are only JavaScript's safe-integer range say nothing; a default
 * computed on the loading machine (`x-default` names it) must not be this machine's value.
 */
function tidy(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  const { zodSchema, jsonSchema } = ctx;
  if (zodSchema._zod.def.type === 'literal' && (zodSchema._zod.def as { values: unknown[] }).values.some(nonFinite)) {
    delete jsonSchema.const;
    jsonSchema.type = 'number';
  }
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if ('x-default' in jsonSchema) delete jsonSchema.default;
}

/** Alternatives that came out the same (the number and the ±.inf literals of a bin edge) are kept once. */
function withoutRepeats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRepeats);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    const tidied = withoutRepeats(value);
    if ((key === 'anyOf' || key === 'oneOf') && Array.isArray(tidied)) {
      const seen = new Set<string>();
      const kept = tidied.filter((alternative) => !seen.has(JSON.stringify(alternative)) && seen.add(JSON.stringify(alternative)));
      out[key] = kept;
    } else {
      out[key] = tidied;
    }
  }
  return out;
}

/**
 * zod writes a recursive schema's z.lazy as a definition of its own that only refers to the named one
 * (`__schema0: {allOf: [{$ref: bin_mapper}]}`): references to such aliases go to the named definition.
 */
function withoutAliases(schema: JsonSchema): JsonSchema {
  const definitions = (schema.definitions ?? {}) as Record<string, JsonSchema>;
  const target = (definition: JsonSchema): string | undefined => {
    const only = (definition.allOf as JsonSchema[] | undefined)?.length === 1 ? (definition.allOf as JsonSchema[])[0] : definition;
    const keys = Object.keys(definition).filter((k) => k !== 'allOf' && k !== '$ref');
    return keys.length === 0 && typeof only.$ref === 'string' ? only.$ref : undefined;
  };
  const aliases = new Map<string, string>();
  for (const [name, definition] of Object.entries(definitions)) {
    const to = target(definition);
    if (to) aliases.set(`#/definitions/${name}`, to);
  }
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' ? (aliases.get(value) ?? value) : rewrite(value)]),
    );
  };
  const rewritten = rewrite(schema) as JsonSchema;
  for (const alias of aliases.keys()) delete (rewritten.definitions as Record<string, unknown>)[alias.slice('#/definitions/'.length)];
  return rewritten;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, { io: 'input', target: TARGET, unrepresentable: 'any', override: tidy }) as JsonSchema;
  return withoutAliases(withoutRepeats(converted) as JsonSchema);
}

/** The alternatives of one plugin field: its keys as we.yaml has them, `name` fixed, `options` the plugin's. */
function pluginAlternatives(base: JsonSchema, plugins: Readonly<Record<string, z.ZodType>>): JsonSchema {
  const { description, default: defaultValue, ...shape } = base;
  const properties = shape.properties as Record<string, JsonSchema>;
  return {
    description,
    ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    anyOf: Object.entries(plugins).map(([name, options]) => {
      const { $schema: _, ...optionsSchema } = jsonSchemaOf(options);
      return {
        ...shape,
        properties: { ...properties, name: { ...properties.name, const: name }, options: { ...optionsSchema, default: {} } },
      };
    }),
  };
}

export function weYamlJsonSchema(catalog: PluginCatalog): JsonSchema {
  const schema = jsonSchemaOf(weYamlObject());
  const properties = schema.properties as Record<string, JsonSchema>;
  for (const field of Object.keys(catalog) as PluginField[]) {
    properties[field] = pluginAlternatives(properties[field], catalog[field]);
  }
  return {
    $schema: schema.$schema,
    title: 'we.yaml',
    description: 'The configuration of a `we` weighted-ensemble simulation.',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
