import type { Migration } from 'kysely';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-checks';
import * as m0003 from './0003-alerting';
import * as m0004 from './0004-api';
import * as m0005 from './0005-accounts';
import * as m0006 from './0006-quotas';
import * as m0007 from './0007-monitor-secrets';
import * as m0008 from './0008-engines';
import * as m0009 from './0009-app-role';
import * as m0010 from './0010-timescale-retention';
import * as m0011 from './0011-verifier-clock';
import * as m0012 from './0012-late-results';
import * as m0014 from './0014-outbox-and-config-version';
import * as m0016 from './0016-incidents';
import * as m0017 from './0017-editing';
import * as m0018 from './0018-channel-defaults';
import * as m0019 from './0019-check-details';
import * as m0020 from './0020-probes';
import * as m0021 from './0021-check-artifacts';
import * as m0022 from './0022-escalation';
import * as m0023 from './0023-oncall-rotations';
import * as m0024 from './0024-dependencies';
import * as m0025 from './0025-managed-resources';
import * as m0026 from './0026-status-page-components';
import * as m0027 from './0027-status-page-incidents';
import * as m0028 from './0028-recurring-maintenance';
import * as m0029 from './0029-report-subscriptions';
import * as m0030 from './0030-managed-oncall';
import * as m0031 from './0031-rotation-handoff-seconds';

/** Every migration, in order. Names never change once released. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-checks': m0002,
  '0003-alerting': m0003,
  '0004-api': m0004,
  '0005-accounts': m0005,
  '0006-quotas': m0006,
  '0007-monitor-secrets': m0007,
  '0008-engines': m0008,
  '0009-app-role': m0009,
  '0010-timescale-retention': m0010,
  '0011-verifier-clock': m0011,
  '0012-late-results': m0012,
  '0014-outbox-and-config-version': m0014,
  '0016-incidents': m0016,
  '0017-editing': m0017,
  '0018-channel-defaults': m0018,
  '0019-check-details': m0019,
  '0020-probes': m0020,
  '0021-check-artifacts': m0021,
  '0022-escalation': m0022,
  '0023-oncall-rotations': m0023,
  '0024-dependencies': m0024,
  '0025-managed-resources': m0025,
  '0026-status-page-components': m0026,
  '0027-status-page-incidents': m0027,
  '0028-recurring-maintenance': m0028,
  '0029-report-subscriptions': m0029,
  '0030-managed-oncall': m0030,
  '0031-rotation-handoff-seconds': m0031,
};
