import { describe, expect, it } from 'vitest';
import {
  initialMonitorFormValues,
  type MonitorFormValues,
  validateMonitorForm,
} from '../src/lib/monitor-form';
import { typeSpec } from '../src/lib/monitor-types';

const postgres = (target: Record<string, string>): MonitorFormValues => ({
  ...initialMonitorFormValues(),
  type: 'postgres',
  name: 'Orders DB',
  target: { host: 'db.example.com', ...target },
  assertions: [],
});

describe('the database monitor forms', () => {
  it('offers a hidden password input, and sends the password exactly as typed', () => {
    const password = typeSpec('postgres').fields.find((f) => f.name === 'password');
    expect(password?.secret).toBe(true);
    const result = validateMonitorForm(postgres({ password: ' spaced pass ', query: ' SELECT 1 ' }));
    expect(result).toMatchObject({
      ok: true,
      input: {
        type: 'postgres',
        host: 'db.example.com',
        port: 5432,
        password: ' spaced pass ',
        query: 'SELECT 1',
      },
    });
  });

  it('leaves an empty password out, and refuses a write command before anything is sent', () => {
    const empty = validateMonitorForm(postgres({ password: '' }));
    expect(empty.ok && 'password' in empty.input).toBe(false);
    const redis = validateMonitorForm({
      ...postgres({}),
      type: 'redis',
      target: { host: 'cache.example.com', command: 'FLUSHALL' },
    });
    expect(redis.ok).toBe(false);
  });
});
