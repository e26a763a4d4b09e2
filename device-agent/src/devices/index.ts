/** The devices this kiosk drives, each created from config (real hardware or a simulator). */
export { type A4PrinterDevice, createA4PrinterDevice } from './a4-printer/factory.ts';
export { type CardUnitDevices, createCardUnitDevices } from './card-unit/card-unit.ts';
export { createIdCardDevice, type IdCardDevice } from './idcard/factory.ts';
export { createPinPadDevice, type PinPadDevice } from './pinpad/factory.ts';
export { createReceiptPrinterDevice, type ReceiptPrinterDevice } from './receipt-printer/factory.ts';
