import { z } from 'zod';

/** A status page's public address: /status/<slug>. */
export const statusPageSlug = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens');

export const statusPageTitle = z.string().trim().min(1).max(200);

/** At most this many monitors on one page. */
export const MAX_STATUS_PAGE_MONITORS = 100;

/** An https:// URL: a page's logo and links are fetched and followed by its visitors' browsers. */
export const httpsUrl = z
  .url({ protocol: /^https$/, error: 'an https:// URL' })
  .max(2000, 'at most 2000 characters');

/** A host name the page is served on (RFC 1123 labels, at least two), stored lower-case. */
export const customDomain = z
  .string()
  .trim()
  .max(253)
  .transform((host) => host.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
        'a host name such as status.example.com',
      ),
  );

/** The look of a public page: each field optional, null clears it. */
export const statusPageBrandingShape = {
  description: z.string().trim().max(2000).nullable(),
  logoUrl: httpsUrl.nullable(),
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
    .transform((c) => c.toLowerCase())
    .nullable(),
  footerText: z.string().trim().max(2000).nullable(),
  links: z.array(z.strictObject({ label: z.string().trim().min(1).max(100), url: httpsUrl })).max(10),
};

/** A component's own fields; its monitors come as ids in the API and as keys in a file. */
export const statusPageComponentFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(1000).nullable().optional(),
};

/** A named group of a page's monitors, shown in the order sent. */
export const statusPageComponentInput = z.strictObject({
  ...statusPageComponentFields,
  monitorIds: z.array(z.string()).max(MAX_STATUS_PAGE_MONITORS),
});

/** At most this many components on one page. */
export const MAX_STATUS_PAGE_COMPONENTS = 50;

/**
 * Components, branding, custom domain and badges of a page body, every field optional (null clears a
 * text field): the API's create and patch bodies and a file's page entry. `component` is one
 * component with its monitors; `pageMonitors` names the field that lists the page's monitors.
 */
export function statusPageExtrasFields<C extends z.ZodType>(component: C, pageMonitors: string) {
  return {
    components: z
      .array(component)
      .max(MAX_STATUS_PAGE_COMPONENTS)
      .describe(
        `named groups of the page monitors, in the order shown; a monitor listed here is on the page even if ${pageMonitors} leaves it out; monitors in no component are shown on their own`,
      )
      .optional(),
    description: statusPageBrandingShape.description.optional(),
    logoUrl: statusPageBrandingShape.logoUrl.optional().describe('https:// only'),
    brandColor: statusPageBrandingShape.brandColor.optional().describe('#rrggbb'),
    footerText: statusPageBrandingShape.footerText.optional(),
    links: statusPageBrandingShape.links.optional().describe('at most 10, https:// only'),
    customDomain: customDomain
      .nullable()
      .optional()
      .describe(
        'host name the page is also served on (CNAME to the deployment); unique across the deployment',
      ),
    badgesEnabled: z.boolean().optional().describe('serve SVG and shields.io badges of the page monitors'),
  };
}
