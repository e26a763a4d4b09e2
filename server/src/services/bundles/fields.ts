import type { BundleConfig, BundleFieldConfig } from '@sik/config';
import { unionOfFields } from '@sik/config';
import type { BundleDefinitionResponse } from '@sik/contract';
import { MobilePhone } from '@sik/contract';
import { InvalidInputError } from '../../errors.ts';

/**
 * The bundle's one form: the union of the items' fields (each once), and the server-side check of every value
 * against its field's type, with a message naming the field.
 */

export type FieldValue = string | number | boolean;
export type FieldValues = Readonly<Record<string, FieldValue>>;

export function bundleForm(
  bundle: BundleConfig,
  gradesYuan: readonly number[],
): BundleDefinitionResponse['fields'] {
  return unionOfFields(bundle).map((field) => ({
    id: field.id,
    type: field.type,
    label: field.label,
    required: field.required,
    ...(field.requiredWhen ? { requiredWhen: field.requiredWhen } : {}),
    ...(field.type === 'grade'
      ? { options: gradesYuan.map((g) => ({ value: String(g), label: `${g}元/年` })) }
      : field.options
        ? { options: field.options }
        : {}),
    items: field.items,
  }));
}

function problemOf(
  field: BundleFieldConfig,
  value: FieldValue,
  gradesYuan: readonly number[],
): string | null {
  switch (field.type) {
    case 'personId':
      return typeof value === 'string' && /^P[0-9]{8}$/.test(value) ? null : '应为办理人编号（P加8位数字）';
    case 'phone':
      return typeof value === 'string' && MobilePhone.safeParse(value).success
        ? null
        : '手机号码应为11位数字，以1开头';
    case 'grade':
      return typeof value === 'number' && gradesYuan.includes(value)
        ? null
        : `缴费档次应为 ${gradesYuan.join('、')} 元之一`;
    case 'choice':
      return typeof value === 'string' && (field.options ?? []).some((o) => o.value === value)
        ? null
        : `请从以下选项中选择：${(field.options ?? []).map((o) => o.label).join('、')}`;
    case 'consent':
      return typeof value === 'boolean' ? null : '应为是或否';
  }
}

/**
 * Checks the submitted values against the form and answers them with personId taken from the submission. A
 * field the form does not have, a missing required field or a value of the wrong kind is refused 400 naming the
 * field; a required consent must be given (true).
 */
export function checkFields(
  bundle: BundleConfig,
  gradesYuan: readonly number[],
  personId: string,
  submitted: FieldValues,
): FieldValues {
  const form = unionOfFields(bundle);
  const known = new Set(form.map((f) => f.id));
  for (const id of Object.keys(submitted)) {
    if (!known.has(id)) throw new InvalidInputError(`fields.${id}: 表单中没有这一项`, `fields.${id}`);
  }
  if (submitted.personId !== undefined && submitted.personId !== personId) {
    throw new InvalidInputError('fields.personId: 与办理人不一致', 'fields.personId');
  }
  const values: Record<string, FieldValue> = { ...submitted, personId };
  for (const field of form) {
    const value = values[field.id];
    const when = field.requiredWhen;
    const required = field.required || (when !== undefined && values[when.field] === when.equals);
    const name = `fields.${field.id}`;
    if (value === undefined || value === '') {
      if (required) throw new InvalidInputError(`${name}: 请填写“${field.label}”`, name);
      continue;
    }
    const problem = problemOf(field, value, gradesYuan);
    if (problem) throw new InvalidInputError(`${name}: ${field.label}：${problem}`, name);
    if (field.type === 'consent' && required && value !== true) {
      throw new InvalidInputError(`${name}: 须确认“${field.label}”`, name);
    }
  }
  return values;
}
