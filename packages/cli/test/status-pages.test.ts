import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../apps/api/test/helpers';
import { onlyAdoptions, useCliHarness } from './harness';

const h = useCliHarness();
const cli = (key: string, ...argv: string[]) => h.cli(key, argv);

const BRANDING = `    description: Live status of Acme
    logoUrl: https://acme.example.com/logo.png
    brandColor: "#FF6600"
    footerText: Acme Inc.
    links: [{ label: Support, url: "https://acme.example.com/support" }]
`;

const COMPONENTS = `    components:
      - name: Shop
        description: What customers use
        monitors: [checkout]
      - name: Backend
        monitors: [db]
`;

const FILE = (
  slug: string,
  { components = COMPONENTS, branding = BRANDING, domain = `status.${slug}.test` } = {},
) => `version: 1
monitors:
  - key: checkout
    name: Checkout API
    type: http
    url: https://shop.example.com/health
  - key: db
    name: Database port
    type: tcp
    host: db.example.com
    port: 5432
  - key: cdn
    name: CDN
    type: tcp
    host: cdn.example.com
    port: 443
statusPages:
  - key: public
    slug: ${slug}
    title: Acme status
    monitors: [cdn]
${components}${branding}    customDomain: ${domain.toUpperCase()}
    badgesEnabled: true
`;

type Client = Awaited<ReturnType<typeof h.organization>>['as'];

