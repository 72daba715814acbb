import jsQR from 'jsqr';

const MAX_SIDE = 1024;

/** Decodes a QR code from RGBA pixels (jsQR); null when none is found. */
export function decodeQr(data: Uint8ClampedArray, width: number, height: number): string | null {
  // A QR code has at least 21×21 modules; jsQR throws on some tiny images (found by the fuzz test).
  if (width < 21 || height < 21 || data.length < width * height * 4) return null;
  try {
    const result = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
    return result ? result.data : null;
  } catch {
    return null;
  }
}

/**
 * Reads a QR code shown in an `<img>` or `<canvas>`: draws it on a canvas and decodes the pixels.
 * Synchronous; returns null when the image is not loaded, the canvas is tainted (cross-origin image),
 * there is no 2D canvas (happy-dom) or no code is found.
 */
export function readQrFromElement(el: Element): string | null {
  const doc = el.ownerDocument;
  let source: CanvasImageSource;
  let w: number;
  let h: number;
  if (el.localName === 'img') {
    const img = el as HTMLImageElement;
    if (!img.complete || img.naturalWidth === 0) return null;
    source = img;
    w = img.naturalWidth;
    h = img.naturalHeight;
  } else if (el.localName === 'canvas') {
    const c = el as HTMLCanvasElement;
    source = c;
    w = c.width;
    h = c.height;
  } else return null;
  const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
  const cw = Math.max(1, Math.round(w * scale));
  const ch = Math.max(1, Math.round(h * scale));
  try {
    const canvas = doc.createElement('canvas');
    canvas.width = cw;
    canvas.height = ch;
    const ctx2d = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx2d) return null;
    ctx2d.fillStyle = '#fff';
    ctx2d.fillRect(0, 0, cw, ch);
    ctx2d.drawImage(source, 0, 0, cw, ch);
    const pixels = ctx2d.getImageData(0, 0, cw, ch);
    return decodeQr(pixels.data, cw, ch);
  } catch {
    return null; // tainted canvas or no canvas support
  }
}
