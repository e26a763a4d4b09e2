import type { ServiceTileProps } from './ServiceTile.tsx';

export const serviceTileExamples = {
  available: { id: 'qualificationAuth', available: true, onPress: () => {} },
  unavailable: { id: 'socialSecurityCard', available: false, onPress: () => {} },
  longTitle: { id: 'rightsRecordPrint', available: true, onPress: () => {} },
} satisfies Record<string, ServiceTileProps>;
