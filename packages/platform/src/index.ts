export * from './env';
export * from './logger';
export * from './ops';
export * from './ops-server';
export * from './redis';
export * from './secrets';
export * from './shutdown';
export * from './target-guard';
