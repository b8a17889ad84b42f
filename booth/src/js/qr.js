// QR code of a tracking code as an SVG element (qrcode-generator for the
// module matrix; drawn as one path, no inline style).
import qrcode from 'qrcode-generator';
import { h } from './dom.js';

/** An SVG QR code of `data` with an accessible name `label`. */
export function qrSvg(data, label) {
  const qr = qrcode(0, 'M');
  qr.addData(data);
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + 4},${r + 4}h1v1h-1z`;
  const size = n + 8;
  return h('svg:svg', { viewBox: `0 0 ${size} ${size}`, width: 200, height: 200, role: 'img', 'aria-label': label, class: 'qr' },
    h('svg:rect', { width: size, height: size, fill: '#fff' }),
    h('svg:path', { d, fill: '#000' }));
}
