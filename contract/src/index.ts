export * from './api.ts';
export * from './devices.ts';
export * from './flows.ts';
export * from './identity.ts';
export * from './idnumber.ts';
export * from './result.ts';
export * from './services.ts';
export * from './socket.ts';
