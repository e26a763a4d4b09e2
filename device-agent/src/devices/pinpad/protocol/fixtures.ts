/**
 * Byte-for-byte fixtures of the PIN pad frames, one comment per field (STYLE.md rule 8). The framing is our own
 * design (UNCONFIRMED, see frame.ts); these pin it down so a change is deliberate. Not used at run time.
 */
const hex = (...fields: string[]): string => fields.join('');

/** Test keys and account: never real ones. */
export const TEST_PIN_KEY = '0123456789abcdeffedcba9876543210';
export const TEST_MASTER_KEY = '00112233445566778899aabbccddeeff';
export const TEST_WORKING_KEY = 'fedcba98765432100123456789abcdef';
export const TEST_ACCOUNT = '6222021234567890128';

export const REQUESTS = {
  status: hex('02', '01', '10', '03', '12'), // STX · LEN 1 · CMD 10 · ETX · BCC 01^10^03
  getPinBlock: hex('02', '01', '31', '03', '33'), // STX · LEN 1 · CMD 31 · ETX · BCC 01^31^03
  cancelEntry: hex('02', '01', '32', '03', '30'), // STX · LEN 1 · CMD 32 · ETX · BCC 01^32^03
  startPinEntry: hex(
    '02', // STX
    '16', // LEN 22: CMD + min + max + 19 account digits
    '30', // CMD start PIN entry
    '04', // min length 4
    '06', // max length 6
    '36323232303231323334353637383930313238', // account 6222021234567890128 in ASCII
    '03', // ETX
    '1B', // BCC: XOR from LEN to ETX
  ),
  startClearEntry: hex(
    '02', // STX
    '03', // LEN 3: CMD + min + max
    '33', // CMD start clear PIN entry
    '06', // min length 6
    '06', // max length 6
    '03', // ETX
    '33', // BCC: 03^33^06^06^03
  ),
  loadWorkingKey: hex(
    '02', // STX
    '15', // LEN 21: CMD + 16 key bytes + 4 check-value bytes
    '20', // CMD load working key
    '56386283304B56AB92105180C4A470AB', // TEST_WORKING_KEY encrypted under TEST_MASTER_KEY, SM4-ECB
    '40013356', // check value: SM4(TEST_WORKING_KEY, 16 zero bytes), first 4 bytes
    '03', // ETX
    'F3', // BCC
  ),
} as const;

export const REPLIES = {
  statusIdleKeyLoaded: hex(
    '02', // STX
    '05', // LEN 5: CMD + ST + 3 data
    '10', // CMD echoed: status
    '00', // ST ok
    '00', // mode idle
    '01', // key loaded
    '00', // faults: none
    '03', // ETX
    '17', // BCC
  ),
  startOk: hex('02', '02', '30', '00', '03', '31'), // STX · LEN 2 · CMD 30 · ST ok · ETX · BCC
  startNoKey: hex('02', '02', '30', '04', '03', '35'), // STX · LEN 2 · CMD 30 · ST 04 no key · ETX · BCC
  loadWorkingKeyOk: hex(
    '02', // STX
    '06', // LEN 6: CMD + ST + 4-byte check value
    '20', // CMD echoed: load working key
    '00', // ST ok
    '40013356', // the check value of the key now loaded
    '03', // ETX
    '01', // BCC
  ),
  pinBlock: hex(
    '02', // STX
    '12', // LEN 18: CMD + ST + 16-byte block
    '31', // CMD echoed: get PIN block
    '00', // ST ok
    '5D564FA2EAB76DDF3D8EE78CCC56EE94', // PIN 123456, TEST_ACCOUNT, under TEST_PIN_KEY
    '03', // ETX
    '11', // BCC
  ),
} as const;

/** The PIN block of REPLIES.pinBlock, decrypted, field by field. */
export const PIN_BLOCK_PLAIN = hex(
  '06122662A9876FED', // PIN field 06 123456 FFFFFFFF XOR account field 0000 123456789012
  'FFFFFFFFFFFFFFFF', // widening to SM4's 16 bytes (UNCONFIRMED, see @sik/contract/pin-block)
);
