import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadGold } from './gold.js';
import { checkThresholds, formatFailures, formatReport, type Thresholds } from './report.js';
import { readMentions, score, type EvalResult, type Field } from './score.js';

export const EVAL_USAGE = `figtrail eval GOLD [--build DIR] [--json] [--worst N]
                [--min-f1-value X] [--min-f1-value-unit X] [--min-f1-bound X] [--min-f1-metric X]
                [--min-f1-subject X] [--min-f1-period X] [--min-f1-full X] [--max-negatives N]
  GOLD: a gold file (YAML, see eval/README.md) or a folder of them; --build: default out/build/
  exit 1 when a threshold is missed`;

const F1_FLAGS: Record<string, Field> = {
  'min-f1-value': 'value',
  'min-f1-value-unit': 'value_unit',
  'min-f1-bound': 'bound',
  'min-f1-metric': 'metric',
  'min-f1-subject': 'subject',
  'min-f1-period': 'period',
  'min-f1-full': 'full',
};

export class EvalUsageError extends Error {}

/** Scores the build in `buildDir` against the gold under `goldPath`. */
export function evaluate(goldPath: string, buildDir: string, opts: { worst?: number } = {}): EvalResult {
  const gold = loadGold(goldPath, buildDir);
  return score(gold, readMentions(buildDir), opts);
}

export interface EvalCliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `figtrail eval`: returns the exit code (0 ok, 1 a threshold missed). */
export function runEvalCli(args: string[], defaultBuild: string, io: EvalCliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: {
      build: { type: 'string', default: defaultBuild },
      json: { type: 'boolean', default: false },
      worst: { type: 'string' },
      ...Object.fromEntries(Object.keys(F1_FLAGS).map((k) => [k, { type: 'string' as const }])),
      'max-negatives': { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new EvalUsageError(`eval takes one GOLD path\n${EVAL_USAGE}`);
  const thresholds: Thresholds = { minF1: {} };
  for (const [flag, field] of Object.entries(F1_FLAGS)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v !== 'string') continue;
    const x = Number(v);
    if (!(x >= 0 && x <= 1)) throw new EvalUsageError(`--${flag} takes a number from 0 to 1`);
    thresholds.minF1[field] = x;
  }
  if (values['max-negatives'] !== undefined) {
    const n = Number(values['max-negatives']);
    if (!(Number.isInteger(n) && n >= 0)) throw new EvalUsageError('--max-negatives takes a whole number');
    thresholds.maxNegatives = n;
  }
  let worst: number | undefined;
  if (values.worst !== undefined) {
    worst = Number(values.worst);
    if (!(Number.isInteger(worst) && worst >= 0)) throw new EvalUsageError('--worst takes a whole number');
  }
  const goldPath = positionals[0]!;
  const result = evaluate(goldPath, values.build!, worst === undefined ? {} : { worst });
  const failures = checkThresholds(result, thresholds);
  if (values.json) io.out(`${JSON.stringify({ gold: goldPath, build: values.build, ...result, threshold_failures: failures }, null, 2)}\n`);
  else io.out(`${formatReport(result, `figtrail eval ${goldPath} --build ${path.normalize(values.build!)}`)}\n`);
  if (failures.length) io.err(`${formatFailures(failures)}\n`);
  return failures.length ? 1 : 0;
}
