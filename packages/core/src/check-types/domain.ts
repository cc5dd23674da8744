import { z } from 'zod';
import { httpUrl } from '../schemas/http-url';
import { type CheckType, defineCheckType } from './check-type';

/** A registered domain name: at least two labels, letters, digits and dashes (IDNs in A-label form). */
const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/,
    'a registered domain name such as example.com (IDNs in their xn-- form)',
  );

/**
 * A domain's registration expiry, read by RDAP (RFC 9083) from the registry IANA's bootstrap file
 * names (or a given RDAP server); down when fewer than `minDaysLeft` days are left.
 */
export const domainCheckType = defineCheckType({
  type: 'domain',
  label: 'Domain expiry',
  description: 'Looks up when a domain registration expires (RDAP) and checks the days left.',
  fields: {
    domain: domainName,
    minDaysLeft: z.number().int().min(0).max(3650).default(14),
    warnDaysLeft: z.number().int().min(0).max(3650).default(30),
    rdapBaseUrl: httpUrl
      .describe("an RDAP server's base URL (e.g. https://rdap.example/); left out: IANA's bootstrap file")
      .optional(),
  },
  assertions: { sources: ['responseTimeMs'], defaults: [] },
  form: [
    { name: 'domain', label: 'Domain', kind: 'text', placeholder: 'example.com' },
    { name: 'minDaysLeft', label: 'Down when it expires within (days)', kind: 'number', initial: '14' },
    {
      name: 'warnDaysLeft',
      label: 'Warn when it expires within (days)',
      kind: 'number',
      initial: '30',
      hint: 'Shown with the check; the monitor stays up.',
    },
    {
      name: 'rdapBaseUrl',
      label: 'RDAP server (optional)',
      kind: 'text',
      optional: true,
      hint: "Empty: the registry's server from IANA's RDAP bootstrap file.",
    },
  ],
  target: (config: { domain: string }) => `rdap://${config.domain}`,
  targetHosts(config: { rdapBaseUrl?: string | undefined }) {
    // The domain is only asked about, at a registry's public server; a given server is connected to.
    if (!config.rdapBaseUrl) return [];
    try {
      return [{ path: 'rdapBaseUrl', host: new URL(config.rdapBaseUrl).hostname }];
    } catch {
      return [];
    }
  },
} as const satisfies CheckType<'domain'>);
