import type { ServiceId } from '@sik/contract';
import { bundleText, services, zh } from '../i18n/zh-CN.ts';
import { useGuardedPress } from './useGuardedPress.ts';

export interface BundleTileProps {
  bundleId: string;
  services: readonly ServiceId[];
  available: boolean;
  onPress: () => unknown;
}

/** A bundled matter (一件事): one wide tile under the six services, naming the services it does in one go. */
export function BundleTile({ bundleId, services: items, available, onPress }: BundleTileProps) {
  const text = bundleText(bundleId);
  const { press, busy } = useGuardedPress(onPress);
  const badgeId = `bundle-badge-${bundleId}`;
  return (
    <button
      type="button"
      className={`tile tile-bundle${available ? '' : ' tile-unavailable'}`}
      onClick={press}
      disabled={busy}
      aria-busy={busy || undefined}
      aria-describedby={available ? undefined : badgeId}
      data-testid={`bundle-tile-${bundleId}`}
      data-available={available}
    >
      <span className="bundle-tag">{zh.home.bundleTag}</span>
      {/* No English line here: the services it bundles are named instead, and the row must stay one line. */}
      <span className="tile-title">{text.title}</span>
      <span className="tile-description">
        {items.length > 0 ? items.map((id) => services[id].title).join(' + ') : text.description}
      </span>
      {available ? null : (
        <span className="tile-badge" id={badgeId}>
          <span className="nowrap badge-soon">{zh.home.unavailableBadge[0]} · </span>
          <span className="nowrap">{zh.home.unavailableBadge[1]}</span>
        </span>
      )}
    </button>
  );
}
