// toHostError: the one rule for a key that cannot meet the request (NotAllowedError, never
// ConstraintError), next to the names the other failures get.
import { describe, expect, it } from 'vitest';
import { CTAP2_STATUS, CtapError } from '../ctap2/status.js';
import { CeremonyError, keyCannotMeet, toHostError } from './errors.js';

describe('toHostError', () => {
  it('names a key that cannot meet a required rk or UV NotAllowedError, whether we or the key noticed', () => {
    expect(toHostError(keyCannotMeet('the security key cannot store discoverable credentials'))).toEqual({
      name: 'NotAllowedError',
      message: 'the security key cannot store discoverable credentials',
    });
    const byKey = toHostError(new CtapError(CTAP2_STATUS.UNSUPPORTED_OPTION));
    expect(byKey.name).toBe('NotAllowedError');
    expect(byKey.message).toContain('cannot meet the request');
  });

  it('keeps the other names: cancel and timeout first, then the ceremony’s and the key’s own', () => {
    const err = new CeremonyError('InvalidStateError', 'excluded');
    expect(toHostError(err, 'cancel').name).toBe('AbortError');
    expect(toHostError(err, 'timeout')).toEqual({
      name: 'NotAllowedError',
      message: 'the operation timed out',
    });
    expect(toHostError(err)).toEqual({ name: 'InvalidStateError', message: 'excluded' });
    expect(toHostError(new CtapError(CTAP2_STATUS.CREDENTIAL_EXCLUDED)).name).toBe('InvalidStateError');
    expect(toHostError(new Error('boom'))).toEqual({ name: 'UnknownError', message: 'boom' });
  });
});
