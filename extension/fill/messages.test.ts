import { describe, expect, it } from 'vitest';
import { messagesFor } from './messages';

describe('panel texts', () => {
  it('follow the setting, else the browser language, else English', () => {
    expect(messagesFor('nl', 'en-US').unlock).toBe('Ontgrendelen');
    expect(messagesFor('auto', 'de-DE').unlock).toBe('Entsperren');
    expect(messagesFor('auto', 'nl').fill).toBe('Code invullen');
    expect(messagesFor('auto', 'fr-FR').unlock).toBe('Unlock');
    expect(messagesFor('en', 'nl-NL').lookalike('iamconnected-eu.com', 'iamconnected.eu')).toContain(
      'is not iamconnected.eu',
    );
  });
  it('have every text in every language', () => {
    const keys = Object.keys(messagesFor('en', 'en')).sort();
    for (const l of ['nl', 'de']) expect(Object.keys(messagesFor(l, 'en')).sort()).toEqual(keys);
  });
});
