/**
 * The config reference (docs/config-reference.md), generated from the zod schema itself, so the documented
 * fields, types, defaults and meanings cannot drift from what the validator accepts (pure).
 */
import { z } from 'zod';
import { runConfigSchema } from './run-config.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

const safeInteger = 9007199254740991;

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(' | ');
  if (schema.type === 'array' && schema.items) return `list of ${typeOf(schema.items)}`;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeOf).join(' | ');
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  const bounds: string[] = [];
  if (schema.minimum !== undefined && schema.minimum > -safeInteger) bounds.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined && schema.maximum < safeInteger) bounds.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  return bounds.length > 0 ? `${type} (${bounds.join(', ')})` : type;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rows(schema: JsonSchema, prefix: string, required: boolean, out: string[][]): void {
  const variants = schema.oneOf ?? schema.anyOf;
  if (schema.properties) {
    if (prefix !== '' && schema.description)
      out.push([`\`${prefix}\``, 'section', required ? 'required' : '', cell(schema.description)]);
    for (const [key, child] of Object.entries(schema.properties))
      rows(child, prefix === '' ? key : `${prefix}.${key}`, schema.required?.includes(key) ?? false, out);
    return;
  }
  if (variants && variants.every((variant) => variant.properties)) {
    if (schema.description)
      out.push([`\`${prefix}\``, 'one of the kinds below', required ? 'required' : '', cell(schema.description)]);
    for (const variant of variants) {
      const kind = variant.properties?.['kind']?.const;
      for (const [key, child] of Object.entries(variant.properties ?? {})) {
        const path = `${prefix}.${key}${kind !== undefined && key !== 'kind' ? ` (${String(kind)})` : ''}`;
        rows(child, path, variant.required?.includes(key) ?? false, out);
      }
    }
    return;
  }
  const fallback =
    schema.default === undefined ? (required ? 'required' : '') : `\`${JSON.stringify(schema.default)}\``;
  out.push([`\`${prefix}\``, cell(typeOf(schema)), fallback, cell(schema.description ?? '')]);
}

/** A Markdown table of every field: path, type, default, meaning. */
export function configReference(schema: z.ZodType, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const table: string[][] = [];
  rows(json, '', true, table);
  return [
    `## ${title}`,
    '',
    '| field | type | default | meaning |',
    '|---|---|---|---|',
    ...table.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/** docs/config-reference.md: the one run config every command reads, generated from its schema. */
export function configReferenceDocument(): string {
  return [
    '# Config reference',
    '',
    'Generated from the zod schemas (`npx tsx scripts/config-reference.ts`; a test fails when this file is stale). A config file is',
    'YAML (or JSON); unknown fields are refused, and every problem of a config is reported at once as `path: message`.',
    '',
    configReference(
      runConfigSchema,
      "`maft run [config.yaml]`, `maft debate --config config.yaml` (the stage commands read the run's stored copy)",
    ),
  ].join('\n');
}
