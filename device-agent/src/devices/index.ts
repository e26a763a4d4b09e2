/** The devices this kiosk drives, each created from config (real hardware or a simulator). */
export { createIdCardDevice, type IdCardDevice } from './idcard/factory.ts';
