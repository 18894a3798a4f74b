import type { ContactFields } from './contact-input';

/** Fields the target keeps when it has a value, and takes from the first source that has one otherwise. */
export const FILLABLE: (keyof ContactFields)[] = [
  'street', 'street2', 'city', 'state', 'zip', 'countryCode', 'email', 'phone', 'mobile', 'website', 'jobPosition', 'title',
  'taxId', 'nationalId', 'occupationId', 'instagram', 'facebook', 'twitter', 'salespersonId', 'branchId',
];

/** A normalised value and the value as entered travel together. */
const ENTERED: Partial<Record<keyof ContactFields, keyof ContactFields>> = { email: 'emailEntered', phone: 'phoneEntered', mobile: 'mobileEntered' };

export interface MergeSource {
  id: string;
  name: string;
  code: string | null;
  fields: ContactFields;
}

export interface MergePlan {
  /** The target's fields after the merge. */
  after: ContactFields;
  filledFields: string[];
  /** The source whose customer code the target takes (the target had none), if any. */
  codeFrom: string | null;
}

/**
 * What merging `sources` (in the order given) into `target` does to the target: empty
 * fields filled from the first source that has them, tags combined, notes appended (each
 * source's once, headed with its name), the first source's customer code when the target
 * has none. Name, kind, parent and address type stay the target's.
 */
export function planMerge(target: ContactFields, sources: MergeSource[]): MergePlan {
  const after: ContactFields = { ...target, tagIds: [...target.tagIds] };
  const filledFields: string[] = [];
  for (const key of FILLABLE) {
    if (after[key] !== null) continue;
    const from = sources.find((s) => s.fields[key] !== null);
    if (!from) continue;
    (after as unknown as Record<string, unknown>)[key] = from.fields[key];
    filledFields.push(key);
    const entered = ENTERED[key];
    if (entered) (after as unknown as Record<string, unknown>)[entered] = from.fields[entered];
  }
  const tags = new Set(after.tagIds);
  for (const source of sources) for (const tag of source.fields.tagIds) tags.add(tag);
  if (tags.size !== after.tagIds.length) filledFields.push('tagIds');
  after.tagIds = [...tags].sort();

  const notes: string[] = after.notes ? [after.notes] : [];
  for (const source of sources) {
    const text = source.fields.notes?.trim();
    if (!text || notes.some((n) => n.includes(text))) continue;
    notes.push(`[${source.name}${source.code ? ` ${source.code}` : ''}]\n${text}`);
  }
  const combined = notes.length ? notes.join('\n\n') : null;
  if (combined !== after.notes) filledFields.push('notes');
  after.notes = combined;

  let codeFrom: string | null = null;
  if (after.code === null) {
    const withCode = sources.find((s) => s.code !== null);
    if (withCode) {
      after.code = withCode.code;
      codeFrom = withCode.id;
      filledFields.push('code');
    }
  }
  return { after, filledFields, codeFrom };
}
