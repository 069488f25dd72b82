import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parquetMetadata } from 'hyparquet';
import { publishTables, verifySha256Sums, type PublishMeta } from './publish.js';
import { runReleaseCommand } from './releaseCommand.js';
import { compareBuildToVersion, compareVersions, latestVersion, nextVersion, release, releaseInstructions, type Changes, type VersionEntry } from './release.js';
import type { TableName } from '../contracts/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtureDir = path.join(here, 'fixtures', 'publish');
type Tables = Record<TableName, Record<string, unknown>[]>;
const fixture = (): Tables => JSON.parse(readFileSync(path.join(fixtureDir, 'tables.json'), 'utf8')) as Tables;

const meta: Omit<PublishMeta, 'datasetVersion'> = {
  figtrailVersion: '0.1.0',
  gitCommit: 'deadbeef',
  inputHashes: { lexicon: 'a'.repeat(64) },
  sourceDateEpoch: 1700000000,
};

/** the page views' files of a build's site, with stand-in contents */
const PAGE_ASSETS: [string, string][] = [
  ['site/pdfjs/pdf.js', '(function(){globalThis.pdfjsLib={};})();\n'],
  ['site/pdfjs/pdf.worker.js', '(function(){globalThis.pdfjsWorker={};})();\n'],
  ['site/pdfview.js', '// viewer\n'],
  ['site/source/demo-brochure.pdf.js', 'window.figtrailPdf={"sha256":"","base64":"JVBERg=="};\n'],
];

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'figtrail-release-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** a build folder as the build writes it: text/, site/, tables published as "unreleased" */
async function makeBuild(tables: Tables): Promise<string> {
  const dir = path.join(tmp, `build-${n++}`);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(fixtureDir, 'text'), path.join(dir, 'text'), { recursive: true });
  mkdirSync(path.join(dir, 'site', 'source'), { recursive: true });
  mkdirSync(path.join(dir, 'site', 'pdfjs'), { recursive: true });
  writeFileSync(path.join(dir, 'site', 'index.html'), '<p>figtrail</p>\n');
  writeFileSync(path.join(dir, 'site', 'source', 'demo-brochure.html'), '<p>brochure</p>\n');
  // what draws a PDF's pages in the browser, as the audit site writes it: pdf.js, the viewer, the PDF's bytes
  for (const [rel, text] of PAGE_ASSETS) writeFileSync(path.join(dir, rel), text);
  await publishTables(dir, tables, { ...meta, datasetVersion: 'unreleased', sourceDateEpoch: null });
  return dir;
}

function freshOut(): string {
  const d = path.join(tmp, `out-${n++}`);
  mkdirSync(d);
  return d;
}

const kv = (file: string) => {
  const buf = readFileSync(file);
  const md = parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  return Object.fromEntries((md.key_value_metadata ?? []).map((e) => [e.key, e.value]));
};
const versions = (out: string) => JSON.parse(readFileSync(path.join(out, 'versions.json'), 'utf8')) as VersionEntry[];

describe('version numbers', () => {
  it.each([
    [null, 'major', '1.0.0'],
    [null, 'minor', '0.1.0'],
    [null, 'patch', '0.0.1'],
    ['1.2.3', 'patch', '1.2.4'],
    ['1.2.3', 'minor', '1.3.0'],
    ['1.2.3', 'major', '2.0.0'],
  ] as const)('%s + %s → %s', (latest, bump, expected) => {
    expect(nextVersion(latest, bump)).toBe(expected);
  });
  it('compares numerically', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(['1.10.0', '0.2.0', '1.9.3'].sort(compareVersions)).toEqual(['0.2.0', '1.9.3', '1.10.0']);
  });
  it('latestVersion reads out/versions.json; none → null', () => {
    const out = freshOut();
    expect(latestVersion(out)).toBeNull();
    writeFileSync(path.join(out, 'versions.json'), JSON.stringify([{ version: '1.10.0' }, { version: '1.9.0' }]));
    expect(latestVersion(out)).toBe('1.10.0');
  });
});

