/**
 * docs/we-yaml.md, rendered from the JSON Schema of we.yaml (we-yaml-schema.ts), so the page says exactly
 * what the schema does: every key, its type, its default and its meaning, bin mappers and plugin options too.
 */
import { SCHEMA_FILE, type JsonSchema } from './we-yaml-schema.js';

interface Row {
  key: string;
  type: string;
  default: string;
  meaning: string;
}

const MAPPER_REF = '#/definitions/bin_mapper';

/** The definition a schema refers to, directly or as its only `allOf` (how a described $ref is written). */
function refOf(schema: JsonSchema): string | undefined {
  const allOf = schema.allOf as JsonSchema[] | undefined;
  return (schema.$ref ?? (allOf?.length === 1 ? allOf[0].$ref : undefined)) as string | undefined;
}

function alternatives(schema: JsonSchema): JsonSchema[] {
  const list = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return list ? list.flatMap((alt) => (alt.anyOf || alt.oneOf ? alternatives(alt) : [alt])) : [schema];
}

/** A plugin field: alternatives that each fix `name` to one plugin. */
function pluginNames(schema: JsonSchema): string[] | undefined {
  const alts = alternatives(schema);
  const names = alts.map((alt) => ((alt.properties as Record<string, JsonSchema> | undefined)?.name?.const as string | undefined));
  return alts.length > 0 && names.every((n) => n !== undefined) && schema.anyOf ? (names as string[]) : undefined;
}

function quoted(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function bounds(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  return parts.length > 0 ? ` ${parts.join(', ')}` : '';
}

function typeOf(schema: JsonSchema): string {
  if (refOf(schema) === MAPPER_REF) return '[bin mapper](#bin-mappers)';
  const names = pluginNames(schema);
  if (names) return 'mapping';
  if (schema.anyOf || schema.oneOf) return [...new Set(alternatives(schema).map(typeOf))].join(', or ');
  if (schema.const !== undefined) return quoted(schema.const);
  if (Array.isArray(schema.enum)) return (schema.enum as unknown[]).map(quoted).join(' \\| ');
  if (Array.isArray(schema.type)) return (schema.type as string[]).map((t) => typeOf({ ...schema, type: t })).join(' or ');
  switch (schema.type) {
    case 'integer':
    case 'number':
      return `${schema.type}${bounds(schema)}`;
    case 'boolean':
      return 'true/false';
    case 'string':
      return 'string';
    case 'null':
      return 'null';
    case 'array': {
      const least = schema.minItems ? ` (at least ${schema.minItems})` : '';
      const items = typeOf(schema.items as JsonSchema);
      return `list${least} of ${items.includes(', or ') ? `(${items})` : items}`;
    }
    case 'object':
      return 'mapping';
    default:
      return 'any';
  }
}

function defaultOf(schema: JsonSchema, required: boolean): string {
  if (typeof schema['x-default'] === 'string') return schema['x-default'];
  if (schema.default !== undefined) {
    const value = schema.default;
    return typeof value === 'string' ? `\`${value}\`` : `\`${JSON.stringify(value)}\``;
  }
  return required ? 'required' : '—';
}

/** Rows for the keys of `schema` (a mapping, a list of mappings, or alternatives of those) under `path`. */
function keyRows(schema: JsonSchema, path: string): Row[] {
  if (refOf(schema) || pluginNames(schema)) return [];
  return alternatives(schema).flatMap((alt) => {
    if (alt.type === 'array' && alt.items) return keyRows(alt.items as JsonSchema, `${path}[]`);
    const properties = alt.properties as Record<string, JsonSchema> | undefined;
    if (alt.type !== 'object' || !properties) return [];
    const required = new Set((alt.required as string[] | undefined) ?? []);
    return Object.entries(properties).flatMap(([key, property]) => {
      const at = path ? `${path}.${key}` : key;
      return [rowOf(at, property, required.has(key)), ...keyRows(property, at)];
    });
  });
}

function rowOf(key: string, schema: JsonSchema, required: boolean): Row {
  const names = pluginNames(schema);
  const pluginNote = names ? ` One of ${names.map((n) => `\`${n}\``).join(', ')}: see [Plugins](#plugins).` : '';
  return {
    key: `\`${key}\``,
    type: typeOf(schema),
    default: defaultOf(schema, required),
    meaning: `${(schema.description as string | undefined) ?? ''}${pluginNote}`.trim(),
  };
}

