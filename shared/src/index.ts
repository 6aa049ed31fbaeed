export * from './errors.ts';
export * from './domain.ts';
export * from './system.ts';
export * from './socket.ts';
export * from './policy.ts';
export * from './auth.ts';
export * from './alerts.ts';
