export * from './changes';
export * from './oncall-entries';
export * from './resource-key';
export * from './resources';