/** The rows of a plugin field's keys other than name and options: those are the plugin's, shown in its own section. */
function pluginFieldRows(field: string, schema: JsonSchema): Row[] {
  const [first] = alternatives(schema);
  const properties = first.properties as Record<string, JsonSchema>;
  const required = new Set((first.required as string[] | undefined) ?? []);
  const names = pluginNames(schema)!;
  return Object.entries(properties).map(([key, property]) => {
    const row = rowOf(`${field}.${key}`, property, required.has(key));
    if (key === 'name') return { ...row, type: names.map(quoted).join(' \\| ') };
    if (key === 'options') return { ...row, type: 'mapping', default: '`{}`', meaning: "The plugin's options: see its section under [Plugins](#plugins)." };
    return row;
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\\\\\|/g, '\\|').replace(/\n/g, ' ');
}

function table(rows: readonly Row[]): string {
  const lines = rows.map((r) => `| ${r.key} | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.meaning)} |`);
  return ['| key | type | default | meaning |', '|---|---|---|---|', ...lines].join('\n');
}

function topLevelRows(schema: JsonSchema): Row[] {
  const properties = schema.properties as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, property]) => [
    rowOf(key, property, required.has(key)),
    ...(pluginNames(property) ? pluginFieldRows(key, property) : keyRows(property, key)),
  ]);
}

function mapperSection(schema: JsonSchema): string {
  const mapper = (schema.definitions as Record<string, JsonSchema>).bin_mapper;
  const parts = alternatives(mapper).map((alt) => {
    const type = (alt.properties as Record<string, JsonSchema>).type.const as string;
    return `### \`type: ${type}\`\n\n${alt.description ?? ''}\n\n${table(keyRows(alt, ''))}`;
  });
  return `## Bin mappers\n\n\`binning.mapper\` (and a recursive mapper's \`outer\` and \`inner[].mapper\`): ${mapper.description ?? ''}\n\n${parts.join('\n\n')}`;
}

function pluginSection(schema: JsonSchema): string {
  const properties = schema.properties as Record<string, JsonSchema>;
  const parts = Object.entries(properties)
    .filter(([, property]) => pluginNames(property))
    .flatMap(([field, property]) =>
      alternatives(property).map((alt) => {
        const props = alt.properties as Record<string, JsonSchema>;
        const options = props.options;
        const rows = keyRows(options, `${field}.options`);
        const body = rows.length > 0 ? table(rows) : 'It takes no options.';
        return `### \`${field}: {name: ${props.name.const as string}}\`\n\n${options.description ?? ''}\n\n${body}`;
      }),
    );
  return `## Plugins\n\nEach plugin field names its plugin with \`name\` and configures it with \`options\`; both are checked when we.yaml is loaded (\`we init\` as \`we run\`).\n\n${parts.join('\n\n')}`;
}

export function weYamlPage(schema: JsonSchema): string {
  return `# we.yaml reference

<!-- Generated by \`npm run docs\` from core/config/schema.ts and the plugins' option schemas (plugins/catalog.ts): edit those, not this page. -->

${schema.description as string}
Paths in it are relative to its directory, the simulation root (WESTPA's \`WEST_SIM_ROOT\`). The same schema
is [\`${SCHEMA_FILE}\`](../${SCHEMA_FILE}) (JSON Schema): an editor with YAML support (yaml-language-server
in VS Code, vim, emacs, …) completes and checks a we.yaml whose first line is
\`# yaml-language-server: $schema=<path to that file>\`, as every example's is.

In the tables, "required" means the key must be written and "—" that it may be left out; \`a[].b\` is key \`b\`
of each item of list \`a\`.

## Keys

${table(topLevelRows(schema))}

${mapperSection(schema)}

${pluginSection(schema)}
`;
}
