import { parseLabelSelector, selectorMatches } from '../../src/util/label-selector';

const m = (sel: string, labels?: Record<string, string>) =>
  selectorMatches(parseLabelSelector('--selector', sel), labels);

describe('label selector matching (the API server semantics)', () => {
  test('equality, inequality (a missing label matches !=), set, existence', () => {
    expect(m('shard=a', { shard: 'a' })).toBe(true);
    expect(m('shard==a', { shard: 'b' })).toBe(false);
    expect(m('shard=a', {})).toBe(false);
    expect(m('shard!=a', {})).toBe(true);
    expect(m('shard!=a', { shard: 'a' })).toBe(false);
    expect(m('shard in (a, b)', { shard: 'b' })).toBe(true);
    expect(m('shard notin (a,b)', { shard: 'c' })).toBe(true);
    expect(m('shard notin (a,b)', { shard: 'a' })).toBe(false);
    expect(m('gpu', { gpu: '' })).toBe(true);
    expect(m('!gpu', { gpu: '' })).toBe(false);
    expect(m('!gpu', undefined)).toBe(true);
    expect(m('size>2', { size: '3' })).toBe(true);
    expect(m('size<2', { size: 'x' })).toBe(false);
  });

  test('every requirement must hold', () => {
    expect(m('shard=a,env=prod', { shard: 'a', env: 'prod' })).toBe(true);
    expect(m('shard=a,env=prod', { shard: 'a', env: 'dev' })).toBe(false);
  });

  test('a selector that does not parse is an InputError naming the flag and the problem', () => {
    expect(() => parseLabelSelector('--selector', 'shard in ()')).toThrow(/--selector: .*needs at least one value/);
    expect(() => parseLabelSelector('--selector', 'Bad Key=1')).toThrow(/is not a requirement/);
    expect(() => parseLabelSelector('--selector', 'shard=a,')).toThrow(/an empty requirement/);
  });
});
