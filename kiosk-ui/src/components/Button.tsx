import type { ReactNode } from 'react';
import { useGuardedPress } from './useGuardedPress.ts';

export type ButtonVariant = 'primary' | 'secondary' | 'onBar' | 'staff';
export type ButtonSize = 'normal' | 'large' | 'hero';

export interface ButtonProps {
  children: ReactNode;
  /** A smaller English line under the Chinese label. */
  subtitle?: string;
  /** May return the command's promise: the button stays disabled until it settles. */
  onPress: () => unknown;
  variant?: ButtonVariant;
  size?: ButtonSize;
  disabled?: boolean;
  /** Spoken name when the visible text is not enough. */
  label?: string;
  testId?: string;
  pressed?: boolean;
}

/** The one button of the kiosk: big targets, ignores double taps, disabled while its command runs. */
export function Button({
  children,
  subtitle,
  onPress,
  variant = 'secondary',
  size = 'normal',
  disabled = false,
  label,
  testId,
  pressed,
}: ButtonProps) {
  const { press, busy } = useGuardedPress(onPress);
  return (
    <button
      type="button"
      className={`btn btn-${variant} btn-${size}`}
      onClick={press}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      aria-label={label}
      aria-pressed={pressed}
      data-testid={testId}
    >
      <span className="btn-label">{children}</span>
      {subtitle ? (
        <span className="btn-subtitle" lang="en">
          {subtitle}
        </span>
      ) : null}
    </button>
  );
}
