import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type LiveEvent, liveMessageSchema, orgEventsChannel } from '@sentinelmesh/core';
import type { RedisClient } from '@sentinelmesh/platform';
import { z } from 'zod';
import type { ServiceContext, TenantContext } from '../context';
import { bindTenant } from '../db/tenant';
import { publicStatusPage } from './status-pages';

/** How long a process serves its own copy of a page before it asks Redis whether it is still current. */
export const LOCAL_FRESH_MS = 1_000;
/** The safety net: a page is rebuilt at least this often, whatever was or was not invalidated. */
export const PAGE_TTL_MS = 30_000;
/** How long a slug is taken to name the same page before it is looked up again. */
const SLUG_FRESH_MS = 30_000;
/** Pages kept in one process's memory; the oldest go first. */
const LOCAL_MAX_PAGES = 2_000;
const REDIS_TIMEOUT_MS = 1_000;

type Redis = Pick<ServiceContext, 'redis' | 'config' | 'logger'>;

/** A rendered page: the JSON exactly as served, and the generations it was built under. */
export interface CachedPage {
  orgId: string;
  pageId: string;
  slug: string;
  body: string;
  etag: string;
  builtAtMs: number;
  orgGen: string;
  pageGen: string;
}

interface LocalPage extends CachedPage {
  checkedAtMs: number;
  /** The body gzipped, made once per version in each process: what browsers and CDNs ask for. */
  gzip: Buffer;
}

// Every key of one organization shares a hash tag, so one MGET reads them on a Redis Cluster too.
const keys = (prefix: string, orgId: string, pageId: string) => ({
  orgGen: `${prefix}:spc:{${orgId}}:gen`,
  pageGen: `${prefix}:spc:{${orgId}}:gen:${pageId}`,
  page: `${prefix}:spc:{${orgId}}:page:${pageId}`,
});
const invalidationChannel = (prefix: string) => `${prefix}:spc:invalidate`;
const invalidationSchema = z.object({ orgId: z.uuid(), pageIds: z.array(z.uuid()).optional() });

/** Events after which a page may read differently; `monitor.checked` alone changes nothing shown. */
const changesPages = (event: LiveEvent) => event.type !== 'monitor.checked';

/**
 * Marks the organization's public pages (or only `pageIds`) out of date in every API process: their
 * generation moves on in Redis, and processes drop their own copies at once. Call after the write
 * commits. Best effort: if Redis cannot be told, the pages' TTL bounds how long they stay old.
 */
export async function invalidateStatusPages(ctx: Redis, orgId: string, pageIds?: string[]): Promise<void> {
  const prefix = ctx.config.QUEUE_PREFIX;
  const bumps =
    pageIds === undefined
      ? [keys(prefix, orgId, '').orgGen]
      : pageIds.map((pageId) => keys(prefix, orgId, pageId).pageGen);
  try {
    await withTimeout(
      Promise.all([
        ...bumps.map((key) => ctx.redis.incr(key)),
        ctx.redis.publish(invalidationChannel(prefix), JSON.stringify({ orgId, pageIds })),
      ]),
    );
  } catch (error) {
    ctx.logger.warn({ err: error, orgId }, 'could not invalidate cached status pages');
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The public status pages as served, shared by every public route that shows a page. */
    statusPageCache: StatusPageCache;
  }
}

/** Invalidates the caller's pages once its transaction has committed. */
export const invalidateStatusPagesAfterCommit = (ctx: TenantContext, pageIds?: string[]) =>
  ctx.afterCommit(() => invalidateStatusPages(ctx, ctx.orgId, pageIds));

/**
 * The public page JSON, served from this process's memory, else from Redis (shared by every API
 * process), else built from Postgres: one build per page at a time in a process, however many
 * requests wait for it. A copy is served only while its organization's and page's generations are
 * the current ones and it is younger than PAGE_TTL_MS; the verifier's state changes (heard on the
 * organization's live channel) and the API's writes move the generations on.
 */
export class StatusPageCache {
  private readonly local = new Map<string, LocalPage>();
  private readonly slugs = new Map<string, { orgId: string; pageId: string; atMs: number }>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  /** Organizations whose live channel this process listens to: when last used, and the subscription. */
  private readonly heardOrgs = new Map<string, { usedMs: number; subscribed: Promise<void> }>();
  private subscriber: RedisClient | null = null;
  private subscribing: Promise<void> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  /** Pages built from Postgres by this process (a figure for tests and metrics). */
  builds = 0;

