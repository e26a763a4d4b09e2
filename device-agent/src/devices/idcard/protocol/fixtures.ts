/**
 * Byte-for-byte fixtures from PROTOCOLS.md section 1, one comment per field (STYLE.md rule 8).
 * Shared by the protocol tests; not used at run time.
 */
const hex = (...fields: string[]): string => fields.join('');

export const REQUESTS = {
  resetSam: hex('AAAAAA9669', '0003', '10FF', 'EC'), // preamble · LEN 3 · CMD PARA · CHK
  samStatus: hex('AAAAAA9669', '0003', '11FF', 'ED'),
  samId: hex('AAAAAA9669', '0003', '12FF', 'EE'),
  findCard: hex('AAAAAA9669', '0003', '2001', '22'),
  selectCard: hex('AAAAAA9669', '0003', '2002', '21'),
  readTextPhoto: hex('AAAAAA9669', '0003', '3001', '32'),
  readNewestAddress: hex('AAAAAA9669', '0003', '3003', '30'),
  readTextPhotoFingerprint: hex('AAAAAA9669', '0003', '3010', '23'),
} as const;

export const REPLIES = {
  findCardPresent: hex(
    'AAAAAA9669', // preamble
    '0008', // LEN: 3 status bytes + 4 data + CHK
    '00009F', // SW1 SW2 SW3: 9F find ok
    '00000000', // data
    '97', // CHK: 00^08^00^00^9F^00^00^00^00
  ),
  findNoCard: hex(
    'AAAAAA9669', // preamble
    '0004', // LEN: 3 status bytes + CHK
    '000080', // SW3 80: find failed, no card
    '84', // CHK: 00^04^00^00^80
  ),
  selectOk: hex(
    'AAAAAA9669', // preamble
    '000C', // LEN 12: 3 status bytes + 8 data + CHK
    '000090', // SW3 90 ok
    '0000000000000000', // data
    '9C', // CHK
  ),
  readNoCard: hex(
    'AAAAAA9669', // preamble
    '0004', // LEN 4
    '000041', // SW3 41: read failed
    '45', // CHK
  ),
} as const;

/** Byte offsets inside a whole 30 01 reply frame (1295 bytes). */
export const READ_REPLY = {
  totalBytes: 1295,
  len: 0x0508, // 3 SW + 2 + 2 + 256 + 1024 + CHK
  swAt: 7,
  textLengthAt: 10,
  photoLengthAt: 12,
  textAt: 14,
  photoAt: 270,
  chkAt: 1294,
} as const;
