import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS } from './index.js';
import { contextFromFixture, readFixture, unmatched } from './testing.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

describe('every rule has ok / not-ok fixtures', () => {
  it('one fixture folder per rule and one rule per folder', () => {
    const folders = readdirSync(FIXTURES).sort();
    expect(folders).toEqual(CHECKS.map((c) => c.ruleId).sort());
  });
  it('rule ids are unique kebab-case', () => {
    const ids = CHECKS.map((c) => c.ruleId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe.each(CHECKS.map((c) => [c.ruleId, c] as const))('%s', (ruleId, check) => {
  it('ok fixture: no failing finding, the expected passes', async () => {
    const fx = readFixture(`${FIXTURES}${ruleId}/ok.json`);
    const findings = await check.run(contextFromFixture(fx));
    for (const f of findings) expect(f.rule_id).toBe(ruleId);
    expect(findings.filter((f) => f.status === 'fail')).toEqual([]);
    const passes = findings.filter((f) => f.status === 'pass');
    expect(fx.expect_pass, 'ok fixture states how many passes it expects').toBeGreaterThan(0);
    expect(passes).toHaveLength(fx.expect_pass!);
    for (const p of passes) expect(p.severity).toBe('info');
    expect(unmatched(passes, fx.expect_pass_findings ?? [])).toEqual([]);
  });

  it('not-ok fixture: exactly the expected failing findings', async () => {
    const fx = readFixture(`${FIXTURES}${ruleId}/not-ok.json`);
    const findings = await check.run(contextFromFixture(fx));
    const fails = findings.filter((f) => f.status === 'fail');
    expect(fx.expect?.length, 'not-ok fixture lists its failing findings').toBeGreaterThan(0);
    expect(unmatched(fails, fx.expect!), JSON.stringify(fails, null, 1)).toEqual([]);
    expect(fails).toHaveLength(fx.expect!.length);
    const passes = findings.filter((f) => f.status === 'pass');
    if (fx.expect_pass !== undefined) expect(passes).toHaveLength(fx.expect_pass);
    expect(unmatched(passes, fx.expect_pass_findings ?? [])).toEqual([]);
  });
});
