import { finishChannel } from './channels';
import type { ImportContext } from './context';
import type { ChannelEntry } from './document';
import { clamp, Fields, isRecord, Untranslatable } from './fields';
import { gatusProviders, gatusSmtpFields } from './gatus-channels';
import type { MonitorScope } from './scope';

/** One configured alerting provider: its default alert and the channel keys it became, by group. */
export interface GatusProvider {
  defaultAlert: Record<string, unknown>;
  /** '' for the provider's own settings; a group name for an override. */
  channels: Map<string, string>;
}

/**
 * The `alerting:` section as channels: one per provider, plus one per group override
 * (`overrides: [{ group, ... }]`), so each endpoint alerts the channel its group would have used.
 */
export function translateAlerting(
  alerting: Record<string, unknown>,
  ctx: ImportContext,
): { channels: ChannelEntry[]; providers: Map<string, GatusProvider> } {
  const channels: ChannelEntry[] = [];
  const providers = new Map<string, GatusProvider>();
  for (const [type, raw] of Object.entries(alerting)) {
    const item = `alerting provider ${type}`;
    const mapper = gatusProviders[type];
    if (!mapper) {
      ctx.report.add(item, `alerting provider ${type} has no SentinelMesh channel type`);
      continue;
    }
    const settings = isRecord(raw) ? raw : {};
    const provider: GatusProvider = {
      defaultAlert: isRecord(settings['default-alert']) ? settings['default-alert'] : {},
      channels: new Map(),
    };
    providers.set(type, provider);
    const overrides = Array.isArray(settings.overrides) ? settings.overrides.filter(isRecord) : [];
    const { overrides: _o, 'default-alert': _d, ...own } = settings;
    const variants: Array<[string, Record<string, unknown>]> = [
      ['', own],
      ...overrides.map((o): [string, Record<string, unknown>] => {
        const { group, ...fields } = o;
        return [String(group ?? ''), { ...own, ...fields }];
      }),
    ];
    for (const [group, values] of variants) {
      const label = group ? `${item} (group ${group})` : item;
      const channel = providerChannel(type, group, values, label, ctx);
      if (!channel) continue;
      channels.push(channel);
      provider.channels.set(group, channel.key);
    }
  }
  return { channels, providers };
}

function providerChannel(
  type: string,
  group: string,
  values: Record<string, unknown>,
  item: string,
  ctx: ImportContext,
): ChannelEntry | null {
  const mapper = gatusProviders[type];
  if (!mapper) return null;
  const f = new Fields(values);
  let draft: ReturnType<typeof mapper>;
  try {
    draft = mapper(f);
  } catch (error) {
    if (!(error instanceof Untranslatable)) throw error;
    ctx.report.add(item, `left out: ${error.message}`);
    return null;
  }
  if (type === 'email') {
    f.skip(...gatusSmtpFields);
    if (gatusSmtpFields.some((field) => values[field] !== undefined)) {
      ctx.report.add(
        item,
        "alert mail goes out through the deployment's SMTP server; the provider's server settings are not imported",
      );
    }
  }
  for (const field of f.leftovers()) {
    ctx.report.add(item, `option not imported: the ${draft.type} channel has no counterpart`, field);
  }
  const name = group ? `${type} (${group})` : type;
  return finishChannel(draft, { name, item }, ctx);
}

/** Alerting providers by type, and the alerts seen without send-on-resolved. */
export interface AlertState {
  providers: Map<string, GatusProvider>;
  withoutResolved: number;
}

/** The endpoint's alerts as channel keys, and its thresholds from them (Gatus: 3 failures, 2 successes). */
export function linkAlerts(f: Fields, m: MonitorScope, group: string | undefined, state: AlertState) {
  const channels: string[] = [];
  const failures: number[] = [];
  const successes: number[] = [];
  (f.list('alerts') ?? []).forEach((raw, i) => {
    const given = isRecord(raw) ? raw : {};
    const type = String(given.type ?? '');
    const provider = state.providers.get(type);
    const alert = new Fields({ ...(provider?.defaultAlert ?? {}), ...given });
    alert.skip('type');
    const field = `alerts[${i}]`;
    if (alert.bool('enabled') === false) {
      m.note(field, `the ${type} alert is disabled in Gatus; the monitor is not linked to it`);
      return;
    }
    const key = provider?.channels.get(group ?? '') ?? provider?.channels.get('');
    if (!key) {
      m.note(field, `no ${type} channel was imported (see alerting provider ${type}); not linked`);
      return;
    }
    if (!channels.includes(key)) channels.push(key);
    failures.push(alert.num('failure-threshold') ?? 3);
    successes.push(alert.num('success-threshold') ?? 2);
    if (alert.bool('send-on-resolved') !== true) state.withoutResolved++;
    if (alert.str('description')) m.note(`${field}.description`, 'alerts carry no custom description');
    if (alert.str('minimum-reminder-interval'))
      m.note(`${field}.minimum-reminder-interval`, 'reminders are not imported');
    if (alert.record('provider-override'))
      m.note(`${field}.provider-override`, 'per-alert provider overrides are not imported');
    for (const other of alert.leftovers()) m.note(`${field}.${other}`, 'alert option not imported');
  });
  if (new Set(failures).size > 1 || new Set(successes).size > 1) {
    m.note('alerts', 'the alerts have different thresholds; the monitor takes the lowest of each');
  }
  const thresholds =
    failures.length > 0
      ? {
          failureThreshold: clamp(Math.min(...failures), 1, 20),
          recoveryThreshold: clamp(Math.min(...successes), 1, 20),
        }
      : {};
  return { channels, thresholds };
}
