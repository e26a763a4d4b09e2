/** A still drawing of an ID card lying flat on the reader pad: understandable without any motion. */
export function CardReaderIllustration({ label, arrow = true }: { label: string; arrow?: boolean }) {
  return (
    <svg className="illustration" viewBox="0 0 480 300" role="img" aria-label={label}>
      <title>{label}</title>
      {/* reader body */}
      <rect x="40" y="170" width="400" height="110" rx="18" fill="var(--c-text)" />
      <rect x="70" y="150" width="340" height="40" rx="12" fill="var(--c-text-muted)" />
      <rect x="95" y="158" width="290" height="24" rx="8" fill="var(--c-secondary)" />
      {/* the card, just above the pad */}
      <g transform="translate(140 40)">
        <rect
          width="200"
          height="126"
          rx="12"
          fill="var(--c-surface)"
          stroke="var(--c-primary)"
          strokeWidth="6"
        />
        <rect
          x="18"
          y="22"
          width="54"
          height="68"
          rx="6"
          fill="var(--c-secondary)"
          stroke="var(--c-primary)"
          strokeWidth="3"
        />
        <rect x="88" y="30" width="92" height="12" rx="6" fill="var(--c-primary)" />
        <rect x="88" y="56" width="72" height="12" rx="6" fill="var(--c-primary)" />
        <rect x="18" y="102" width="162" height="10" rx="5" fill="var(--c-primary)" />
      </g>
      {/* downward arrow: place it here (not while reading: then the card must stay still) */}
      {arrow ? (
        <path
          d="M 440 36 L 440 120 M 420 100 L 440 124 L 460 100"
          stroke="var(--c-primary)"
          strokeWidth="10"
          fill="none"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      ) : null}
    </svg>
  );
}
