import path from 'node:path';
import { figtrailVersion, gitCommit } from './build.js';
import { compareBuildToVersion, latestVersion, release, releaseInstructions } from './release.js';
import { existsSync, readFileSync } from 'node:fs';
import { terminalLines, terminalText } from './terminalText.js';

/**
 * The input hashes the build recorded (sources, lexicon, rules, decisions, relations), from its data
 * package, so the released Parquet files carry the same provenance as the build they come from.
 */
/** The dataset a build belongs to, as its datapackage.json names it (a release keeps it). */
function buildDataset(buildDir: string): { name: string; title: string } | null {
  const dp = path.join(buildDir, 'datapackage.json');
  if (!existsSync(dp)) return null;
  const pkg = JSON.parse(readFileSync(dp, 'utf8')) as { name?: unknown; title?: unknown };
  if (typeof pkg.name !== 'string' || typeof pkg.title !== 'string') return null;
  // publish writes "<dataset title>: figures with provenance (figtrail)" for a named dataset, and a bare default
  // title for none: a title without that suffix names no dataset (else the release would wrap the default again)
  const m = /^(.+): figures with provenance \(figtrail\)$/.exec(pkg.title);
  return m ? { name: pkg.name, title: m[1]! } : null;
}

function buildInputHashes(buildDir: string): Record<string, string> {
  const dp = path.join(buildDir, 'datapackage.json');
  if (existsSync(dp)) {
    const recorded = (JSON.parse(readFileSync(dp, 'utf8')) as { figtrail?: { input_hashes?: Record<string, string> } }).figtrail?.input_hashes;
    if (recorded) return recorded;
  }
  const sources = path.join(buildDir, 'sources.json');
  const out: Record<string, string> = {};
  if (existsSync(sources)) {
    for (const s of JSON.parse(readFileSync(sources, 'utf8')) as { source_id: string; sha256: string }[]) out[`source:${s.source_id}`] = s.sha256;
  }
  return out;
}

export async function runReleaseCommand(
  command: 'release' | 'check-release',
  opts: {
    bump: string | undefined;
    buildDir: string;
    outDir: string;
    /** release from a tree with uncommitted changes anyway (the version then records `<sha>+dirty`) */
    allowDirty?: boolean;
    /** the commit to record; defaults to gitCommit() of the project */
    commit?: string;
  },
): Promise<number> {
  if (command === 'check-release') {
    const latest = latestVersion(opts.outDir);
    if (!latest) {
      process.stderr.write('check-release: no released version yet; run `npm run release -- --bump major`\n');
      return 1;
    }
    const cmp = await compareBuildToVersion(opts.buildDir, path.join(opts.outDir, `v${latest}`));
    if (cmp.same) {
      process.stdout.write(`check-release: the build's data equals v${latest}\n`);
      return 0;
    }
    process.stderr.write(
      `check-release: the data changed since v${latest} but no new version was released:\n  ${cmp.differences.slice(0, 20).map(terminalText).join('\n  ')}\n` +
        `${releaseInstructions(cmp.differences)}\n`,
    );
    return 1;
  }
  if (opts.bump !== 'patch' && opts.bump !== 'minor' && opts.bump !== 'major') {
    process.stderr.write('release: --bump patch|minor|major is required\n');
    return 2;
  }
  const commit = opts.commit ?? gitCommit();
  // a version must be reproducible from the commit it names: a dirty tree's data is not
  if (commit.endsWith('+dirty') && !opts.allowDirty) {
    process.stderr.write(
      `release: the working tree has uncommitted changes (${commit}); commit them (or stash them) and run the build again, ` +
        'so the version records the commit its data comes from (--allow-dirty overrides)\n',
    );
    return 1;
  }
  try {
    const dataset = buildDataset(opts.buildDir);
    const r = await release({
      buildDir: opts.buildDir,
      outDir: opts.outDir,
      bump: opts.bump,
      log: (line) => process.stderr.write(`${terminalText(line)}\n`),
      meta: {
        figtrailVersion: figtrailVersion(),
        gitCommit: commit,
        inputHashes: buildInputHashes(opts.buildDir),
        sourceDateEpoch: process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) : null,
        ...(dataset ? { dataset } : {}),
      },
    });
    process.stdout.write(`released v${r.version}\n${r.changelog}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`release: ${terminalLines((err as Error).message)}\n`);
    return 1;
  }
}
