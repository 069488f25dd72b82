/**
 * The records the extract stage produces are rows of published tables: their columns, zod schemas and
 * types are declared once, in the table contracts (contracts/tables.ts), and only re-exported here.
 */
export {
  BOUNDS,
  CURRENCY_UNITS,
  isCurrencyUnit,
  MentionSchema,
  PERIOD_BASES,
  SkipSchema,
  SourceErrorRecordSchema,
  UNITS,
  type Bound,
  type CurrencyUnit,
  type Mention,
  type PeriodBasis,
  type Skip,
  type SourceErrorRecord,
  type SourceRow,
  type Unit,
} from '../contracts/index.js';
