import { secretUrlChannel } from './secret-url-channel';

/**
 * A Microsoft Teams channel through a Workflows (Power Automate) webhook: its URL carries the
 * flow's signature (`sig`), so all of it is the secret.
 */
export const teamsChannel = secretUrlChannel({
  label: 'Microsoft Teams',
  describe: {
    setting: 'the Teams Workflows webhook URL, with its signature (a secret)',
    view: 'masked Teams Workflows webhook URL',
  },
  field: {
    label: 'Teams Workflows webhook URL',
    hint: 'In Teams: the channel’s ⋯ menu → Workflows → “Send webhook alerts to a channel”, then paste the URL it gives you.',
    placeholder: 'https://….logic.azure.com/workflows/…',
  },
});
