export * from './clock';
export * from './connection';
export * from './maintenance';
export * from './migrate';
export * from './oncall';
export * from './partitions';
export * from './rollups';
export type * from './schema';
