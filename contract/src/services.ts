import { z } from 'zod';

/** The six high-frequency branch services (DOMAIN.md). Titles live in the UI's i18n, not here. */
export const ServiceId = z.enum([
  'qualificationAuth',
  'enrollment',
  'recordsQuery',
  'contributionPayment',
  'rightsRecordPrint',
  'socialSecurityCard',
]);
export type ServiceId = z.infer<typeof ServiceId>;

export const ServiceTile = z.object({
  id: ServiceId,
  /** False until the service's flow is built; the tile then says so honestly. */
  available: z.boolean(),
});
export type ServiceTile = z.infer<typeof ServiceTile>;
