import packageJson from '../package.json' with { type: 'json' };

export const WORKER_VERSION: string = packageJson.version;

/** The User-Agent every HTTP check sends unless the monitor sets its own. */
export const userAgentFor = (region: string) => `SentinelMesh/${WORKER_VERSION} (+region=${region})`;
