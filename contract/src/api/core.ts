import { z } from 'zod';
import { IdCardType } from '../identity.ts';
import { idNumberProblem } from '../idnumber.ts';
import { ServiceId } from '../services.ts';
import type { RouteTable } from './route.ts';

/**
 * The server's HTTP API. Paths, request and response schemas live here only; the server validates with them,
 * the agent's client parses with them, and the OpenAPI document is generated from them.
 */

export const API_PREFIX = '/api/v1';

/** Headers of a kiosk-signed request (ARCHITECTURE.md, Trust). */
export const SignatureHeaders = {
  kioskId: 'x-kiosk-id',
  timestamp: 'x-kiosk-timestamp',
  nonce: 'x-kiosk-nonce',
  signature: 'x-kiosk-signature',
} as const;
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The exact bytes a kiosk signs with Ed25519: method, path with query, timestamp (epoch ms), nonce and the
 * SHA-256 of the body (hex; of the empty string when there is none), one per line.
 */
export function canonicalRequest(parts: {
  method: string;
  path: string;
  timestamp: string;
  nonce: string;
  bodySha256Hex: string;
}): string {
  return [parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, parts.bodySha256Hex].join(
    '\n',
  );
}

export const IdNumber = z.string().superRefine((value, ctx) => {
  const problem = idNumberProblem(value);
  if (problem === 'format')
    ctx.addIssue({ code: 'custom', message: 'ID number must be 17 digits and a digit or X' });
  else if (problem === 'birthDate')
    ctx.addIssue({ code: 'custom', message: 'ID number holds no valid birth date' });
  else if (problem === 'checkCharacter')
    ctx.addIssue({ code: 'custom', message: 'ID number check character is wrong' });
});

export const InsuranceType = z.enum(['pension', 'medical', 'unemployment', 'workInjury', 'maternity']);
export type InsuranceType = z.infer<typeof InsuranceType>;

export const InsuranceStatus = z.enum(['active', 'suspended', 'terminated']);
export type InsuranceStatus = z.infer<typeof InsuranceStatus>;

export const IdentityLookupRequest = z
  .object({
    cardType: IdCardType,
    idNumber: z.string().min(15).max(18),
  })
  .superRefine((value, ctx) => {
    // 2017 foreign permanent residence permits carry a 15-character permit number; every other card an
    // 18-character number with the GB 11643 check character.
    if (value.cardType === 'foreignPermanent2017') {
      if (!/^[A-Z]{3}\d{12}$/.test(value.idNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['idNumber'],
          message: 'permit number must be 3 letters and 12 digits',
        });
      }
      return;
    }
    const problem = IdNumber.safeParse(value.idNumber);
    if (!problem.success) {
      ctx.addIssue({
        code: 'custom',
        path: ['idNumber'],
        message: problem.error.issues[0]?.message ?? 'invalid',
      });
    }
  });
export type IdentityLookupRequest = z.infer<typeof IdentityLookupRequest>;

export const IdentityLookupResponse = z.object({
  personId: z.string(),
  maskedName: z.string(),
  insurances: z.array(z.object({ type: InsuranceType, status: InsuranceStatus, since: z.string() })),
  pensioner: z.boolean(),
});
export type IdentityLookupResponse = z.infer<typeof IdentityLookupResponse>;

export const KioskWhoAmIResponse = z.object({
  kioskId: z.string(),
  branchName: z.string(),
  bankName: z.string(),
  authorisedServices: z.array(ServiceId),
});
export type KioskWhoAmIResponse = z.infer<typeof KioskWhoAmIResponse>;

export const ProvisionKioskRequest = z.object({
  /** Ed25519 public key, SPKI PEM. */
  publicKeyPem: z.string().startsWith('-----BEGIN PUBLIC KEY-----', 'publicKeyPem must be an SPKI PEM'),
});
export const ProvisionKioskResponse = z.object({ kioskId: z.string(), registeredAt: z.string() });

export const HealthResponse = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  migrations: z.number(),
});

/** The foundation's routes: health, provisioning, and who a kiosk and its citizen are. */
export const CoreRoutes = {
  health: { method: 'get', path: '/api/health', signed: false, service: null, response: HealthResponse },
  provisionKiosk: {
    method: 'post',
    path: `${API_PREFIX}/provisioning/kiosks/{kioskId}/key`,
    signed: false,
    service: null,
    request: ProvisionKioskRequest,
    response: ProvisionKioskResponse,
  },
  whoAmI: {
    method: 'get',
    path: `${API_PREFIX}/kiosk/whoami`,
    signed: true,
    service: null,
    response: KioskWhoAmIResponse,
  },
  identityLookup: {
    method: 'post',
    path: `${API_PREFIX}/kiosk/identity-lookup`,
    signed: true,
    service: null,
    request: IdentityLookupRequest,
    response: IdentityLookupResponse,
  },
} as const satisfies RouteTable;
