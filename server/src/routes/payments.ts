import { IdempotencyKey } from '@sik/contract';
import { InvalidInputError, PaymentDeclinedError, UpstreamUnavailableError } from '../errors.ts';
import { rawBodyOf } from '../http/request-context.ts';
import {
  type ContributionPaymentOutcome,
  createPaymentDeps,
  handleGatewayNotification,
  payContribution,
  paymentOptions,
  paymentStatus,
} from '../services/payments.ts';
import type { RouteModuleContext } from './route-module.ts';

const PAYMENT_ID = /^PAY[0-9A-Z]{16}$/;

/**
 * The kiosk's answer to a payment request: the outcome when posted or showing a QR; a declined payment as
 * PAYMENT_DECLINED, and a payment that debited nothing (failed) or whose outcome is not known yet (pending) as
 * UPSTREAM_UNAVAILABLE, each with its plain reason. paymentStatusByKey gives the full outcome in every case.
 */
function answer(outcome: ContributionPaymentOutcome): ContributionPaymentOutcome {
  const reason = outcome.reason ?? '';
  if (outcome.status === 'declined') throw new PaymentDeclinedError(reason);
  if (outcome.status === 'failed') throw new UpstreamUnavailableError(reason);
  if (outcome.status === 'pending')
    throw new UpstreamUnavailableError(`${reason}（缴费单号 ${outcome.paymentId}）`);
  return outcome;
}

export function paymentRoutes({ mount, deps }: RouteModuleContext): void {
  const payments = createPaymentDeps(deps);

  mount('paymentOptions', ({ body }) => paymentOptions(payments, body.personId));

  mount('paymentCreate', async ({ kiosk, body }) =>
    answer(await payContribution(payments, { ...body, kioskId: kiosk.kioskId })),
  );

  mount('paymentStatus', ({ req }) => {
    const paymentId = String(req.params.paymentId ?? '');
    if (!PAYMENT_ID.test(paymentId))
      throw new InvalidInputError('paymentId is not a payment id', 'paymentId');
    return paymentStatus(payments, { paymentId });
  });

  mount('paymentStatusByKey', ({ req }) => {
    const key = IdempotencyKey.safeParse(req.params.idempotencyKey);
    if (!key.success)
      throw new InvalidInputError('idempotencyKey is not an idempotency key', 'idempotencyKey');
    return paymentStatus(payments, { idempotencyKey: key.data });
  });

  mount('paymentGatewayNotify', ({ req, body }) =>
    handleGatewayNotification(payments, body, rawBodyOf(req) ?? Buffer.alloc(0), req.headers),
  );
}