  constructor(private readonly ctx: ServiceContext) {}

  /** The page named `slug`, or null when no page has that slug. */
  async get(slug: string): Promise<LocalPage | null> {
    const ref = await this.resolve(slug);
    if (!ref) return null;
    const page = await this.page(ref.orgId, ref.pageId);
    if (page && page.slug === slug) return page;
    // The slug moved to another page, or the page is gone: look it up again, once.
    this.slugs.delete(slug);
    const again = await this.resolve(slug);
    if (!again || (again.orgId === ref.orgId && again.pageId === ref.pageId)) return null;
    const other = await this.page(again.orgId, again.pageId);
    return other && other.slug === slug ? other : null;
  }

  /** Stops hearing invalidations; the Redis entries stay for the other processes. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const subscriber = this.subscriber;
    this.subscriber = null;
    await subscriber?.quit().catch(() => subscriber.disconnect());
  }

  private async resolve(slug: string): Promise<{ orgId: string; pageId: string } | null> {
    const now = this.ctx.clock.now().getTime();
    const known = this.slugs.get(slug);
    if (known && now - known.atMs < SLUG_FRESH_MS) return known;
    return this.once(`slug:${slug}`, async () => {
      const row = await this.ctx.db
        .selectFrom('status_pages')
        .select(['org_id', 'id'])
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (!row) return null;
      const ref = { orgId: row.org_id, pageId: row.id, atMs: now };
      this.slugs.set(slug, ref);
      return ref;
    });
  }

  private page(orgId: string, pageId: string): Promise<LocalPage | null> | LocalPage {
    const id = `${orgId}:${pageId}`;
    const held = this.local.get(id);
    const now = this.ctx.clock.now().getTime();
    if (held && now - held.checkedAtMs < LOCAL_FRESH_MS && now - held.builtAtMs < PAGE_TTL_MS) return held;
    return this.once(`page:${id}`, () => this.load(orgId, pageId));
  }

  private async load(orgId: string, pageId: string): Promise<LocalPage | null> {
    // Listen before reading, so a change committed while the page is built is heard.
    await this.listen(orgId);
    const k = keys(this.ctx.config.QUEUE_PREFIX, orgId, pageId);
    const now = this.ctx.clock.now().getTime();
    const shared = await this.redisOr(() => this.ctx.redis.mget(k.orgGen, k.pageGen, k.page), null);
    const orgGen = shared?.[0] ?? '0';
    const pageGen = shared?.[1] ?? '0';
    let page = decode(shared?.[2] ?? null);
    if (page && (page.orgId !== orgId || page.pageId !== pageId)) page = null;
    if (!page || page.orgGen !== orgGen || page.pageGen !== pageGen || now - page.builtAtMs >= PAGE_TTL_MS) {
      page = await this.build(orgId, pageId, { orgGen, pageGen, builtAtMs: now });
      if (!page) {
        this.local.delete(`${orgId}:${pageId}`);
        return null;
      }
      // Built under the generations read before the build: a change meanwhile has moved them on already.
      if (shared) {
        const entry = encode(page);
        await this.redisOr(() => this.ctx.redis.set(k.page, entry, 'PX', PAGE_TTL_MS), null);
      }
    }
    return this.keep(page, now);
  }

  private async build(
    orgId: string,
    pageId: string,
    stamp: Pick<CachedPage, 'orgGen' | 'pageGen' | 'builtAtMs'>,
  ): Promise<CachedPage | null> {
    this.builds += 1;
    const { db, requestId: _none, ...deps } = this.ctx;
    // One snapshot: the page found by id is the page whose slug is then read.
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => {
        await bindTenant(tx, orgId);
        const row = await tx
          .selectFrom('status_pages')
          .select('slug')
          .where('org_id', '=', orgId)
          .where('id', '=', pageId)
          .executeTakeFirst();
        if (!row) return null;
        const tenant: TenantContext = {
          ...deps,
          db: tx,
          orgId,
          requestId: `status-page-cache:${pageId}`,
          afterCommit: () => undefined,
        };
        const body = JSON.stringify(await publicStatusPage(tenant, row.slug));
        // Weak: the same version is sent gzipped or not.
        const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
        return { orgId, pageId, slug: row.slug, body, etag, ...stamp };
      });
  }

  private keep(page: CachedPage, now: number): LocalPage {
    const id = `${page.orgId}:${page.pageId}`;
    const held = this.local.get(id);
    const gzip = held?.etag === page.etag ? held.gzip : gzipSync(page.body);
    const kept = { ...page, checkedAtMs: now, gzip };
    this.local.delete(id);
    this.local.set(id, kept);
    if (this.local.size > LOCAL_MAX_PAGES) {
      const oldest = this.local.keys().next().value;
      if (oldest !== undefined) this.local.delete(oldest);
    }
    return kept;
  }

  /** Drops this process's copies of the organization's pages (or of `pageIds`). */
  private forget(orgId: string, pageIds?: string[]): void {
    if (pageIds) for (const pageId of pageIds) this.local.delete(`${orgId}:${pageId}`);
    else for (const [id, page] of this.local) if (page.orgId === orgId) this.local.delete(id);
  }

