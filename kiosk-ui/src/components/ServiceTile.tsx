import type { ServiceId } from '@sik/contract';
import { services, zh } from '../i18n/zh-CN.ts';
import { useGuardedPress } from './useGuardedPress.ts';

export interface ServiceTileProps {
  id: ServiceId;
  available: boolean;
  onPress: () => unknown;
}

/** One service on the home screen. A service this kiosk cannot do yet says so on the tile itself. */
export function ServiceTile({ id, available, onPress }: ServiceTileProps) {
  const text = services[id];
  const { press, busy } = useGuardedPress(onPress);
  const badgeId = `service-badge-${id}`;
  return (
    <button
      type="button"
      className={`tile${available ? '' : ' tile-unavailable'}`}
      onClick={press}
      disabled={busy}
      aria-busy={busy || undefined}
      aria-describedby={available ? undefined : badgeId}
      data-testid={`service-tile-${id}`}
      data-available={available}
    >
      <span className="tile-title">{text.title}</span>
      <span className="tile-en" lang="en">
        {text.en}
      </span>
      <span className="tile-description">{text.description}</span>
      {available ? null : (
        <span className="tile-badge" id={badgeId}>
          <span className="nowrap badge-soon">{zh.home.unavailableBadge[0]} · </span>
          <span className="nowrap">{zh.home.unavailableBadge[1]}</span>
        </span>
      )}
    </button>
  );
}
