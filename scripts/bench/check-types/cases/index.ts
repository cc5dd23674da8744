import type { BenchCase } from '../case';
import { cases as browser } from './browser';
import { cases as cApi } from './c-api';
import { cases as databases } from './databases';
import { cases as http } from './http';
import { cases as mail } from './mail';
import { cases as net } from './net';

/** Every benchmark case, HTTP first as the reference. */
export const allCases: BenchCase[] = [...http, ...net, ...mail, ...databases, ...cApi, ...browser];
