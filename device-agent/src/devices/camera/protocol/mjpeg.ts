/**
 * MJPEG over HTTP as IP cameras serve it (pure, no I/O): one long response of content type
 * multipart/x-mixed-replace, each part a JPEG with its own small header. ffmpeg's mpjpeg demuxer reads it.
 *
 *   --sikframe\r\n
 *   Content-Type: image/jpeg\r\n
 *   Content-Length: 14022\r\n
 *   \r\n
 *   <JPEG bytes>\r\n
 */

export const MJPEG_BOUNDARY = 'sikframe';
export const MJPEG_CONTENT_TYPE = `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`;

/** The bytes of one part: header, JPEG, CRLF. */
export function mjpegPart(jpeg: Uint8Array): Uint8Array {
  const header = Buffer.from(
    `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`,
    'latin1',
  );
  const part = new Uint8Array(header.length + jpeg.length + 2);
  part.set(header, 0);
  part.set(jpeg, header.length);
  part.set([0x0d, 0x0a], header.length + jpeg.length);
  return part;
}
