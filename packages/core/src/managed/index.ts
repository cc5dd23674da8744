export * from './changes';
export * from './oncall-entries';
export * from './page-monitors';
export * from './resource-key';
export * from './resources';
export * from './retired-fields';
