import {
  activateCard,
  applyForCard,
  type CardDeps,
  cardCryptogram,
  cardOverview,
  cardPhoto,
  closeStock,
  loadStock,
  personaliseCard,
  raiseAlert,
  reportLoss,
  spoilBlank,
  spoilCard,
  stockOf,
} from '../services/cards.ts';
import type { RouteModuleContext } from './route-module.ts';

/**
 * Social security cards at the kiosk (社保卡): lifecycle routes for the citizen's session and staff-only stock
 * routes (a staff token from staff sign-in, as the assisted authentication takes). All signed, all under the
 * socialSecurityCard service.
 */
export function cardRoutes({ mount, deps }: RouteModuleContext): void {
  const d: CardDeps = { db: deps.db, now: deps.now, cards: deps.config.cards };
  const withStaff = { ...d, config: deps.config };
  mount('cardOverview', ({ body }) => cardOverview(d, body.personId));
  mount('cardApply', ({ kiosk, body }) => applyForCard(d, kiosk, body));
  mount('cardReportLoss', ({ kiosk, body }) => reportLoss(d, kiosk, body));
  mount('cardPersonalise', ({ kiosk, body }) => personaliseCard(d, kiosk, body));
  mount('cardCryptogram', ({ kiosk, body }) => cardCryptogram(d, kiosk, body));
  mount('cardActivate', ({ kiosk, body }) => activateCard(d, kiosk, body));
  mount('cardSpoil', ({ kiosk, body }) => spoilCard(d, kiosk, body));
  mount('cardPhoto', ({ kiosk, body }) => cardPhoto(d, kiosk, body));
  mount('cardBlankSpoil', ({ kiosk, body }) => spoilBlank(d, kiosk, body));
  mount('kioskAlert', ({ kiosk, body }) => raiseAlert(d, kiosk, body));
  mount('cardStockLoad', ({ kiosk, body }) => loadStock(withStaff, kiosk, body));
  mount('cardStock', ({ kiosk, body }) => stockOf(withStaff, kiosk, body.staffToken));
  mount('cardStockClose', ({ kiosk, body }) => closeStock(withStaff, kiosk, body));
}
