export * from './changes';
export * from './resources';
