import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDecisions, runTransform } from './run.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function run(mentions: string, decisions: string) {
  return runTransform({
    mentionsPath: fixture(mentions),
    sourcesPath: fixture('sources.json'),
    metricsPath: fixture('metrics.json'),
    decisionsPath: fixture(`decisions/${decisions}`),
    rulesPath: fixture('rules.yaml'),
  });
}

describe('curated decisions', () => {
  it('the default dataset\'s decisions file is valid', () => {
    const file = fileURLToPath(new URL('../dataset/decisions.yaml', import.meta.url));
    expect(Array.isArray(loadDecisions(file))).toBe(true);
  });

  it('a decision whose mention_id matches nothing fails the build, naming it', async () => {
    await expect(run('conflict.json', 'stale_id.yaml')).rejects.toThrow(/every decision matches a mention[\s\S]*"D9"/);
  });

  it('a decision whose quote selector matches nothing fails the build, naming it', async () => {
    await expect(run('conflict.json', 'stale_quote.yaml')).rejects.toThrow(/every decision matches a mention[\s\S]*"D8"/);
  });

  it('a decision that chooses in a fact with no conflict is stale too', async () => {
    await expect(run('nested.json', 'choose_not_conflict.yaml')).rejects.toThrow(/settles a conflict[\s\S]*"D3"/);
  });

  it('a decision selects by quote and the text before it (loaded only when a decision has one)', async () => {
    const { facts } = await run('conflict.json', 'choose_by_quote.yaml');
    expect(facts.map((f) => [f.status, f.rule, f.chosen_mention_id])).toEqual([['resolved', 'decision:D4', 'm_00000000000000c2']]);
    await expect(run('conflict.json', 'stale_prefix.yaml')).rejects.toThrow(/every decision matches a mention[\s\S]*"D5"/);
  });

  it('a decision without a reason is rejected by the schema', async () => {
    await expect(run('conflict.json', 'no_reason.yaml')).rejects.toThrow(/reason/);
  });

  it('pinning a mention’s period moves it to another fact (and so ends the conflict)', async () => {
    const { facts, summary } = await run('conflict.json', 'pin_period.yaml');
    expect(facts.map((f) => [f.period, f.status, f.mention_ids])).toEqual([
      ['2011', 'single', ['m_00000000000000c2']],
      ['2012', 'single', ['m_00000000000000c1']],
    ]);
    expect(summary.decisions_applied).toBe(1);
  });

  it('choosing a mention settles a conflict: status resolved, rule names the decision and its reason', async () => {
    const { facts, summary } = await run('conflict.json', 'choose.yaml');
    expect(facts).toHaveLength(1);
    const f = facts[0]!;
    expect([f.status, f.rule, f.value, f.chosen_mention_id]).toEqual(['resolved', 'decision:D2', 1.7e12, 'm_00000000000000c2']);
    expect(f.resolution).toContain('the audited one');
    expect(summary.decisions_applied).toBe(1);
    expect(summary.by_status).toEqual({ resolved: 1 });
  });
});
