import { cases as databases } from './databases';
import { cases as mail } from './mail';

export const allCases = [...mail, ...databases];
