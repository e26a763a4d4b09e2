/** Set by vite.config.ts: whether the `?example=` harness is compiled in outside dev. */
declare const __KIOSK_EXAMPLES__: boolean;
