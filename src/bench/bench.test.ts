import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const EXPECTED = [
  'baseline_map_lookup_ns',
  'baseline_oa_lookup_ns',
  'engine_setup_cps',
  'engine_bytes_per_conn',
  'engine_sw_fastpath_pps_100k_conns',
  'engine_sw_fastpath_pps_100k_conns_trains16',
  'engine_alloc_bytes_per_pkt_no_listener',
  'engine_sw_conntrack_pps_100k_conns',
  'engine_events_per_sec',
  'engine_hw_pps_100k_conns',
  'engine_hw_pps_100k_conns_trains16',
  'engine_sw_pps_100k_conns',
];

function runQuick(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('npx', ['tsx', '--expose-gc', 'src/bench/main.ts', '--quick'], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

describe('npm run bench -- --quick', () => {
  it('prints one well-formed JSON figure per line and nothing else on stdout', async () => {
    const { stdout } = await runQuick();
    const lines = stdout.trimEnd().split('\n');
    const figures = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(figures.map((f) => f.name).sort()).toEqual([...EXPECTED].sort());
    for (const f of figures) {
      expect(Object.keys(f).filter((k) => k !== 'note').sort()).toEqual(['baseline_ratio', 'better', 'name', 'target', 'unit', 'value']);
      expect(f.value === null || typeof f.value === 'number').toBe(true);
      expect(typeof f.unit).toBe('string');
      expect(f.target === null || typeof f.target === 'number').toBe(true);
      expect(['higher', 'lower']).toContain(f.better);
      const r = f.baseline_ratio as Record<string, unknown> | null;
      if (r !== null) expect(Object.keys(r).sort()).toEqual(['map_lookup', 'oa_lookup']);
    }
  }, 180_000);
});
