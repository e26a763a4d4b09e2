import { BundleFieldType, BundleItemKind, ServiceId } from '@sik/contract';
import { z } from 'zod';

/**
 * Bundled matters (一件事, 打包办) as configuration: a bundle is a list of items, each handled by one kind of
 * engine item and declaring the form fields it needs. The form a citizen fills is the union of the items' fields,
 * each field once (a field shared by two items, e.g. personId or phone, must be declared the same way in both).
 */

const FieldId = z.string().regex(/^[a-z][A-Za-z0-9]{1,39}$/, 'field id must be camelCase letters and digits');

export const BundleFieldConfig = z
  .object({
    id: FieldId,
    type: BundleFieldType,
    /** Plain Chinese, as the form shows it. */
    label: z.string().min(1),
    required: z.boolean().default(true),
    requiredWhen: z.object({ field: FieldId, equals: z.string() }).optional(),
    /** Choice fields only; grade fields take the configured grades. */
    options: z
      .array(z.object({ value: z.string().min(1), label: z.string().min(1) }))
      .min(1)
      .optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'choice' && !field.options) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `choice field ${field.id} needs options` });
    }
    if (field.type !== 'choice' && field.options) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: `only choice fields have options (${field.id})`,
      });
    }
  });
export type BundleFieldConfig = z.infer<typeof BundleFieldConfig>;

/**
 * The fields each kind of item reads, by id and type: a bundle whose item lacks one is refused when the config is
 * loaded, not when a citizen submits.
 */
export const ITEM_FIELDS: Readonly<Record<BundleItemKind, Readonly<Record<string, BundleFieldType>>>> = {
  enrollment: {
    personId: 'personId',
    phone: 'phone',
    gradeYuan: 'grade',
    householdType: 'choice',
    residenceProof: 'choice',
    commitmentSigned: 'consent',
  },
  contribution: { personId: 'personId', gradeYuan: 'grade' },
  cardApplication: { personId: 'personId', phone: 'phone' },
};

export const BundleItemConfig = z.object({
  /** Unique within the bundle; the answer names items by it. */
  id: z.string().regex(/^[a-z][A-Za-z0-9]{1,39}$/),
  kind: BundleItemKind,
  /** The service the kiosk's bank must be authorised for. */
  service: ServiceId,
  title: z.string().min(1),
  fields: z.array(BundleFieldConfig).min(1),
});
export type BundleItemConfig = z.infer<typeof BundleItemConfig>;

export const BundleConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z][A-Za-z0-9]{1,39}$/),
    title: z.string().min(1),
    items: z.array(BundleItemConfig).min(1),
  })
  .superRefine((bundle, ctx) => {
    const seenItems = new Set<string>();
    const seenKinds = new Set<string>();
    const fields = new Map<string, string>();
    bundle.items.forEach((item, i) => {
      if (seenItems.has(item.id))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `item ${item.id} twice` });
      seenItems.add(item.id);
      // One engine item of a kind per bundle: two enrollments in one submission make no sense.
      if (seenKinds.has(item.kind))
        ctx.addIssue({ code: 'custom', path: ['items', i, 'kind'], message: `two ${item.kind} items` });
      seenKinds.add(item.kind);
      for (const [id, type] of Object.entries(ITEM_FIELDS[item.kind])) {
        const declared = item.fields.find((f) => f.id === id);
        if (declared?.type !== type) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'fields'],
            message: `${item.kind} item ${item.id} needs field ${id} of type ${type}`,
          });
        }
      }
      for (const field of item.fields) {
        const text = JSON.stringify(field);
        const earlier = fields.get(field.id);
        if (earlier !== undefined && earlier !== text) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'fields'],
            message: `field ${field.id} is declared differently by two items`,
          });
        }
        fields.set(field.id, text);
      }
    });
    for (const [i, item] of bundle.items.entries()) {
      for (const field of item.fields) {
        if (field.requiredWhen && !fields.has(field.requiredWhen.field)) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'fields'],
            message: `field ${field.id} depends on ${field.requiredWhen.field}, which no item declares`,
          });
        }
      }
    }
  });
export type BundleConfig = z.infer<typeof BundleConfig>;

const PERSON_ID: BundleFieldConfig = { id: 'personId', type: 'personId', label: '办理人', required: true };
const PHONE: BundleFieldConfig = { id: 'phone', type: 'phone', label: '手机号码', required: true };
const GRADE: BundleFieldConfig = {
  id: 'gradeYuan',
  type: 'grade',
  label: '年缴费档次（元）',
  required: true,
};

/** 新市民一件事: enroll in the residents' pension, pay the first year, apply for the social security card. */
export function defaultBundles(): BundleConfig[] {
  return [
    {
      id: 'newResident',
      title: '新参保居民一件事',
      items: [
        {
          id: 'enrollment',
          kind: 'enrollment',
          service: 'enrollment',
          title: '城乡居民基本养老保险参保登记',
          fields: [
            PERSON_ID,
            PHONE,
            GRADE,
            {
              id: 'householdType',
              type: 'choice',
              label: '户籍类型',
              required: true,
              options: [
                { value: 'urban', label: '城镇' },
                { value: 'rural', label: '农村' },
              ],
            },
            {
              id: 'residenceProof',
              type: 'choice',
              label: '居住证明',
              required: true,
              options: [
                { value: 'provided', label: '已提供居住证明' },
                { value: 'commitment', label: '暂无证明，签署告知承诺书' },
              ],
            },
            {
              id: 'commitmentSigned',
              type: 'consent',
              label: '本人承诺所填信息真实，愿意接受事后核查',
              required: false,
              requiredWhen: { field: 'residenceProof', equals: 'commitment' },
            },
          ],
        },
        {
          id: 'contribution',
          kind: 'contribution',
          service: 'contributionPayment',
          title: '城乡居民养老保险首年缴费',
          fields: [PERSON_ID, GRADE],
        },
        {
          id: 'cardApplication',
          kind: 'cardApplication',
          service: 'socialSecurityCard',
          title: '社会保障卡申领',
          fields: [PERSON_ID, PHONE],
        },
      ],
    },
  ];
}

export const BundlesConfig = z.array(BundleConfig).superRefine((bundles, ctx) => {
  const ids = new Set<string>();
  bundles.forEach((b, i) => {
    if (ids.has(b.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `bundle ${b.id} twice` });
    ids.add(b.id);
  });
});
export type BundlesConfig = z.infer<typeof BundlesConfig>;

/** The bundle's one form: every item's fields, each once, in the order they first appear, with who needs them. */
export function unionOfFields(bundle: BundleConfig): (BundleFieldConfig & { items: string[] })[] {
  const union = new Map<string, BundleFieldConfig & { items: string[] }>();
  for (const item of bundle.items) {
    for (const field of item.fields) {
      const existing = union.get(field.id);
      if (existing) existing.items.push(item.id);
      else union.set(field.id, { ...field, items: [item.id] });
    }
  }
  return [...union.values()];
}
