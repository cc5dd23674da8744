import { describe, expect, it } from 'vitest';
import { contrastRatio, textOn } from '../src/lib/contrast';

describe('text on a brand colour', () => {
  it.each([
    ['#000000', '#ffffff'],
    ['#ffffff', '#000000'],
    ['#1a4d8f', '#ffffff'],
    ['#ffd400', '#000000'],
    ['#777777', '#000000'],
  ])('on %s is %s', (background, text) => {
    expect(textOn(background)).toBe(text);
  });

  it('reaches at least 4.5:1 on every colour of a coarse sweep', () => {
    let worst = Number.POSITIVE_INFINITY;
    const steps = ['00', '33', '66', '77', '88', '99', 'cc', 'ff'];
    for (const r of steps)
      for (const g of steps)
        for (const b of steps) {
          const bg = `#${r}${g}${b}`;
          worst = Math.min(worst, contrastRatio(bg, textOn(bg)));
        }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});
