import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  'traffic_generator_pps_100k_conns',
  'engine_fork_ms_100k_conns',
  'engine_fork_bytes_per_conn',
];

const PROFILE_DIR = mkdtempSync(join(tmpdir(), 'ct-bench-'));
/** The figures measured by a timed run (the others are computed or baselines). */
const TIMED = EXPECTED.filter((n) => /pps|cps|events_per_sec/.test(n));

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', '--expose-gc', 'src/bench/main.ts', ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const runQuick = () => bench(['--quick', '--profile', PROFILE_DIR]);

describe('npm run bench -- --quick', () => {
  it('prints one well-formed JSON figure per line and nothing else on stdout; --profile saves a CPU profile per timed figure', async () => {
    const { code, stdout, stderr } = await runQuick();
    expect(code, stderr).toBe(0);
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
    // --profile: one CPU profile per timed figure, and its top functions on stderr.
    expect(readdirSync(PROFILE_DIR).sort()).toEqual(TIMED.map((n) => `${n}.cpuprofile`).sort());
    const profile = JSON.parse(readFileSync(join(PROFILE_DIR, 'engine_hw_pps_100k_conns.cpuprofile'), 'utf8')) as { nodes: unknown[]; samples: unknown[] };
    expect(profile.samples.length).toBeGreaterThan(10);
    expect(stderr).toMatch(/profile of engine_hw_pps_100k_conns: .*\n\[bench\] +\d+\.\d% {2}\S+/);
  }, 180_000);

  it('refuses an unknown option or --profile without a directory, with usage and exit code 2', async () => {
    for (const args of [['--fast'], ['--profile'], ['--profile', '--quick']]) {
      const r = await bench(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('usage: npm run --silent bench');
    }
  }, 60_000);
});
