import type { AttributeSchema, BlockSchema, TerraformType, ValueConstraints } from '../framework/index.js';

export interface DocumentedType {
  readonly typeName: string;
  readonly kind: 'provider' | 'resource' | 'data source';
  readonly description: string;
  readonly schema: BlockSchema;
}

function typeText(type: TerraformType): string {
  if (typeof type === 'string') return type;
  const [kind, inner] = type;
  if (kind === 'object' || kind === 'tuple') return kind;
  return `${kind}(${typeText(inner as TerraformType)})`;
}

function usage(attribute: AttributeSchema): string {
  if (attribute.required) return 'required';
  if (attribute.computed && !attribute.optional && attribute.default === undefined) return 'computed';
  return 'optional';
}

export function constraintsText(validation: ValueConstraints | undefined): string[] {
  if (!validation) return [];
  const parts: string[] = [];
  if (validation.enum) parts.push(`one of ${validation.enum.map((value) => `\`${value}\``).join(', ')}`);
  if (validation.minimum !== undefined && validation.maximum !== undefined) parts.push(`${validation.minimum} to ${validation.maximum}`);
  else if (validation.minimum !== undefined) parts.push(`at least ${validation.minimum}`);
  else if (validation.maximum !== undefined) parts.push(`at most ${validation.maximum}`);
  if (validation.integer) parts.push('a whole number');
  if (validation.hint) parts.push(validation.hint);
  else if (validation.pattern) parts.push(`matches \`${validation.pattern}\``);
  return parts;
}

/** Markdown table cells may not hold a raw "|" or a line break. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function attributeRows(schema: BlockSchema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    const notes = [
      ...(attribute.default !== undefined ? [`default \`${JSON.stringify(attribute.default)}\``] : []),
      ...constraintsText(attribute.validation),
      ...(attribute.forceNew ? ['changing it replaces the object'] : []),
      ...(attribute.sensitive ? ['sensitive'] : []),
      ...(attribute.deprecated ? [`deprecated: ${attribute.deprecated}`] : []),
    ];
    const description = notes.length > 0 ? `${attribute.description} (${notes.join('; ')})` : attribute.description;
    rows.push(`| \`${prefix}${name}\` | ${typeText(attribute.type)} | ${usage(attribute)} | ${cell(description)} |`);
  }
  for (const [name, nested] of Object.entries(schema.blocks ?? {})) {
    const count = nested.nesting === 'single' ? 'block' : `${nested.nesting} of blocks`;
    const limits = [nested.minItems !== undefined ? `at least ${nested.minItems}` : '', nested.maxItems !== undefined ? `at most ${nested.maxItems}` : '']
      .filter(Boolean)
      .join(', ');
    rows.push(
      `| \`${prefix}${name}\` | ${count} | ${nested.minItems ? 'required' : 'optional'} | ${cell(`${nested.description ?? ''}${limits ? ` (${limits})` : ''}`)} |`,
    );
    rows.push(...attributeRows(nested.block, `${prefix}${name}.`));
  }
  return rows;
}

/** The reference of every documented type, generated from the schemas the provider serves. */
export function referenceMarkdown(types: readonly DocumentedType[]): string {
  const sections = types.map((documented) => {
    const heading = documented.kind === 'provider' ? `provider "${documented.typeName}"` : `${documented.kind} ${documented.typeName}`;
    return [
      `### ${heading}`,
      '',
      documented.description,
      '',
      '| attribute | type | | description |',
      '|---|---|---|---|',
      ...attributeRows(documented.schema),
      '',
    ].join('\n');
  });
  return ['# virtplane reference', '', "<!-- Generated from the provider's schemas by `virtplane docs`; do not edit by hand. -->", '', ...sections].join('\n');
}
