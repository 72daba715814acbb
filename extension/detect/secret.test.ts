import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQr } from './qr.js';
import { findOtpauthUri, normaliseBase32 } from './secret.js';

/** Renders a QR code (encoded by the `qrcode` package, an independent encoder) to RGBA pixels. */
function render(text: string, scale = 4, margin = 4): { data: Uint8ClampedArray; size: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const size = (n + 2 * margin) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      if (!qr.modules.get(x, y)) continue;
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const o = (((y + margin) * scale + dy) * size + (x + margin) * scale + dx) * 4;
          data[o] = data[o + 1] = data[o + 2] = 0;
        }
    }
  return { data, size };
}

describe('QR reading', () => {
  it('decodes an otpauth URI from pixels', () => {
    const uri = 'otpauth://totp/Portbase:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=Portbase';
    const { data, size } = render(uri);
    expect(decodeQr(data, size, size)).toBe(uri);
  });
  it('returns null for an image without a code and for bad dimensions', () => {
    const blank = new Uint8ClampedArray(64 * 64 * 4).fill(255);
    expect(decodeQr(blank, 64, 64)).toBeNull();
    expect(decodeQr(blank, 0, 64)).toBeNull();
    expect(decodeQr(new Uint8ClampedArray(10), 64, 64)).toBeNull();
  });
});

describe('secrets in text', () => {
  it('finds an otpauth URI inside other text', () => {
    expect(findOtpauthUri('Key: otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A end')).toBe(
      'otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=A',
    );
    expect(findOtpauthUri('otpauth://hotp/A?secret=X')).toBeNull();
    expect(findOtpauthUri('no uri')).toBeNull();
  });
  it('normalises base32 as people see it', () => {
    expect(normaliseBase32('Secret: jbsw y3dp ehpk 3pxp')).toBe('JBSWY3DPEHPK3PXP');
    expect(normaliseBase32('MFRG-GZDF-MZTW-Q2LK-NNWG-23TP-OBYX-E43U')).toBe(
      'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
    );
    expect(normaliseBase32('Geheime sleutel: JBSWY3DPEHPK3PXP')).toBe('JBSWY3DPEHPK3PXP');
  });
  it('rejects text that is not a secret', () => {
    expect(normaliseBase32('JBSWY3DP')).toBeNull(); // too short: under 80 bits
    expect(normaliseBase32('Enter the code from your app')).toBeNull();
    expect(normaliseBase32('JBSWY3DPEHPK3PX0')).toBeNull(); // 0 is not base32
  });
});
