import { finishChannel } from './channels';
import type { ImportContext } from './context';
import type { ChannelEntry } from './document';
import { Fields, isRecord, Untranslatable } from './fields';
import { gatusProviders, gatusSmtpFields } from './gatus-channels';

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
