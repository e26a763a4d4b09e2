import { describe, expect, it } from 'vitest';
import { BundleConfig, BundlesConfig, defaultBundles, unionOfFields } from './bundles.ts';
import { loadServerConfig } from './index.ts';

const newResident = () => {
  const bundle = defaultBundles()[0];
  if (!bundle) throw new Error('no default bundle');
  return bundle;
};

describe('bundles config', () => {
  it('has the new-resident bundle by default: enrollment, first contribution, card application', () => {
    const config = loadServerConfig({}, {});
    expect(config.bundles.map((b) => b.id)).toEqual(['newResident']);
    expect(config.bundles[0]?.items.map((i) => [i.kind, i.service])).toEqual([
      ['enrollment', 'enrollment'],
      ['contribution', 'contributionPayment'],
      ['cardApplication', 'socialSecurityCard'],
    ]);
  });

  it("makes one form of the items' fields, each once, in first-seen order, naming the items that need it", () => {
    const union = unionOfFields(BundleConfig.parse(newResident()));
    expect(union.map((f) => f.id)).toEqual([
      'personId',
      'phone',
      'gradeYuan',
      'householdType',
      'residenceProof',
      'commitmentSigned',
    ]);
    expect(union.find((f) => f.id === 'personId')?.items).toEqual([
      'enrollment',
      'contribution',
      'cardApplication',
    ]);
    expect(union.find((f) => f.id === 'phone')?.items).toEqual(['enrollment', 'cardApplication']);
    expect(union.find((f) => f.id === 'gradeYuan')?.items).toEqual(['enrollment', 'contribution']);
    const total = newResident().items.reduce((n, i) => n + i.fields.length, 0);
    expect(total).toBeGreaterThan(union.length);
  });

  it('refuses a shared field declared two ways, an item missing a field it needs, and duplicate ids', () => {
    const twoWays = newResident();
    const card = twoWays.items[2];
    if (!card) throw new Error('no card item');
    card.fields = card.fields.map((f) => (f.id === 'phone' ? { ...f, label: '联系电话' } : f));
    expect(BundleConfig.safeParse(twoWays).error?.issues[0]?.message).toMatch(
      /phone is declared differently/,
    );

    const missing = newResident();
    const enrollment = missing.items[0];
    if (!enrollment) throw new Error('no enrollment item');
    enrollment.fields = enrollment.fields.filter((f) => f.id !== 'householdType');
    expect(BundleConfig.safeParse(missing).error?.issues[0]?.message).toMatch(/needs field householdType/);

    expect(BundlesConfig.safeParse([newResident(), newResident()]).success).toBe(false);
    expect(() => loadServerConfig({ bundles: [missing] }, {})).toThrow(/needs field householdType/);
  });

  it('requires options on choice fields and only there', () => {
    const bundle = newResident();
    const enrollment = bundle.items[0];
    if (!enrollment) throw new Error('no enrollment item');
    enrollment.fields = enrollment.fields.map((f) =>
      f.id === 'householdType' ? { ...f, options: undefined } : f,
    );
    expect(BundleConfig.safeParse(bundle).success).toBe(false);
  });
});
