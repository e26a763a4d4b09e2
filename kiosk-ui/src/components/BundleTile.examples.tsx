import type { BundleTileProps } from './BundleTile.tsx';

export const bundleTileExamples = {
  available: {
    bundleId: 'newResident',
    services: ['enrollment', 'contributionPayment', 'socialSecurityCard'],
    available: true,
    onPress: () => {},
  },
  unavailable: {
    bundleId: 'newResident',
    services: ['enrollment', 'contributionPayment', 'socialSecurityCard'],
    available: false,
    onPress: () => {},
  },
  unknownBundle: { bundleId: 'retirement', services: [], available: true, onPress: () => {} },
} satisfies Record<string, BundleTileProps>;
