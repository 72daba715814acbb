import { describe, expect, it } from 'vitest';
import { codeForParameter, parseQuery } from './query.js';

describe('parseQuery', () => {
  it('decodes names and values, lower-cases names and skips empty parts', () => {
    const got = parseQuery('secret=JBSW&Issuer=ACME%20Co&&flag&digits=', true);
    expect([...got]).toEqual([
      ['secret', 'JBSW'],
      ['issuer', 'ACME Co'],
      ['flag', ''],
      ['digits', ''],
    ]);
  });

  it("reads '+' as a space only when asked to", () => {
    expect(parseQuery('issuer=ACME+Co', true).get('issuer')).toBe('ACME Co');
    expect(parseQuery('data=ab+c%2B', false).get('data')).toBe('ab+c+');
  });

  it('rejects a known parameter given twice, with its own code', () => {
    expect(() => parseQuery('secret=A&SECRET=B', true)).toThrowError(
      expect.objectContaining({ code: 'bad-secret' }),
    );
    expect(() => parseQuery('period=30&period=60', true)).toThrowError(
      expect.objectContaining({ code: 'bad-period' }),
    );
  });

  it('keeps the first of repeated unknown parameters', () => {
    expect(parseQuery('image=a&image=b', true).get('image')).toBe('a');
  });

  it('rejects broken %-escapes with the code of the parameter', () => {
    expect(() => parseQuery('issuer=%E0%A4%A', true)).toThrowError(
      expect.objectContaining({ code: 'bad-issuer' }),
    );
    expect(() => parseQuery('%zz=1', true)).toThrowError(expect.objectContaining({ code: 'bad-parameter' }));
    expect(() => parseQuery('data=%', false)).toThrowError(expect.objectContaining({ code: 'bad-payload' }));
  });
});

describe('codeForParameter', () => {
  it('maps known names and falls back to bad-parameter, also for Object.prototype names', () => {
    expect(codeForParameter('counter')).toBe('bad-counter');
    expect(codeForParameter('image')).toBe('bad-parameter');
    expect(codeForParameter('__proto__')).toBe('bad-parameter');
    expect(codeForParameter('toString')).toBe('bad-parameter');
  });
});
