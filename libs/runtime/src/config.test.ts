import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { boolField, ConfigError, describeConfig, field, loadConfig, portField, secret, withCheck } from './config.js';

const spec = {
  port: portField('SVC_PORT', 8080, 'HTTP port.'),
  verbose: boolField('SVC_VERBOSE', false, 'More logs.'),
  names: field(
    z.string().transform((s) => s.split(',')),
    'SVC_NAMES',
    ['a', 'b'],
    'Names, comma-separated.',
    'a,b',
  ),
};

describe('loadConfig', () => {
  it.each([
    [{}, { port: 8080, verbose: false, names: ['a', 'b'] }],
    [{ SVC_PORT: '9000' }, { port: 9000, verbose: false, names: ['a', 'b'] }],
    [
      { SVC_VERBOSE: 'yes', SVC_NAMES: 'x' },
      { port: 8080, verbose: true, names: ['x'] },
    ],
    [{ SVC_PORT: '' }, { port: 8080, verbose: false, names: ['a', 'b'] }],
  ])('reads %j', (env, expected) => {
    const { config } = loadConfig(spec, 'SVC_', env);
    expect(config).toEqual(expected);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ SVC_PORT: '70000' }, /SVC_PORT="70000"/],
    [{ SVC_PORT: 'http' }, /SVC_PORT="http"/],
    [{ SVC_VERBOSE: 'maybe' }, /SVC_VERBOSE="maybe"/],
  ])('names the variable that fails: %j', (env, message) => {
    expect(() => loadConfig(spec, 'SVC_', env)).toThrow(ConfigError);
    expect(() => loadConfig(spec, 'SVC_', env)).toThrow(message);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig(spec, 'SVC_', { SVC_PORT: '-1', SVC_VERBOSE: 'x' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });

  it('reports variables with the prefix that no field reads', () => {
    expect(loadConfig(spec, 'SVC_', { SVC_PROT: '1', OTHER: '2' }).unknown).toEqual(['SVC_PROT']);
  });
});

describe('secret and withCheck', () => {
  const checked = {
    room: field(z.string(), 'SVC_ROOM', '', 'A room.'),
    key: secret(
      withCheck(field(z.string().min(4), 'SVC_KEY', '', 'A key of the room.'), (key, config) =>
        key.startsWith(`${String(config.room)}_`) ? undefined : 'must start with the room',
      ),
    ),
  };

  it('names a secret that fails its schema without echoing its value', () => {
    expect(() => loadConfig(checked, 'SVC_', { SVC_KEY: 'abc' })).toThrow(/SVC_KEY: /);
    expect(() => loadConfig(checked, 'SVC_', { SVC_KEY: 'abc' })).not.toThrow(/abc/);
  });

  it('checks a value that was set against the rest of the configuration', () => {
    expect(loadConfig(checked, 'SVC_', { SVC_ROOM: 'demo', SVC_KEY: 'demo_x' }).config.key).toBe('demo_x');
    expect(loadConfig(checked, 'SVC_', {}).config.key).toBe('');
    expect(() => loadConfig(checked, 'SVC_', { SVC_ROOM: 'demo', SVC_KEY: 'other_x' })).toThrow(
      'SVC_KEY: must start with the room',
    );
  });
});

describe('describeConfig', () => {
  it('refuses an object default without its text', () => {
    const bad = {
      list: field(
        z.string().transform((s) => s.split(',')),
        'SVC_LIST',
        ['a'],
        'A list.',
      ),
    };
    expect(() => describeConfig(bad)).toThrow(/SVC_LIST/);
  });

  it('renders a Markdown row per field, with the default text when given', () => {
    expect(describeConfig(spec).split('\n')).toEqual([
      '| variable | default | meaning |',
      '| --- | --- | --- |',
      '| `SVC_PORT` | `8080` | HTTP port. |',
      '| `SVC_VERBOSE` | `false` | More logs. |',
      '| `SVC_NAMES` | `a,b` | Names, comma-separated. |',
    ]);
  });
});
