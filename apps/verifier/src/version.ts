import packageJson from '../package.json' with { type: 'json' };

/** The release of this app, sent in the User-Agent of every delivery. */
export const VERSION: string = packageJson.version;