describe('release', () => {
  let out: string;
  let build1: string;
  let first: { version: string; changelog: string };

  beforeAll(async () => {
    out = freshOut();
    build1 = await makeBuild(fixture());
    first = await release({ buildDir: build1, outDir: out, bump: 'major', meta });
  });

  it('first major release is 1.0.0, complete and intact, with the version in the Parquet metadata', () => {
    expect(first.version).toBe('1.0.0');
    const v = path.join(out, 'v1.0.0');
    expect(verifySha256Sums(v)).toEqual([]);
    for (const f of ['facts.parquet', 'facts.json', 'datapackage.json', 'dictionary.md', 'CHANGELOG.md', 'changes.json', 'text/demo-news.txt', 'site/index.html']) {
      expect(existsSync(path.join(v, f)), f).toBe(true);
    }
    expect(kv(path.join(v, 'facts.parquet')).dataset_version).toBe('1.0.0');
    expect(kv(path.join(build1, 'facts.parquet')).dataset_version).toBe('unreleased');
    expect((JSON.parse(readFileSync(path.join(v, 'datapackage.json'), 'utf8')) as { version: string }).version).toBe('1.0.0');
    // the data rows are the build's
    for (const t of ['facts', 'mentions', 'series', 'sources', 'checks']) {
      expect(readFileSync(path.join(v, `${t}.json`), 'utf8')).toBe(readFileSync(path.join(build1, `${t}.json`), 'utf8'));
    }
    // nothing half-written left behind
    expect(readdirSync(out).sort()).toEqual(['v1.0.0', 'versions.json']);
  });

  it('commits nothing that draws the page images (pdf.js, the PDFs): listed with their sha256 in PAGE-IMAGES.SHA256SUMS, which SHA256SUMS covers', () => {
    const v = path.join(out, 'v1.0.0');
    for (const [rel] of PAGE_ASSETS) {
      expect(existsSync(path.join(build1, rel))).toBe(true);
      expect(existsSync(path.join(v, rel)), rel).toBe(false);
    }
    expect(existsSync(path.join(v, 'site', 'index.html'))).toBe(true);
    expect(existsSync(path.join(v, 'site', 'source', 'demo-brochure.html'))).toBe(true);
    const listed = [...PAGE_ASSETS].sort(([a], [b]) => (a < b ? -1 : 1)).map(([rel, text]) => `${createHash('sha256').update(text).digest('hex')}  ${rel}\n`);
    expect(readFileSync(path.join(v, 'PAGE-IMAGES.SHA256SUMS'), 'utf8')).toBe(listed.join(''));
    expect(readFileSync(path.join(v, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}PAGE-IMAGES\.SHA256SUMS$/m);
    expect(readFileSync(path.join(v, 'SHA256SUMS'), 'utf8')).not.toMatch(/pdfjs|pdfview|\.pdf\.js/);
    expect(verifySha256Sums(v)).toEqual([]);
  });

  it('records the version in versions.json', () => {
    const sums = createHash('sha256').update(readFileSync(path.join(out, 'v1.0.0', 'SHA256SUMS'))).digest('hex');
    expect(versions(out)).toEqual([{ version: '1.0.0', date: '2023-11-14', facts: 3, mentions: 3, sha256sums: sums }]);
    expect(latestVersion(out)).toBe('1.0.0');
  });

  it('the first changelog lists every fact with the quotes behind it', () => {
    expect(first.changelog).toContain('# figtrail data v1.0.0');
    expect(first.changelog).toContain('First release: 3 facts from 2 sources (3 mentions).');
    expect(first.changelog).toContain('`f_operating_revenue_2022`');
    expect(first.changelog).toContain('`m_00000000000000a1` demo-brochure p. 1: “27.9 trillion yuan”');
    expect(readFileSync(path.join(out, 'v1.0.0', 'CHANGELOG.md'), 'utf8')).toBe(first.changelog);
  });

  it('refuses to release when nothing changed', async () => {
    const again = await makeBuild(fixture());
    await expect(release({ buildDir: again, outDir: out, bump: 'patch', meta })).rejects.toThrow('no change since v1.0.0; nothing to release');
    expect(readdirSync(out).sort()).toEqual(['v1.0.0', 'versions.json']);
  });

  it('compareBuildToVersion: same data → same; a changed quote → named difference', async () => {
    expect(await compareBuildToVersion(build1, path.join(out, 'v1.0.0'))).toEqual({ same: true, differences: [] });
    const t = fixture();
    t.mentions[1]!.quote = 'more than 0.2%';
    const changed = await makeBuild(t);
    const cmp = await compareBuildToVersion(changed, path.join(out, 'v1.0.0'));
    expect(cmp.same).toBe(false);
    expect(cmp.differences).toEqual(['mentions: 0 added, 0 removed, 1 changed', 'mentions: changed m_00000000000000b2 (quote)']);
  });

  it('a checks-only change is not a data change', async () => {
    const t = fixture();
    t.checks[1]!.message = 'another message';
    const b = await makeBuild(t);
    expect((await compareBuildToVersion(b, path.join(out, 'v1.0.0'))).same).toBe(true);
  });

  it('releases a change as the next version with a fact changelog', async () => {
    const t = fixture();
    // changed value and interval
    Object.assign(t.facts[0]!, { value: 28000000000000, hi: 28000000000000 });
    t.series[0]!.value = 28000000000000;
    // removed
    t.facts.splice(1, 1);
    // added
    t.facts.push({ ...structuredClone(t.facts[0]!), fact_id: 'f_new', metric: 'new_metric', mention_ids: ['m_00000000000000b2'], chosen_mention_id: 'm_00000000000000b2' });
    const b = await makeBuild(t);
    const r = await release({ buildDir: b, outDir: out, bump: 'minor', meta: { ...meta, sourceDateEpoch: null } });
    expect(r.version).toBe('1.1.0');
    const changes = JSON.parse(readFileSync(path.join(out, 'v1.1.0', 'changes.json'), 'utf8')) as Changes;
    expect(changes.previous).toBe('1.0.0');
    expect(changes.added.map((c) => c.fact_id)).toEqual(['f_new']);
    expect(changes.added[0]?.mentions).toEqual([{ mention_id: 'm_00000000000000b2', source_id: 'demo-news', page: null, quote: 'more than 0.1%' }]);
    expect(changes.removed.map((c) => c.fact_id)).toEqual(['f_output_growth_2022']);
    expect(changes.removed[0]?.mentions.map((m) => m.quote)).toEqual(['more than 0.1%']);
    expect(changes.changed).toHaveLength(1);
    expect(changes.changed[0]?.fields).toEqual(['value', 'hi']);
    expect(changes.changed[0]?.before?.value).toBe(27900000000000);
    expect(changes.changed[0]?.after?.value).toBe(28000000000000);
    expect(changes.changed[0]?.mentions.map((m) => m.mention_id)).toEqual(['m_00000000000000a1', 'm_00000000000000c3']);
    expect(r.changelog).toContain('Compared with v1.0.0: 1 facts added, 1 changed, 1 removed');
    expect(r.changelog).toContain('value 27900000000000 → 28000000000000; hi 27900000000000 → 28000000000000');
    expect(kv(path.join(out, 'v1.1.0', 'facts.parquet')).dataset_version).toBe('1.1.0');
    expect(versions(out).map((v) => [v.version, v.date, v.facts])).toEqual([
      ['1.0.0', '2023-11-14', 3],
      ['1.1.0', null, 3],
    ]);
    // the earlier version is untouched
    expect(verifySha256Sums(path.join(out, 'v1.0.0'))).toEqual([]);
  });

  it('lists a mention read differently under its old id, and changed definitions, even when no fact moves', async () => {
    const t = fixture();
    // the same figure at the same place, now read as another subject; a new place and a renamed aggregate
    t.mentions[2]!.subject = 'demo_city';
    t.subjects.push({ id: 'demo_city', kind: 'city', role: 'place', name: 'Demo City', aliases: ['Demo City'], parent: null });
    t.subjects[0]!.name = 'Every demo high-tech zone';
    const b = await makeBuild(t);
    const o = freshOut();
    await release({ buildDir: await makeBuild(fixture()), outDir: o, bump: 'major', meta });
    const r = await release({ buildDir: b, outDir: o, bump: 'patch', meta: { ...meta, sourceDateEpoch: null } });
    const changes = JSON.parse(readFileSync(path.join(o, 'v1.0.1', 'changes.json'), 'utf8')) as Changes;
    expect(changes.summary.mentions_changed).toBe(1);
    expect(changes.readings.map((x) => [x.mention_id, x.fields])).toEqual([['m_00000000000000c3', [{ field: 'subject', before: 'national_hitech_zones', after: 'demo_city' }]]]);
    expect(changes.definitions).toEqual([
      { table: 'subjects', columns_added: [], columns_removed: [], added: ['demo_city'], removed: [], changed: [{ id: 'national_hitech_zones', columns: ['name'] }] },
    ]);
    expect(r.changelog).toContain('mentions +0 −0, 1 read differently');
    expect(r.changelog).toContain('## Readings changed (1)');
    expect(r.changelog).toContain('subject national_hitech_zones → demo_city');
    expect(r.changelog).toContain('- **subjects**: 1 added, 0 removed, 1 changed');
  });
});

describe('release refuses', () => {
  it('a build with a failing error check', async () => {
    const t = fixture();
    t.checks[0]!.status = 'fail';
    const b = await makeBuild(t);
    const out = freshOut();
    await expect(release({ buildDir: b, outDir: out, bump: 'major', meta })).rejects.toThrow(/1 failing error check\(s\) \(quote_matches_text\)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a build with source errors', async () => {
    const t = fixture();
    t.errors.push({ source_id: 'demo-news', reason: 'missing_file', message: 'not found' });
    const b = await makeBuild(t);
    await expect(release({ buildDir: b, outDir: freshOut(), bump: 'major', meta })).rejects.toThrow(/1 source error\(s\) \(demo-news\)/);
  });

  it('a build that does not match its SHA256SUMS', async () => {
    const b = await makeBuild(fixture());
    writeFileSync(path.join(b, 'facts.json'), '[]\n');
    await expect(release({ buildDir: b, outDir: freshOut(), bump: 'major', meta })).rejects.toThrow(/facts\.json: sha256 mismatch/);
  });

  it('to overwrite an existing version folder', async () => {
    const out = freshOut();
    mkdirSync(path.join(out, 'v1.0.0'));
    writeFileSync(path.join(out, 'v1.0.0', 'keep.txt'), 'keep');
    await expect(release({ buildDir: await makeBuild(fixture()), outDir: out, bump: 'major', meta })).rejects.toThrow(/v1\.0\.0 is in .* not listed in versions\.json, and does not match its SHA256SUMS/); // an unlisted folder that does not verify is never taken over
    expect(readdirSync(path.join(out, 'v1.0.0'))).toEqual(['keep.txt']);
  });

  it('and leaves nothing behind when publishing fails midway', async () => {
    const t = fixture();
    const b = await makeBuild(t);
    // a row the publisher rejects, with checksums made to match so the release gets as far as publishing
    const facts = JSON.parse(readFileSync(path.join(b, 'facts.json'), 'utf8')) as Record<string, unknown>[];
    facts[0]!.unit = 'furlongs';
    writeFileSync(path.join(b, 'facts.json'), `${JSON.stringify(facts)}\n`);
    const { writeSha256Sums } = await import('./publish.js');
    writeSha256Sums(b);
    const out = freshOut();
    await expect(release({ buildDir: b, outDir: out, bump: 'major', meta })).rejects.toThrow(/invalid facts rows/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('the release command', () => {
  it('refuses a build from a dirty tree, naming the way out; --allow-dirty releases it', async () => {
    const b = await makeBuild(fixture());
    const out = freshOut();
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const std = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runReleaseCommand('release', { bump: 'major', buildDir: b, outDir: out, commit: 'abc123+dirty' })).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/uncommitted changes \(abc123\+dirty\).*--allow-dirty/);
      expect(readdirSync(out)).toEqual([]);
      expect(await runReleaseCommand('release', { bump: 'major', buildDir: b, outDir: out, commit: 'abc123+dirty', allowDirty: true })).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['v1.0.0', 'versions.json']);
      // a build that names no dataset keeps the default title (not the default wrapped as a dataset's title)
      expect((JSON.parse(readFileSync(path.join(out, 'v1.0.0', 'datapackage.json'), 'utf8')) as { title: string }).title).toBe('Figures with provenance (figtrail)');
    } finally {
      err.mockRestore();
      std.mockRestore();
    }
  });
});

describe('releaseInstructions', () => {
  it('gives the exact commands, minor for a new source or new facts, patch for revised data', () => {
    const minor = releaseInstructions(['sources: 1 added, 0 removed, 0 changed', 'facts: 4 added, 0 removed, 1 changed']);
    expect(minor).toContain('git add -A && git commit');
    expect(minor).toContain('npm run build && npm run release -- --bump minor && git add out/');
    expect(releaseInstructions(['facts: 0 added, 0 removed, 3 changed'])).toContain('--bump patch');
    expect(releaseInstructions(['mentions: 10 added, 0 removed, 0 changed'])).toContain('--bump patch');
  });
});
