import type { z } from 'zod';
import type { ServiceId } from '../services.ts';

/** One HTTP route of the server: what it accepts, what it answers, and who may call it. */
export interface RouteDefinition {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI style, e.g. `/api/v1/documents/{code}`. */
  path: string;
  /** Signed by a kiosk's key (ARCHITECTURE.md, Trust); false for public routes. */
  signed: boolean;
  /** The service the kiosk's bank must be authorised for; null when any kiosk (or anyone) may call it. */
  service: ServiceId | null;
  request?: z.ZodType;
  /** Query string schema for GET routes. */
  query?: z.ZodType;
  response: z.ZodType;
}

export type RouteTable = Record<string, RouteDefinition>;
