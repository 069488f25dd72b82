import { createRequire } from 'node:module';

type DuckDBApi = typeof import('@duckdb/node-api');

let api: DuckDBApi | null = null;

/**
 * DuckDB's Node API, loaded on first use and with `require`. On first use: a run that never reconciles or
 * publishes (up to date, `sources verify`) never loads the native library, `extract --shard` loads it only once
 * its sources are read (to write its mentions' Parquet file), and a build loads it while its extraction workers
 * read, not before they start. With `require`: the package is CommonJS, and an ESM
 * `import` of it makes Node read each of its ~180 files with its CommonJS export lexer first (≈ 0.17 s of CPU on
 * the main thread, more than loading the library itself, measured on node 20 with 2 cores). Load DuckDB
 * through here only: one ESM `import` of the package anywhere in the process brings that cost back.
 */
export function duckdb(): DuckDBApi {
  return (api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckDBApi);
}
