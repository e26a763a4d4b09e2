/**
 * Byte-for-byte IPP fixtures (RFC 8010), one comment per field (STYLE.md rule 8). Lengths are written out;
 * names and values go through `a()` (their ASCII bytes in hex) to stay readable. Not used at run time.
 */
const hex = (...fields: string[]): string => fields.join('');
/** ASCII text as hex. */
const a = (text: string): string => Buffer.from(text, 'ascii').toString('hex').toUpperCase();

export const TARGET = {
  printerUri: 'ipp://localhost:631/ipp/print',
  requestingUserName: 'sik-kiosk',
} as const;

/** The operation attributes every request of ours starts with. */
const OPERATION_PREAMBLE = hex(
  '01', // begin operation-attributes group
  '47',
  '0012',
  a('attributes-charset'),
  '0005',
  a('utf-8'), // charset
  '48',
  '001B',
  a('attributes-natural-language'),
  '0002',
  a('en'), // naturalLanguage
  '45',
  '000B',
  a('printer-uri'),
  '001D',
  a('ipp://localhost:631/ipp/print'), // uri
  '42',
  '0014',
  a('requesting-user-name'),
  '0009',
  a('sik-kiosk'), // nameWithoutLanguage
);

export const GET_PRINTER_ATTRIBUTES_REQUEST = hex(
  '0101', // version 1.1
  '000B', // operation Get-Printer-Attributes
  '00000001', // request-id 1
  OPERATION_PREAMBLE,
  '44',
  '0014',
  a('requested-attributes'),
  '000D',
  a('printer-state'), // keyword, first value
  '44',
  '0000',
  '0015',
  a('printer-state-reasons'), // additional value: name-length 0
  '44',
  '0000',
  '0015',
  a('printer-state-message'),
  '44',
  '0000',
  '0019',
  a('printer-is-accepting-jobs'),
  '03', // end-of-attributes
);

export const PRINT_JOB_REQUEST = hex(
  '0101', // version 1.1
  '0002', // operation Print-Job
  '00000002', // request-id 2
  OPERATION_PREAMBLE,
  '42',
  '0008',
  a('job-name'),
  '0007',
  a('receipt'), // nameWithoutLanguage
  '49',
  '000F',
  a('document-format'),
  '000F',
  a('application/pdf'), // mimeMediaType
  '02', // begin job-attributes group
  '21',
  '0006',
  a('copies'),
  '0004',
  '00000002', // integer 2
  '03', // end-of-attributes
  a('%PDF-1.4\n'), // the document follows
);

/** A Get-Printer-Attributes answer: stopped, out of paper and paused, with a nested collection to skip over. */
export const PRINTER_ATTRIBUTES_RESPONSE = hex(
  '0101', // version 1.1
  '0000', // status successful-ok
  '00000001', // request-id 1
  '01', // operation-attributes group
  '47',
  '0012',
  a('attributes-charset'),
  '0005',
  a('utf-8'),
  '48',
  '001B',
  a('attributes-natural-language'),
  '0002',
  a('en'),
  '04', // printer-attributes group
  '23',
  '000D',
  a('printer-state'),
  '0004',
  '00000005', // enum 5: stopped
  '44',
  '0015',
  a('printer-state-reasons'),
  '0011',
  a('media-empty-error'), // keyword
  '44',
  '0000',
  '0006',
  a('paused'), // second value
  '22',
  '0019',
  a('printer-is-accepting-jobs'),
  '0001',
  '01', // boolean true
  '41',
  '0015',
  a('printer-state-message'),
  '0008',
  a('no paper'), // textWithoutLanguage
  '34',
  '0009',
  a('media-col'),
  '0000', // begCollection
  '4A',
  '0000',
  '000A',
  a('media-size'), // memberAttrName
  '34',
  '0000',
  '0000', // nested begCollection
  '4A',
  '0000',
  '000B',
  a('x-dimension'),
  '21',
  '0000',
  '0004',
  '00005208', // 21000 (1/100 mm)
  '4A',
  '0000',
  '000B',
  a('y-dimension'),
  '21',
  '0000',
  '0004',
  '00007404', // 29700
  '37',
  '0000',
  '0000', // endCollection (media-size)
  '37',
  '0000',
  '0000', // endCollection (media-col)
  '33',
  '0010',
  a('copies-supported'),
  '0008',
  '00000001',
  '000003E7', // rangeOfInteger 1-999
  '03', // end-of-attributes
);
