export * from './document';
export { importGatus } from './gatus';
export { importKuma } from './kuma';
export { formatReport, renderImport } from './render';
export * from './report';
