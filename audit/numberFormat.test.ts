import { describe, expect, it } from 'vitest';
import { UNITS } from '../extract/records.js';
import { DisplayLanguageError, displayLanguage, exactInterval, exactNumber, exactValue, formatInterval, formatNumber, formatValue, parseDisplayLanguage, proseHtml, valueHtml } from './numberFormat.js';

describe('one number format', () => {
  it('names every unit the engine knows', () => {
    const lang = displayLanguage();
    for (const u of UNITS) expect(Object.keys(lang.units), u).toContain(u);
  });

  it('writes large values with a scale word and the unit name, the exact value in full', () => {
    expect(formatValue(48e12, 'CNY')).toBe('48 trillion yuan');
    expect(exactValue(48e12, 'CNY')).toBe('48,000,000,000,000 yuan');
    expect(formatValue(16_596_000_000_000, 'CNY')).toBe('16.596 trillion yuan');
    expect(formatValue(12_695_000, 'persons')).toBe('12.695 million persons');
    expect(exactValue(12_695_000, 'persons')).toBe('12,695,000 persons');
    expect(formatValue(376_040_000_000, 'USD')).toBe('376.04 billion US dollars');
    expect(formatValue(1, 'USD')).toBe('1 US dollar');
    expect(formatValue(1, 'persons')).toBe('1 person');
    // six significant digits in the short form; the title keeps them all
    expect(formatValue(1_234_567_891, 'CNY')).toBe('1.23457 billion yuan');
    expect(exactValue(1_234_567_891, 'CNY')).toBe('1,234,567,891 yuan');
    expect(formatValue(2.5e16, 'CNY')).toBe('25,000 trillion yuan');
  });

  it('writes small values whole, grouped from 10,000 up, with the unit words from the language file', () => {
    expect(formatValue(459_000, 'persons')).toBe('459,000 persons');
    expect(formatValue(6662, 'count')).toBe('6662');
    expect(formatValue(105, 'count')).toBe('105');
    expect(formatValue(28.5, 'percent')).toBe('28.5%');
    expect(formatValue(0.4, 'percentage_points')).toBe('0.4 percentage points');
    expect(formatValue(75.9, 'km2')).toBe('75.9 km²');
    expect(formatValue(11.4, 'per_10k')).toBe('11.4 per 10,000');
    expect(formatValue(2.5, 'times')).toBe('2.5 times');
    expect(formatValue(3, 'not_a_unit_yet')).toBe('3 not_a_unit_yet');
    expect(formatValue(null, 'CNY')).toBe('—');
    expect(formatValue(-2_000_000, 'CNY')).toBe('−2 million yuan');
    expect(exactNumber(1e-7)).toBe('0.0000001');
    expect(exactNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
  });

  it('writes intervals with shared scale and unit words once, open ends as ±∞', () => {
    const f = { lo: 12_694_500, hi: 12_695_500, unit: 'persons' };
    expect(formatInterval(f)).toBe('[12.6945, 12.6955] million persons');
    expect(exactInterval(f)).toBe('[12,694,500, 12,695,500] persons');
    expect(formatInterval({ lo: 3e12, hi: null, lo_exclusive: true, unit: 'CNY' })).toBe('(3 trillion yuan, +∞)');
    expect(formatInterval({ lo: 28.45, hi: 28.55, unit: 'percent' })).toBe('[28.45%, 28.55%]');
    expect(exactInterval({ lo: 30, hi: null, unit: 'percent' })).toBe('[30%, +∞)');
    expect(formatInterval({ lo: 999_500, hi: 1_000_500, unit: 'count' })).toBe('[999,500, 1.0005 million]');
    expect(formatInterval({ lo: 105, hi: 105, unit: 'count' })).toBe('[105, 105]');
  });

  it('writes axis numbers without a unit', () => {
    expect(formatNumber(2e13)).toBe('20 trillion');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(120)).toBe('120');
  });

  it('puts the exact value in a title, escaped', () => {
    expect(valueHtml(16_596_000_000_000, 'CNY')).toBe('<span class="v" title="16,596,000,000,000 yuan">16.596 trillion yuan</span>');
  });

  it('refuses a display file of the wrong shape with a named error', () => {
    expect(() => parseDisplayLanguage({ version: 1, scales: [], group: ',', group_from: 1e4, decimal: '.', significant: 6, units: {} })).toThrow(DisplayLanguageError);
    expect(() => parseDisplayLanguage({ version: 1, scales: [{ factor: 1e6, word: 'M' }], group: ',', group_from: 1e4, decimal: '.', significant: 6, units: { CNY: { word: 'yuan', plural: 'x' } } })).toThrow(/units\.CNY/);
  });
});

describe('engine-written text for a reader', () => {
  it('decodes JSON-quoted document text and joins its wrapped lines (no literal \\n)', () => {
    // a share check's message as the check writes it: quotes as JSON string literals
    const msg = 'stated share 36.5 % but "more than 21,500" / "78,000\\nenterprises" = 27.6 %';
    expect(proseHtml(msg)).toBe('stated share 36.5 % but <q>more than 21,500</q> / <q>78,000 enterprises</q> = 27.6 %');
  });

  it('writes the reasoning\'s numbers in the one format and leaves quotes as written', () => {
    const why = "1 mention: 'over 968 billion\nyuan' (lower bound 9.68e11, some-source-2014-x); value = 9.68e11 (lower bound)";
    expect(proseHtml(why)).toBe(
      '1 mention: <q>over 968 billion yuan</q> (lower bound <span class="n" title="968,000,000,000">968 billion</span>, some-source-2014-x); value = <span class="n" title="968,000,000,000">968 billion</span> (lower bound)',
    );
    // a quote holding an apostrophe and a number, a year, a date, an id with digits: untouched
    expect(proseHtml("kept 'the zone's 24105 firms', '10,365' in 2013 (2013-12-31, m_1e5)")).toBe('kept <q>the zone&#39;s 24105 firms</q>, <q>10,365</q> in 2013 (2013-12-31, m_1e5)');
    expect(proseHtml('intersection (3e12, ∞); 2 mentions agree; 18000 firms')).toBe(
      'intersection (<span class="n" title="3,000,000,000,000">3 trillion</span>, ∞); 2 mentions agree; <span class="n" title="18,000">18,000</span> firms',
    );
    expect(proseHtml('line one\nline two <b>')).toBe('line one<br>line two &lt;b&gt;');
    // plain short numbers keep the precision they were written with
    expect(proseHtml('13.2 vs 13.0 trillion; 0.50 pp')).toBe('13.2 vs 13.0 trillion; 0.50 pp');
  });
});
