import lz from 'lz-string';
for (const k of [2000, 5000, 10000]) {
  const s = 'a'.repeat(k*(k+1)/2);
  const c = lz.compressToEncodedURIComponent(s);
  const t = performance.now();
  const d = lz.decompressFromEncodedURIComponent(c);
  console.log(k, 'compressed', c.length, 'out', d.length, 'ms', (performance.now()-t).toFixed(0));
}
