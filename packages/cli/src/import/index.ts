export * from './document';
export { importGatus } from './gatus';
export { importKuma } from './kuma';
export * from './report';