  /** Subscribes to the invalidation channel and to `orgId`'s live events (until unused for a while). */
  private listen(orgId: string): Promise<void> {
    const heard = this.heardOrgs.get(orgId);
    const subscribed = heard?.subscribed ?? this.subscribe(orgId);
    this.heardOrgs.set(orgId, { usedMs: this.ctx.clock.now().getTime(), subscribed });
    return subscribed;
  }

  private async subscribe(orgId: string): Promise<void> {
    const subscriber = await this.connection();
    if (!subscriber) return;
    await this.redisOr(() => subscriber.subscribe(orgEventsChannel(this.ctx.config.QUEUE_PREFIX, orgId)), 0);
  }

  private async connection(): Promise<RedisClient | null> {
    if (!this.subscribing) {
      const subscriber = this.ctx.redis.duplicate();
      subscriber.on('error', (error) => this.ctx.logger.warn({ err: error }, 'status page cache subscriber'));
      subscriber.on('message', (channel: string, message: string) => this.hear(channel, message));
      this.subscriber = subscriber;
      this.subscribing = this.redisOr(
        () => subscriber.subscribe(invalidationChannel(this.ctx.config.QUEUE_PREFIX)).then(() => undefined),
        undefined,
      );
      // Organizations whose pages nobody asked for in a while are heard no more.
      this.sweeper = setInterval(() => void this.sweep(), PAGE_TTL_MS);
      this.sweeper.unref();
    }
    await this.subscribing;
    return this.subscriber;
  }

  private async sweep(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    for (const [orgId, { usedMs }] of this.heardOrgs) {
      if (now - usedMs < 2 * PAGE_TTL_MS) continue;
      this.heardOrgs.delete(orgId);
      this.forget(orgId);
      const channel = orgEventsChannel(this.ctx.config.QUEUE_PREFIX, orgId);
      await this.subscriber?.unsubscribe(channel).catch(() => undefined);
    }
  }

  private hear(channel: string, message: string): void {
    const prefix = this.ctx.config.QUEUE_PREFIX;
    const parsed = parseJson(message);
    if (channel === invalidationChannel(prefix)) {
      const invalidation = invalidationSchema.safeParse(parsed);
      if (invalidation.success) this.forget(invalidation.data.orgId, invalidation.data.pageIds);
      return;
    }
    const orgId = channel.slice(orgEventsChannel(prefix, '').length);
    const events = liveMessageSchema.safeParse(parsed);
    if (!this.heardOrgs.has(orgId) || !events.success || !events.data.some(changesPages)) return;
    this.forget(orgId);
    void invalidateStatusPages(this.ctx, orgId);
  }

  /** Runs `task` once per key at a time: callers arriving meanwhile share its promise. */
  private once<T>(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = task().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  /** Redis is a cache here: when it cannot answer, pages are built from Postgres instead. */
  private async redisOr<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await withTimeout(command());
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'status page cache: Redis unavailable');
      return fallback;
    }
  }
}

const metaSchema = z.object({
  orgId: z.string(),
  pageId: z.string(),
  slug: z.string(),
  etag: z.string(),
  builtAtMs: z.number(),
  orgGen: z.string(),
  pageGen: z.string(),
});

// One line of metadata, then the body as served (JSON.stringify writes no raw newline).
function encode(page: CachedPage): string {
  const { body, ...meta } = page;
  return `${JSON.stringify(meta)}\n${body}`;
}

function decode(value: string | null): CachedPage | null {
  if (value === null) return null;
  const cut = value.indexOf('\n');
  const meta = metaSchema.safeParse(parseJson(value.slice(0, cut)));
  return cut > 0 && meta.success ? { ...meta.data, body: value.slice(cut + 1) } : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withTimeout<T>(command: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    command,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer')), REDIS_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
