import { cases as mail } from './mail';

export const allCases = [...mail];
