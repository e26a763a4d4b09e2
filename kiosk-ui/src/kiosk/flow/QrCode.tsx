import { create } from 'qrcode';
import { useMemo } from 'react';

/** Modules of quiet zone around the symbol (ISO/IEC 18004 asks for 4). */
const QUIET = 4;

/**
 * A QR code drawn as one SVG path from the `qrcode` library's module matrix: sharp at any size, no canvas,
 * no HTML injection. Dark on white in both modes, as phone scanners expect.
 */
export function QrCode({ content, label, testId }: { content: string; label: string; testId?: string }) {
  const { size, path } = useMemo(() => {
    const modules = create(content, { errorCorrectionLevel: 'M' }).modules;
    const parts: string[] = [];
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.get(row, col)) parts.push(`M${col + QUIET} ${row + QUIET}h1v1h-1z`);
      }
    }
    return { size: modules.size + QUIET * 2, path: parts.join('') };
  }, [content]);
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      data-testid={testId}
      shapeRendering="crispEdges"
    >
      <title>{label}</title>
      <rect width={size} height={size} fill="#FFFFFF" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