const publicPage = async (slug: string) => {
  const res = await h.api().app.inject({ method: 'GET', url: `/v1/public/status-pages/${slug}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

/** The public page's components as names with their monitors' names. */
const shownComponents = async (slug: string) =>
  (await publicPage(slug)).components.map((c: { name: string; monitors: Array<{ name: string }> }) => [
    c.name,
    c.monitors.map((m) => m.name),
  ]);

const pageOf = async (as: Client, key = 'public') =>
  (await as.get(`/v1/status-pages?key=${key}`)).json().items[0];

/** The plan of `file`, which must have changes: the one page update's fields. */
async function planFields(key: string, file: string) {
  const plan = await cli(key, 'plan', '-f', file, '--json');
  expect(plan.code, plan.err).toBe(2);
  const changes = plan.json().changes;
  expect(changes).toEqual([
    expect.objectContaining({ kind: 'statusPages', key: 'public', action: 'update' }),
  ]);
  return changes[0].fields;
}

describe('status page components, branding, custom domain and badges in the file', () => {
  it('applies them on an empty organization, plans no change after, and the public page shows them', async () => {
    const { as, key } = await h.organization();
    const slug = `acme-${h.orgs()}`;
    const file = await h.yamlFile(FILE(slug));
    const applied = await cli(key, 'apply', '-f', file, '--json');
    expect(applied.code, applied.err).toBe(0);
    const again = await cli(key, 'plan', '-f', file);
    expect(again.out).toContain('No changes');
    expect(again.code).toBe(0);

    const page = await pageOf(as);
    const names = new Map(
      ((await as.get('/v1/monitors')).json().items as Array<{ id: string; key: string }>).map((m) => [
        m.id,
        m.key,
      ]),
    );
    expect(page.monitorIds.map((id: string) => names.get(id))).toEqual(['checkout', 'db', 'cdn']);
    expect(page).toMatchObject({ customDomain: `status.${slug}.test`, badgesEnabled: true, managed: true });
    expect(await shownComponents(slug)).toEqual([
      ['Shop', ['Checkout API']],
      ['Backend', ['Database port']],
    ]);
    const shown = await publicPage(slug);
    expect(shown.components[0].description).toBe('What customers use');
    expect(shown.branding).toEqual({
      description: 'Live status of Acme',
      logoUrl: 'https://acme.example.com/logo.png',
      brandColor: '#ff6600',
      footerText: 'Acme Inc.',
      links: [{ label: 'Support', url: 'https://acme.example.com/support' }],
    });
  });

  it('plans and applies exactly a renamed component, a moved monitor and a new order', async () => {
    const { key } = await h.organization();
    const slug = `acme-${h.orgs()}`;
    expect((await cli(key, 'apply', '-f', await h.yamlFile(FILE(slug)))).code).toBe(0);
    // Read once, so the page is cached when the apply changes it.
    expect(await shownComponents(slug)).toEqual([
      ['Shop', ['Checkout API']],
      ['Backend', ['Database port']],
    ]);

    const renamed = await h.yamlFile(FILE(slug, { components: COMPONENTS.replace('Backend', 'Data') }));
    expect(await planFields(key, renamed)).toEqual([
      { field: 'components', before: ['Shop', 'Backend'], after: ['Shop', 'Data'] },
    ]);
    expect((await cli(key, 'apply', '-f', renamed)).code).toBe(0);
    expect((await cli(key, 'plan', '-f', renamed)).code).toBe(0);
    await waitFor(async () =>
      expect(await shownComponents(slug)).toEqual([
        ['Shop', ['Checkout API']],
        ['Data', ['Database port']],
      ]),
    );

    const moved = await h.yamlFile(
      FILE(slug, {
        components: COMPONENTS.replace('Backend', 'Data')
          .replace('[checkout]', '[checkout, db]')
          .replace('[db]', '[]'),
      }),
    );
    expect(await planFields(key, moved)).toEqual([
      { field: 'components.Shop.monitors', before: ['checkout'], after: ['checkout', 'db'] },
      { field: 'components.Data.monitors', before: ['db'], after: [] },
    ]);
    expect((await cli(key, 'apply', '-f', moved)).code).toBe(0);
    expect((await cli(key, 'plan', '-f', moved)).code).toBe(0);
    await waitFor(async () =>
      expect(await shownComponents(slug)).toEqual([
        ['Shop', ['Checkout API', 'Database port']],
        ['Data', []],
      ]),
    );

    const reordered = await h.yamlFile(
      FILE(slug, {
        components: `    components:
      - name: Data
        monitors: []
      - name: Shop
        description: What customers use
        monitors: [checkout, db]
`,
      }),
    );
    expect(await planFields(key, reordered)).toEqual([
      { field: 'components', before: ['Shop', 'Data'], after: ['Data', 'Shop'] },
    ]);
    expect((await cli(key, 'apply', '-f', reordered)).code).toBe(0);
    expect((await cli(key, 'plan', '-f', reordered)).code).toBe(0);
  });

  it('clears the branding, components and domain the file no longer has', async () => {
    const { as, key } = await h.organization();
    const slug = `acme-${h.orgs()}`;
    expect((await cli(key, 'apply', '-f', await h.yamlFile(FILE(slug)))).code).toBe(0);
    expect((await publicPage(slug)).branding.brandColor).toBe('#ff6600');

    const plain = await h.yamlFile(FILE(slug, { branding: '' }));
    expect(await planFields(key, plain)).toEqual([
      { field: 'brandColor', before: '#ff6600', after: null },
      { field: 'description', before: 'Live status of Acme', after: null },
      { field: 'footerText', before: 'Acme Inc.', after: null },
      { field: 'links', before: [{ label: 'Support', url: 'https://acme.example.com/support' }], after: [] },
      { field: 'logoUrl', before: 'https://acme.example.com/logo.png', after: null },
    ]);
    expect((await cli(key, 'apply', '-f', plain)).code).toBe(0);
    expect((await cli(key, 'plan', '-f', plain)).code).toBe(0);
    await waitFor(async () =>
      expect((await publicPage(slug)).branding).toEqual({
        description: null,
        logoUrl: null,
        brandColor: null,
        footerText: null,
        links: [],
      }),
    );
    expect(await shownComponents(slug)).toHaveLength(2);

    const bare = await h.yamlFile(
      FILE(slug, { components: '', branding: '' }).replace(
        / {4}customDomain: .*\n {4}badgesEnabled: true\n/,
        '',
      ),
    );
    const plan = await cli(key, 'plan', '-f', bare, '--json');
    const page = plan.json().changes.find((c: { kind: string }) => c.kind === 'statusPages');
    expect(page.fields.map((f: { field: string }) => f.field)).toEqual([
      'badgesEnabled',
      'customDomain',
      'components',
      'components.Shop.description',
      'components.Shop.monitors',
      'components.Backend.monitors',
    ]);
    expect((await cli(key, 'apply', '-f', bare)).code).toBe(0);
    expect((await cli(key, 'plan', '-f', bare)).code).toBe(0);
    expect(await pageOf(as)).toMatchObject({ components: [], customDomain: null, badgesEnabled: false });
  });

  it('export of pages made through the API, then apply, then plan, is a fixed point', async () => {
    const { as, key } = await h.organization('Exported');
    const ids: string[] = [];
    for (const [i, name] of ['Checkout', 'Search', 'Database', 'CDN'].entries()) {
      const res = await as.post('/v1/monitors', {
        type: 'tcp',
        name,
        host: `host${i}.example.com`,
        port: 443,
      });
      ids.push(res.json().id);
    }
    const slug = `made-by-hand-${h.orgs()}`;
    const made = await as.post('/v1/status-pages', {
      slug,
      title: 'Made by hand',
      monitorIds: [ids[3]],
      components: [
        { name: 'Storefront', description: 'Browsing and buying', monitorIds: [ids[0], ids[1]] },
        { name: 'Data', monitorIds: [ids[2]] },
        { name: 'Coming soon', monitorIds: [] },
      ],
      description: 'Everything Acme runs',
      brandColor: '#336699',
      links: [{ label: 'Home', url: 'https://acme.example.com' }],
      customDomain: `status.${slug}.test`,
      badgesEnabled: true,
    });
    expect(made.statusCode, made.body).toBe(201);
    const plain = await as.post('/v1/status-pages', {
      slug: `${slug}-plain`,
      title: 'Plain',
      monitorIds: [ids[1]],
    });
    expect(plain.statusCode).toBe(201);

    const exported = await cli(key, 'export', '--json');
    expect(exported.code, exported.err).toBe(0);
    const pages = exported.json().document.statusPages;
    expect(pages).toEqual([
      {
        key: slug,
        slug,
        title: 'Made by hand',
        monitors: ['cdn'],
        components: [
          { name: 'Storefront', description: 'Browsing and buying', monitors: ['checkout', 'search'] },
          { name: 'Data', monitors: ['database'] },
          { name: 'Coming soon', monitors: [] },
        ],
        description: 'Everything Acme runs',
        brandColor: '#336699',
        links: [{ label: 'Home', url: 'https://acme.example.com' }],
        customDomain: `status.${slug}.test`,
        badgesEnabled: true,
      },
      { key: `${slug}-plain`, slug: `${slug}-plain`, title: 'Plain', monitors: ['search'] },
    ]);

    const file = h.path('export.yaml');
    expect((await cli(key, 'export', '-o', file)).code).toBe(0);
    const applied = await cli(key, 'apply', '-f', file, '--json');
    expect(applied.code, applied.err).toBe(0);
    expect(onlyAdoptions(applied.json().changes)).toBe(true);
    expect((await cli(key, 'plan', '-f', file)).code).toBe(0);
    const page = await pageOf(as, slug);
    expect(page.managed).toBe(true);
    expect(page.components.map((c: { id: string }) => c.id)).toEqual(
      made.json().components.map((c: { id: string }) => c.id),
    );
  });

  it('a custom domain another organization serves is an error at its line, and nothing changes', async () => {
    const other = await h.organization('Other');
    const slug = `clash-${h.orgs()}`;
    const theirs = await other.as.post('/v1/status-pages', {
      slug: `${slug}-theirs`,
      title: 'Theirs',
      customDomain: `status.${slug}.test`,
    });
    expect(theirs.statusCode, theirs.body).toBe(201);

    const { as, key } = await h.organization();
    const file = await h.yamlFile(FILE(slug));
    const result = await cli(key, 'apply', '-f', file, '--json');
    expect(result.code).toBe(1);
    const line =
      FILE(slug)
        .split('\n')
        .findIndex((l) => l.includes('customDomain:')) + 1;
    expect(result.json().problems).toEqual([
      {
        file,
        line,
        path: 'statusPages.0.customDomain',
        message: 'taken by another status page',
      },
    ]);
    const text = await cli(key, 'apply', '-f', file);
    expect(text.err).toContain(`${file}:${line}: statusPages.0.customDomain: taken by another status page`);
    expect((await as.get('/v1/monitors')).json().items).toEqual([]);
    expect((await as.get('/v1/status-pages')).json().items).toEqual([]);
    expect((await other.as.get(`/v1/status-pages/${theirs.json().id}`)).json()).toMatchObject({
      customDomain: `status.${slug}.test`,
      key: null,
      managed: false,
    });
  });
});
